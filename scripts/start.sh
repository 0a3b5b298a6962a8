#!/usr/bin/env bash
# Serves the notebooks with Jupyter Notebook on 127.0.0.1 and prints the URL to open.
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
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "start: unknown option '$1' (allowed: --port N, --token TOKEN, --no-setup)" >&2; exit 2 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "start: --port must be a number, got '$port'" >&2; exit 2; }

((run_setup)) && bash scripts/setup.sh
python=$(rl_jupyter_python)
[[ -n "$token" ]] || token=$("$python" -c 'import secrets; print(secrets.token_hex(24))')

args=(-m notebook --no-browser --ip=127.0.0.1 --port="$port" --port-retries=50
  --notebook-dir="$RL_ROOT/notebooks" --NotebookApp.token="$token"
  # Answer the "Shutdown this notebook server?" prompt: one Ctrl-C stops it.
  --NotebookApp.answer_yes=True)
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
info="$JUPYTER_RUNTIME_DIR/nbserver-$server.json"
for _ in $(seq 1 300); do
  [[ -s "$info" ]] && break
  kill -0 "$server" 2>/dev/null || { wait "$server" || true; echo "start: Jupyter Notebook did not start (see the messages above)." >&2; exit 1; }
  sleep 0.1
done
[[ -s "$info" ]] || { echo "start: Jupyter Notebook did not report ready within 30 s." >&2; stop; }
url=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$info")

cat <<EOF

  Replication Lab is being served by Jupyter Notebook. Open this in your browser:

    ${url}notebooks/00-start-here.ipynb?token=$token

  All notebooks: ${url}tree?token=$token
  Stop with Ctrl-C.

EOF
echo "start: ready at ${url}?token=$token"
wait "$server" || true
