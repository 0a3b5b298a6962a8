#!/usr/bin/env bash
# Serves the notebooks with Jupyter on 127.0.0.1 and prints the URL to open: classic Notebook,
# Notebook 7 or JupyterLab 4, whichever the Jupyter Python has (scripts/jupyter-env.sh says which
# wins; RL_JUPYTER_UI=classic|notebook7|lab chooses), always with the project-local tslab kernel.
# The server's root is the project folder, so its file list shows notebooks/, exercises/, lib/...
# and opens exercises/*.ts in Jupyter's editor; a notebook's kernel still starts in the notebook's
# own folder (Jupyter starts kernels there), where its imports and relative paths resolve. The file
# list leaves out node_modules/, dist/ and artifacts/ (RL_HIDDEN_NAMES in jupyter-env.sh), and the
# editors indent by 2 spaces (settings in jupyter/nbconfig/ and jupyter/labconfig/).
# Usage: bash scripts/start.sh [--port N] [--token TOKEN] [--no-setup]
#   --port      the port to try first (default 8888; the next free one is used if it is taken)
#   --token     the access token (default: a fresh random one)
#   --no-setup  skip scripts/setup.sh (the caller has just run it)
# Ctrl-C stops the server and its kernels.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jupyter-env.sh"
cd "$RL_ROOT"

port=8888
token=""
run_setup=1
while (($#)); do
  case "$1" in
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    --token) token="${2:?--token needs a value}"; shift 2 ;;
    --no-setup) run_setup=0; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "start: unknown option '$1' (allowed: --port N, --token TOKEN, --no-setup)" >&2; exit 2 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "start: --port must be a number, got '$port'" >&2; exit 2; }

((run_setup)) && bash scripts/setup.sh
python=$(rl_jupyter_python)
[[ -n "$token" ]] || token=$("$python" -c 'import secrets; print(secrets.token_hex(24))')

ui=$(rl_jupyter_ui "$python")
if [[ -n "${RL_JUPYTER_UI:-}" && "$ui" != "$RL_JUPYTER_UI" ]]; then
  echo "start: RL_JUPYTER_UI=$RL_JUPYTER_UI is not installed in $python; serving $ui instead." >&2
fi
common=(--no-browser --ip=127.0.0.1 --port="$port" --port-retries=50)
# Both servers take ContentsManager.hide_globs, a list given one option per name.
mapfile -t hide_globs < <(rl_hide_globs "$python" "$ui")
((${#hide_globs[@]})) || { echo "start: $python could not list the names to hide from the file list." >&2; exit 1; }
for glob in "${hide_globs[@]}"; do common+=("--ContentsManager.hide_globs=$glob"); done
case "$ui" in
  classic)
    name="Jupyter Notebook"
    args=(-m notebook "${common[@]}" --notebook-dir="$RL_ROOT" --NotebookApp.token="$token"
      # Answer the "Shutdown this notebook server?" prompt: one Ctrl-C stops it.
      --NotebookApp.answer_yes=True)
    info_prefix=nbserver
    open_path=notebooks/notebooks/00-start-here.ipynb
    browse_path=tree
    ;;
  notebook7|lab)
    # Notebook 7 and JupyterLab 4 run on jupyter_server: ServerApp and IdentityProvider options.
    if [[ "$ui" == notebook7 ]]; then
      name="Jupyter Notebook 7"; args=(-m notebook); open_path=notebooks/notebooks/00-start-here.ipynb; browse_path=tree
    else
      name="JupyterLab"; args=(-m jupyterlab); open_path=lab/tree/notebooks/00-start-here.ipynb; browse_path=lab/tree
    fi
    args+=("${common[@]}" --ServerApp.root_dir="$RL_ROOT" --IdentityProvider.token="$token" --ServerApp.answer_yes=True)
    info_prefix=jpserver
    ;;
  *)
    echo "start: $python has no Jupyter Notebook or JupyterLab 4: run npm run setup (it says what to install)." >&2
    exit 1
    ;;
esac
# Jupyter refuses to run as root unless told; CI and containers run as root.
[[ $(id -u) -eq 0 ]] && args+=(--allow-root)

"$python" "${args[@]}" &
server=$!
stop() {
  trap - INT TERM
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  exit 0
}
trap stop INT TERM

# The server records its real port (it moves on when the first is taken) in its runtime file.
info="$JUPYTER_RUNTIME_DIR/$info_prefix-$server.json"
for _ in $(seq 1 300); do
  [[ -s "$info" ]] && break
  kill -0 "$server" 2>/dev/null || { wait "$server" || true; echo "start: $name did not start (see the messages above)." >&2; exit 1; }
  sleep 0.1
done
[[ -s "$info" ]] || { echo "start: $name did not report ready within 30 s." >&2; stop; }
url=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$info")

cat <<EOF

  Replication Lab is being served by $name. Open this in your browser:

    ${url}${open_path}?token=$token

  All notebooks:  ${url}${browse_path}/notebooks?token=$token
  Your exercises: ${url}${browse_path}/exercises?token=$token (a .ts file opens in Jupyter's editor)
  Stop with Ctrl-C.

EOF
echo "start: ready at ${url}?token=$token"
wait "$server" || true
