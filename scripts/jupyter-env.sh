# Project-local Jupyter settings, sourced by setup.sh, start.sh and test.sh.
# Every folder Jupyter reads or writes points inside the project, so running the workbook never
# touches the home directory or the machine's global Jupyter folders.
# Keep in step with scripts/jupyter-env.ts (a unit test compares the two).

RL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RL_ROOT
# jupyter/ (tracked) holds the tslab kernelspec, the chart renderer nbextension, and the editor
# settings (2-space indentation): nbconfig/ for classic Notebook, labconfig/ for Notebook 7 and
# JupyterLab 4 (default_setting_overrides.json, read from every config folder by jupyterlab_server).
export JUPYTER_PATH="$RL_ROOT/jupyter"
export JUPYTER_CONFIG_PATH="$RL_ROOT/jupyter"
# .jupyter/ (ignored by git) holds what Jupyter writes: runtime files, signatures, settings.
export JUPYTER_CONFIG_DIR="$RL_ROOT/.jupyter/config"
export JUPYTER_DATA_DIR="$RL_ROOT/.jupyter/data"
export JUPYTER_RUNTIME_DIR="$RL_ROOT/.jupyter/runtime"
export IPYTHONDIR="$RL_ROOT/.jupyter/ipython"

# The Python that has Jupyter: $JUPYTER_PYTHON if set, else the one setup.sh found and recorded.
rl_jupyter_python() {
  if [[ -n "${JUPYTER_PYTHON:-}" ]]; then
    echo "$JUPYTER_PYTHON"
  elif [[ -s "$RL_ROOT/.jupyter/python" ]]; then
    cat "$RL_ROOT/.jupyter/python"
  else
    echo /usr/bin/python3
  fi
}

# The Jupyter front end a Python offers, the one `npm start` serves:
#   classic    Jupyter Notebook 6 or older (Debian's jupyter-notebook; this project's nbextension draws charts)
#   notebook7  Jupyter Notebook 7 or newer (built on JupyterLab: it draws vega-lite charts itself)
#   lab        JupyterLab 4 or newer, without Notebook
#   none       none of these
# Classic wins when several are installed (it is the one the test suite drives); RL_JUPYTER_UI
# (classic, notebook7 or lab) chooses another that is installed.
rl_jupyter_ui() {
  RL_JUPYTER_UI="${RL_JUPYTER_UI:-}" "$1" - <<'PY' 2>/dev/null || echo none
import os
def major(name):
    try:
        return int(__import__(name).__version__.split(".")[0])
    except Exception:
        return None
notebook, lab = major("notebook"), major("jupyterlab")
available = []
if notebook is not None and notebook < 7:
    available.append("classic")
if notebook is not None and notebook >= 7:
    available.append("notebook7")
if lab is not None and lab >= 4:
    available.append("lab")
wanted = os.environ.get("RL_JUPYTER_UI", "")
print(wanted if wanted in available else (available[0] if available else "none"))
PY
}

# Names the Jupyter file list leaves out (start.sh): what npm, the build and the tests write, none
# of which a student opens. Listings only: the files are still served and kernels read them as
# before (the charts' vega is served from jupyter/nbextensions/, not from node_modules/).
RL_HIDDEN_NAMES=(node_modules dist artifacts)

# The ContentsManager.hide_globs a Python's server (classic, or notebook7/lab on jupyter_server)
# gets, one a line: that server's own defaults (__pycache__, *.pyc, ...), then RL_HIDDEN_NAMES.
# The option replaces its default, hence the defaults first. When the server's class cannot be read,
# the defaults of Notebook 6.4 and of jupyter_server 2.16+ stand in.
rl_hide_globs() {
  "$1" - "$2" "${RL_HIDDEN_NAMES[@]}" <<'PY'
import sys
ui, ours = sys.argv[1], sys.argv[2:]
try:
    if ui == "classic":
        from notebook.services.contents.manager import ContentsManager
    else:
        from jupyter_server.services.contents.manager import ContentsManager
    defaults = list(ContentsManager.class_traits()["hide_globs"].default())
except Exception:
    defaults = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store"] + (["*.so", "*.dylib"] if ui == "classic" else []) + ["*~"]
print("\n".join(defaults + [name for name in ours if name not in defaults]))
PY
}
