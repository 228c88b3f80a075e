"""Running the cells: one Jupyter kernel of this very Python, in document order; a cell
that raises or writes to stderr (every Python warning does) fails the build."""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

from qmd_parse import Cell
from render_errors import RenderError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


SETUP_CODE = """
import matplotlib
get_ipython().run_line_magic("matplotlib", "inline")
get_ipython().run_line_magic("config", "InlineBackend.figure_formats = ['png']")
get_ipython().run_line_magic("config", "InlineBackend.print_figure_kwargs = "
                             "{'bbox_inches': 'tight', 'metadata': {'Software': None}}")
matplotlib.rcParams.update({"figure.figsize": (%r, %r), "figure.dpi": %r, "savefig.dpi": %r})
del matplotlib
"""


def execute_cells(cells: list[Cell], cwd: Path, fig: tuple) -> None:
    """Run the cells (in order, one kernel) and store their outputs on them.

    The kernel is this interpreter (`sys.executable -m ipykernel_launcher`),
    not whatever `python3` kernel is installed globally.  Stops at the first
    cell that raises or writes to stderr (warnings), with a RenderError."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    setup = nbformat.v4.new_code_cell(SETUP_CODE % fig)
    nb = nbformat.v4.new_notebook()
    nb.cells = [setup] + [nbformat.v4.new_code_cell(c.source) for c in cells]
    with tempfile.TemporaryDirectory() as tmp:
        spec_dir = Path(tmp, "python3")
        spec_dir.mkdir()
        (spec_dir / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "render_qmd", "language": "python"}))
        ksm = KernelSpecManager(kernel_dirs=[tmp], ensure_native_kernel=False)
        km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=ksm)
        client = NotebookClient(nb, km=km, allow_errors=True, record_timing=False,
                                resources={"metadata": {"path": str(cwd)}})
        env = dict(os.environ, PYTHONHASHSEED="0", PYDEVD_DISABLE_FILE_VALIDATION="1")
        log_path = Path(tmp, "kernel.log")
        with open(log_path, "w") as log, client.setup_kernel(env=env, stderr=log):
            client.execute_cell(setup, 0)
            check_outputs(setup.outputs, "renderer setup cell")
            for i, cell in enumerate(cells, start=1):
                if cell.options.get("eval", True) is False:
                    continue
                try:
                    client.execute_cell(nb.cells[i], i)
                except DeadKernelError as exc:
                    raise RenderError(f"{cell.describe()}: the kernel died ({exc})\n"
                                      f"{log_path.read_text()[-2000:]}") from exc
                cell.outputs = [dict(o) for o in nb.cells[i].outputs]
                check_outputs(cell.outputs, cell.describe())


def check_outputs(outputs: list, name: str) -> None:
    """Fail on an exception or any stderr output (Python warnings go there)."""
    for out in outputs:
        if out["output_type"] == "error":
            tb = ANSI.sub("", "\n".join(out.get("traceback", [])))
            raise RenderError(f"{name} raised {out['ename']}: {out['evalue']}\n{tb}\n"
                              "(traceback line numbers count from the cell's first code line, "
                              "after its #| options)")
        if out["output_type"] == "stream" and out["name"] == "stderr":
            raise RenderError(f"{name} wrote to stderr (a warning?); warnings fail "
                              f"the build:\n{out['text'].rstrip()}")
