# Project-local Jupyter settings, sourced by setup.sh, start.sh and test.sh.
# Every folder Jupyter reads or writes points inside the project, so running the workbook never
# touches the home directory or the machine's global Jupyter folders.
# Keep in step with scripts/jupyter-env.ts (a unit test compares the two).

RL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RL_ROOT
# jupyter/ (tracked) holds the tslab kernelspec, the chart renderer nbextension and nbconfig.
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
