#!/usr/bin/env bash
# Installs whatever the workbook still lacks, and nothing twice:
#   npm dependencies, the library bundle (dist/index.cjs), the node_modules/replication-lab link,
#   Jupyter (Debian packages), the project-local tslab kernel and chart renderer.
# Usage: bash scripts/setup.sh [--with PACKAGE[,PACKAGE...]]...
#   --with asks for extra Debian packages, e.g. --with chromium (the browser check) or
#   --with postgresql. System packages are installed only as root or with passwordless sudo;
#   otherwise the script stops and prints the commands to run by hand.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jupyter-env.sh"
cd "$RL_ROOT"

extra_packages=()
while (($#)); do
  case "$1" in
    --with) IFS=, read -r -a more <<<"${2:?--with needs a package name}"; extra_packages+=("${more[@]}"); shift 2 ;;
    --with=*) IFS=, read -r -a more <<<"${1#--with=}"; extra_packages+=("${more[@]}"); shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "setup: unknown option '$1' (allowed: --with PACKAGE[,PACKAGE...])" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
started=$SECONDS

# --- Node -------------------------------------------------------------------------------------
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)); then
  echo "setup: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "       Install it from your package manager or https://nodejs.org, then run this again." >&2
  exit 1
fi
# Past its line's end of life (the dates grader/sandbox/launch.ts knows too), Node works here but
# gets no security fixes: said once, with the long-term lines still supported, and setup goes on.
today=$(date +%F)
node_eol=""
supported=""
for entry in 20:2026-04-30 21:2024-06-01 22:2027-04-30 23:2025-06-01 24:2028-04-30 25:2026-06-01 26:2029-04-30; do
  line=${entry%%:*} line_eol=${entry#*:}
  [[ $line == "$node_major" ]] && node_eol=$line_eol
  if ((line % 2 == 0)) && [[ ! $line_eol < $today ]]; then supported+="${supported:+, }$line"; fi
done
if [[ -n $node_eol && $today > $node_eol ]]; then
  echo "setup: note: Node.js $(node --version) is past its end of life ($node_eol) and gets no security fixes;" >&2
  echo "       everything here works on it, but a supported line (${supported:-see nodejs.org}) is better, and what graders should use." >&2
fi

# --- node_modules must be this project's own --------------------------------------------------
# Notebooks import "replication-lab" through the link node_modules/replication-lab -> .., which
# leads back to this project only when node_modules really is a folder of it. When node_modules
# is a link to another checkout's, ".." is that checkout, and every notebook would silently load
# its library. Setup cannot repair that without changing the other folder (nor run npm ci into
# it): it stops and says how to fix it. Real paths are compared, so links above the project are fine.
project_real=$(pwd -P)
# The real folder the link node_modules/replication-lab -> .. leads to (empty: none).
library_link_target() { (cd -P node_modules/.. 2>/dev/null && pwd -P) || true; }
check_own_node_modules() {
  [[ -e node_modules || -L node_modules ]] || return 0
  local target real_modules
  target=$(library_link_target)
  [[ "$target" == "$project_real" ]] && return 0
  if [[ -z "$target" ]]; then
    local what="a link to $(readlink node_modules), which does not exist"
    [[ -L node_modules ]] || what="not a folder"
    echo "setup: node_modules is $what. Remove it and run setup again: rm node_modules && npm run setup" >&2
    exit 1
  fi
  real_modules=$(cd -P node_modules && pwd -P)
  cat >&2 <<EOF
setup: node_modules is not this project's own folder: it is a link to $real_modules.
       Notebooks import "replication-lab" through node_modules/replication-lab -> .., which from
       there leads to $target, not to this project ($project_real),
       so every notebook would load that folder's code instead of yours.
       Give this project its own node_modules, then run setup again:
         rm node_modules && npm run setup      (npm ci installs the packages afresh)
       or copy the other one instead of downloading:
         rm node_modules && cp -a $(printf %q "$real_modules") node_modules && npm run setup
EOF
  exit 1
}
check_own_node_modules

# --- System packages (Jupyter, fonts for chart images, extras) ---------------------------------
# Debian package names; the Python modules are what the scripts actually use.
jupyter_packages=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)
# Chart images are drawn server-side; without any font their labels would be blank.
font_packages=(fonts-dejavu-core)

# A Python that can run the notebooks headless (nbconvert, nbclient) and serve them: classic
# Notebook, Notebook 7 or JupyterLab 4 (see rl_jupyter_ui in jupyter-env.sh).
jupyter_python_ok() {
  "$1" -c 'import nbconvert, nbclient, jupyter_client, nbformat' >/dev/null 2>&1 && [[ "$(rl_jupyter_ui "$1")" != none ]]
}
find_jupyter_python() {
  local candidate
  for candidate in ${JUPYTER_PYTHON:-} /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && jupyter_python_ok "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}
package_installed() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
  else
    command -v "$1" >/dev/null 2>&1
  fi
}

missing=()
jupyter_python=$(find_jupyter_python || true)
if [[ -z "$jupyter_python" ]]; then
  for p in "${jupyter_packages[@]}"; do package_installed "$p" || missing+=("$p"); done
  # Installed but unusable (e.g. a broken Python): reinstalling the set is the honest fix.
  ((${#missing[@]})) || missing=("${jupyter_packages[@]}")
fi
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${font_packages[@]}"; do package_installed "$p" || missing+=("$p"); done
fi
for p in "${extra_packages[@]}"; do
  [[ -n "$p" ]] && { package_installed "$p" || missing+=("$p"); }
done

print_manual_install() {
  cat >&2 <<EOF

setup: these system packages are missing: ${missing[*]}
This script installs system packages only as root or with passwordless sudo. Please run:

  Debian / Ubuntu:
    sudo apt-get update
    sudo apt-get install -y --no-install-recommends ${missing[*]}
EOF
  if [[ -z "$jupyter_python" ]]; then
    cat >&2 <<EOF

  Or install Jupyter with pip (any OS; Notebook 7 or JupyterLab 4 work too):
    python3 -m pip install --user notebook nbconvert nbclient jupyter_client ipykernel

  Or with conda:
    conda install -c conda-forge notebook nbconvert nbclient jupyter_client ipykernel

  If Jupyter lives in a Python other than /usr/bin/python3, name it:
    JUPYTER_PYTHON=/path/to/python3 npm start
EOF
  fi
  if [[ " ${missing[*]} " == *" chromium "* ]]; then
    printf '\n  If Chromium is installed elsewhere, name it:\n    CHROMIUM_PATH=/path/to/chromium npm test\n' >&2
  fi
  printf '\nThen run the same npm command again.\n' >&2
}

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    print_manual_install; exit 1
  elif [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    print_manual_install; exit 1
  fi
  say "installing system packages: ${missing[*]}"
  apt_started=$SECONDS
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  say "system packages installed ($((SECONDS - apt_started)) s)"
  jupyter_python=$(find_jupyter_python || true)
fi
if [[ -z "$jupyter_python" ]]; then
  echo "setup: Jupyter is installed but no Python can import it (tried ${JUPYTER_PYTHON:-} /usr/bin/python3 python3)." >&2
  missing=("${jupyter_packages[@]}"); print_manual_install; exit 1
fi
mkdir -p .jupyter/config .jupyter/data .jupyter/runtime
# Other scripts read the chosen Python from here instead of searching again.
[[ "$(cat .jupyter/python 2>/dev/null)" == "$jupyter_python" ]] || echo "$jupyter_python" >.jupyter/python

# --- npm dependencies ------------------------------------------------------------------------
# Up to date when every direct dependency is installed at the version the lock file pins.
npm_deps_current() {
  [[ -d node_modules ]] || return 1
  node -e '
    const fs = require("fs");
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
    const lock = fs.existsSync("package-lock.json") ? JSON.parse(fs.readFileSync("package-lock.json", "utf8")) : null;
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
      let installed;
      try { installed = JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, "utf8")).version; }
      catch { process.exit(1); }
      const pinned = lock?.packages?.[`node_modules/${name}`]?.version;
      if (pinned && pinned !== installed) process.exit(1);
    }' 2>/dev/null
}
if npm_deps_current; then
  say "npm dependencies up to date"
else
  npm_started=$SECONDS
  if [[ -f package-lock.json ]]; then
    say "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  else
    say "installing npm dependencies (npm install)"
    npm install --no-audit --no-fund --loglevel=error
  fi
  say "npm dependencies installed ($((SECONDS - npm_started)) s)"
fi

# --- The library bundle and the link notebooks import it through ------------------------------
# dist/pg-lab.cjs, the PostgreSQL lab's bundle (notebook 06 imports it), is built right after it.
if [[ ! -f dist/index.cjs || ! -f dist/types/index.d.ts || ! -f dist/pg-lab.cjs ||
      -n "$(find index.ts lib workbook grader pg-lab -name '*.ts' ! -name '*.test.ts' -newer dist/index.cjs -print -quit)" ]]; then
  say "building dist/index.cjs, dist/pg-lab.cjs and their type declarations"
  npm run --silent build
else
  say "dist/index.cjs up to date"
fi
# Notebooks import "replication-lab"; tslab cannot import from outside the notebook folder, but
# it can through node_modules. A relative link keeps working when the project moves.
if [[ "$(readlink node_modules/replication-lab 2>/dev/null)" != ".." ]]; then
  rm -rf node_modules/replication-lab
  ln -s .. node_modules/replication-lab
  say "linked node_modules/replication-lab -> .."
fi
# Whatever happened to node_modules since the first check, the link must lead back here.
check_own_node_modules

# --- Project-local kernel and chart renderer --------------------------------------------------
[[ -f jupyter/kernels/tslab/kernel.json ]] || { echo "setup: jupyter/kernels/tslab/kernel.json is missing" >&2; exit 1; }
# Classic Notebook draws charts with these builds, served by the Notebook server itself (no CDN).
vendor=jupyter/nbextensions/replication-lab/vendor
mkdir -p "$vendor"
for build in vega/build/vega.min.js vega-lite/build/vega-lite.min.js vega-embed/build/vega-embed.min.js; do
  target="$vendor/$(basename "$build")"
  cmp -s "node_modules/$build" "$target" || cp "node_modules/$build" "$target"
done

say "ready ($((SECONDS - started)) s): Jupyter ($(rl_jupyter_ui "$jupyter_python")) from $jupyter_python"
