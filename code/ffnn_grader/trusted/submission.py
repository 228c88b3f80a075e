"""Load a submission (a notebook or a script) as a list of code cells.

A notebook gives its code cells in order.  IPython syntax is neutralised
line by line: ``%magic`` lines and ``!shell`` lines become ``pass`` (keeping
the indentation and the line numbers); a cell opened by a cell magic
(``%%bash``...) is skipped, except ``%%time``/``%%timeit``/``%%capture``
whose body is plain Python and runs.

A script is split at ``# %%`` markers when it has them (the VS Code /
Jupytext cell convention), otherwise into its top-level statements, so that
one failing statement does not stop the rest from being graded.  A heading
comment (``# Exercise 3``, ``# b) ...``) starts a new cell; in a script
with headings and no markers, the statements between two headings form one
cell, as the code under a heading does in a notebook.

Each cell knows the exercise it answers and the names in it that the
handout itself supplies; the submission knows the weeks it holds
(:mod:`.sections` reads the headings and the content).
"""

import ast
import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .sections import annotate, defined_names

SUFFIXES = (".ipynb", ".py")
MAX_FILE_BYTES = 64 * 2**20  # a notebook with its outputs (figures) may be large
MAX_CODE_CHARS = 4 * 2**20  # the code itself: far beyond any answer, parsed in well under a second
MAX_PADDING = 4 * 2**20  # blank lines added in front of a script's cells to keep its line numbers
_RUNNABLE_CELL_MAGICS = {"time", "timeit", "capture"}
_MAGIC_LINE = re.compile(r"^(\s*)(%|!)")
_CELL_MARKER = re.compile(r"^#\s*%%")
_HEADING_COMMENT = re.compile(  # "# Exercise 3", "# %% week 42", "# b) ...", "# **b)** ..."
    r"^#[\s#*%]*+(?:\[markdown\][\s#*]*+)?(?:(?i:exercise)\s++\d|(?i:week)\s*+\d|\(?[a-h]\)(?=\W|$))")


class SubmissionError(ValueError):
    """The file cannot be read as a submission."""


@dataclass(frozen=True)
class Cell:
    label: str  # "cell 3" or "lines 10-24": how a student finds it
    source: str
    kind: str = "code"
    section: str | None = None  # "w41-3b": the exercise whose heading the cell follows
    handout_names: frozenset = field(default_factory=frozenset)  # names it defines that the handout supplies
    handout: bool = False  # every name the cell defines is one the handout supplies there


@dataclass(frozen=True)
class Submission:
    path: str
    cells: list
    weeks: tuple  # the weeks to grade: (41,), (42,) or (41, 42)
    detected: tuple  # the weeks the content shows (empty: none recognised)

    @property
    def handout_cells(self):
        """Indices of the cells that hold only code the handout supplies."""
        return tuple(i for i, cell in enumerate(self.cells) if cell.handout)


def load_submission(path, week=None):
    """Read ``path`` (``.ipynb`` or ``.py``); ``week`` (41 or 42) overrides the detected weeks."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise SubmissionError(f"{path}: expected a .ipynb notebook or a .py file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SubmissionError(f"{path}: the file holds {size} bytes, more than the {MAX_FILE_BYTES} "
                                  "a submission may hold")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SubmissionError(f"{path}: cannot read the file ({error})") from error
    if path.suffix == ".py" and len(text) > MAX_CODE_CHARS:
        raise SubmissionError(f"{path}: the code holds {len(text)} characters, more than the "
                              f"{MAX_CODE_CHARS} a submission may hold")
    items = notebook_items(text, path) if path.suffix == ".ipynb" else script_items(text)
    code_chars = sum(len(item[2].lstrip("\n")) for item in items if item[0] == "code")
    if code_chars > MAX_CODE_CHARS:
        raise SubmissionError(f"{path}: the code holds {code_chars} characters, more than the "
                              f"{MAX_CODE_CHARS} a submission may hold")
    code, weeks, detected = annotate(items, week)
    cells = []
    for label, source, section, names in code:
        defined = defined_names(source)
        cells.append(Cell(label, source, section=section, handout_names=names,
                          handout=bool(defined) and defined <= names))
    return Submission(str(path), cells, weeks, detected)


def load_cells(path):
    """Return the code cells of ``path`` (``.ipynb`` or ``.py``)."""
    return load_submission(path).cells


def notebook_cells(text, path="notebook"):
    return [Cell(label, source) for kind, label, source in _code(notebook_items(text, path))]


def script_cells(text):
    return [Cell(label, source) for kind, label, source in _code(script_items(text))]


def _code(items):
    return [item for item in items if item[0] == "code"]


def notebook_items(text, path="notebook"):
    """``("text", markdown)`` and ``("code", label, source)`` in the notebook's order."""
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError) as error:
        raise SubmissionError(f"{path}: not a Jupyter notebook ({error})") from error
    out = []
    number = 0
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(part) for part in source)
        if cell.get("cell_type") == "markdown":
            out.append(("text", str(source)))
        elif cell.get("cell_type") == "code":
            number += 1
            source = strip_ipython(str(source))
            if source.strip():
                out.append(("code", f"cell {number}", source))
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


def script_items(text):
    """A script's heading comments and code cells, in line order (see the module's text)."""
    lines = text.splitlines()
    headings = {i for i, line in enumerate(lines) if _HEADING_COMMENT.match(line)}
    if any(_CELL_MARKER.match(line) for line in lines):
        starts = sorted({i for i, line in enumerate(lines) if _CELL_MARKER.match(line)} | headings)
        spans = [(a, b) for a, b in zip(starts, starts[1:] + [len(lines)])]
        if starts and starts[0] > 0:
            spans.insert(0, (0, starts[0]))
        cells = []
        for a, b in spans:
            first = a + 1 if a in headings or _CELL_MARKER.match(lines[a]) else a
            if "\n".join(lines[first:b]).strip():
                cells.append((first, b))
    else:
        cells = _grouped(_statements(text, lines), headings)
    items = [(i, ("text", lines[i])) for i in headings]
    # blank lines in front of each cell keep the file's line numbers in tracebacks, while
    # their total stays bounded (else line numbers count from the cell, as in a notebook)
    pad = sum(first for first, _ in cells) <= MAX_PADDING
    for first, last in cells:
        chunk = "\n" * (first if pad else 0) + "\n".join(lines[first:last]) + "\n"
        items.append((first, ("code", f"lines {first + 1}-{last}", chunk)))
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _grouped(spans, headings):
    """Statements between two headings form one cell, as in a notebook (one bisection each)."""
    cells, marks = [], sorted(headings)
    for first, last in spans:
        between = bisect.bisect_left(marks, first) > bisect.bisect_left(marks, cells[-1][1]) if cells else True
        if cells and marks and not between:
            cells[-1] = (cells[-1][0], last)
        else:
            cells.append((first, last))
    return cells


def _statements(text, lines):
    """(first, end) line spans, 0-based and end-exclusive, of each top-level statement."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        # the runner reports the syntax error with its line number
        return [(0, len(lines))]
    spans = []
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        spans.append((first - 1, node.end_lineno))
    return spans
