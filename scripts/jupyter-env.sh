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
