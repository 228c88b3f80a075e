"""Load a submission (a notebook or a script) as a list of code cells.

A notebook gives its code cells in order.  IPython syntax is neutralised
line by line: ``%magic`` lines and ``!shell`` lines become ``pass`` (keeping
the indentation and the line numbers); a cell opened by a cell magic
(``%%bash``...) is skipped, except ``%%time``/``%%timeit``/``%%capture``
whose body is plain Python and runs.

A script is split at ``# %%`` markers when it has them (the VS Code /
Jupytext cell convention), otherwise into its top-level statements, so that
one failing statement does not stop the rest from being graded.
"""

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".ipynb", ".py")
_RUNNABLE_CELL_MAGICS = {"time", "timeit", "capture"}
_MAGIC_LINE = re.compile(r"^(\s*)(%|!)")
_CELL_MARKER = re.compile(r"^#\s*%%")


class SubmissionError(ValueError):
    """The file cannot be read as a submission."""


@dataclass(frozen=True)
class Cell:
    label: str  # "cell 3" or "lines 10-24": how a student finds it
    source: str


def load_cells(path):
    """Return the code cells of ``path`` (``.ipynb`` or ``.py``)."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise SubmissionError(f"{path}: expected a .ipynb notebook or a .py file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SubmissionError(f"{path}: cannot read the file ({error})") from error
    if path.suffix == ".ipynb":
        return notebook_cells(text, path)
    return script_cells(text)


def notebook_cells(text, path="notebook"):
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError) as error:
        raise SubmissionError(f"{path}: not a Jupyter notebook ({error})") from error
    out = []
    number = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(part) for part in source)
        source = strip_ipython(str(source))
        if source.strip():
            out.append(Cell(f"cell {number}", source))
    return out


def strip_ipython(source):
    """Neutralise IPython magics and shell escapes; '' for a skipped cell."""
    lines = source.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if first.lstrip().startswith("%%"):
        magic = first.lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in _RUNNABLE_CELL_MAGICS:
            return ""
        index = lines.index(first)
        lines[index] = "pass"
    out = []
    for line in lines:
        match = _MAGIC_LINE.match(line)
        out.append(f"{match.group(1)}pass" if match else line)
    return "\n".join(out) + "\n"


def script_cells(text):
    lines = text.splitlines()
    if any(_CELL_MARKER.match(line) for line in lines):
        cells, start = [], 0
        for i, line in enumerate(lines + ["# %%"]):
            if _CELL_MARKER.match(line):
                chunk = "\n".join(lines[start:i])
                if chunk.strip():
                    # pad with blank lines so tracebacks give the file's line numbers
                    cells.append(Cell(f"lines {start + 1}-{i}", "\n" * start + chunk + "\n"))
                start = i + 1
        return cells
    try:
        tree = ast.parse(text)
    except SyntaxError:
        # the runner reports the syntax error with its line number
        return [Cell(f"lines 1-{len(lines)}", text)]
    cells = []
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        last = node.end_lineno
        chunk = "\n".join(lines[first - 1 : last])
        cells.append(Cell(f"lines {first}-{last}", "\n" * (first - 1) + chunk + "\n"))
    return cells
