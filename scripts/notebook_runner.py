"""Executes or clears one notebook with Jupyter's own libraries; driven by scripts/notebooks.ts.

  python3 scripts/notebook_runner.py execute IN.ipynb OUT.ipynb --cwd DIR [--timeout SECONDS]
  python3 scripts/notebook_runner.py clear IN.ipynb OUT.ipynb

Prints one JSON line: {"ok": true, "seconds": ...} or, when a cell fails,
{"ok": false, "cell": N, "source": ..., "error": ...} with the cell's real error: the tslab kernel
writes it to the cell's stderr, and nbclient's own message is only "<Error>:".
OUT is written in both cases (on failure it holds the outputs up to the failing cell), in the
format the Notebook server saves, with the volatile parts made stable: no execution timings,
consecutive stream outputs merged, every cell with an id.
"""
import argparse
import hashlib
import json
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Stack frames of the kernel itself say nothing about the notebook's code.
KERNEL_FRAME = re.compile(r"^\s+at .*(node_modules/tslab/|node:vm:|sigintHandlersWrap).*$\n?", re.M)


def merge_streams(outputs):
    """Joins consecutive stream outputs of the same name: how they are split depends on timing."""
    merged = []
    for out in outputs:
        if (
            out.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == out.get("name")
        ):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def stabilise(nb):
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    for index, cell in enumerate(nb.cells):
        if not cell.get("id"):
            digest = hashlib.sha1(f"{index}\n{cell.source}".encode()).hexdigest()
            cell["id"] = digest[:8]
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)


def error_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out["text"])
        elif out.get("output_type") == "error":
            traceback = "\n".join(out.get("traceback") or [])
            parts.append(traceback or f"{out.get('ename', '')}: {out.get('evalue', '')}")
    return KERNEL_FRAME.sub("", ANSI.sub("", "".join(parts))).strip()


def execute(args):
    nb = nbformat.read(args.input, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=args.timeout,
        record_timing=False,
        resources={"metadata": {"path": args.cwd}},
    )
    current = {"index": 0}

    def on_cell_start(cell, cell_index):
        current["index"] = cell_index

    client.on_cell_start = on_cell_start
    started = time.monotonic()
    result = {"ok": True}
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as failure:
        cell = nb.cells[current["index"]]
        message = error_text(cell) or ANSI.sub("", str(failure)).strip()
        result = {"ok": False, "cell": current["index"] + 1, "source": cell.source, "error": message}
    result["seconds"] = round(time.monotonic() - started, 2)
    stabilise(nb)
    nbformat.write(nb, args.output)
    return result


def clear(args):
    nb = nbformat.read(args.input, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    stabilise(nb)
    nbformat.write(nb, args.output)
    return {"ok": True}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["execute", "clear"])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--cwd", default=".")
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args()
    result = execute(args) if args.mode == "execute" else clear(args)
    print(json.dumps(result))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
