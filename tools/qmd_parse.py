"""Reading a .qmd: front matter, include shortcodes and the executable cells with
their ``#|`` options (checked against the options Quarto knows)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from quarto_rules import JUPYTER_CELL_OPTIONS
from render_errors import RenderError

# the cell options this renderer implements (all of them known to Quarto)
CELL_OPTIONS = {"echo", "output", "include", "eval", "label", "fig-cap", "tbl-cap",
                "fig-alt", "warning", "error", "code-fold", "code-summary"}
CELL_START = re.compile(r"^(`{3,})\s*\{python\}\s*$")
FENCE_START = re.compile(r"^(`{3,}|~{3,})")


@dataclass
class Cell:
    """One executable ```{python} cell of the document."""
    index: int                      # 1-based among all cells
    source: str                     # code without the #| option lines
    options: dict
    file: Path
    line: int                       # line of the opening fence in `file`
    outputs: list = field(default_factory=list)

    def describe(self) -> str:
        """Name the cell for error messages: file, line, label or first line."""
        name = self.options.get("label")
        if not name:
            first = next((l for l in self.source.splitlines() if l.strip()), "")
            name = f"#{self.index} ({first.strip()[:60]!r})"
        return f"{self.file}:{self.line}: cell {name}"



def deep_merge(base: dict, over: dict) -> dict:
    """Merge mapping `over` into a copy of `base`, recursively."""
    out = dict(base)
    for key, value in (over or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def split_front_matter(text: str, path: Path) -> tuple[dict, list[str], int]:
    """Return (front matter, body lines, number of lines before the body)."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                try:
                    meta = yaml.safe_load("\n".join(lines[1:i])) or {}
                except yaml.YAMLError as exc:
                    raise RenderError(f"{path}: invalid YAML front matter: {exc}") from exc
                return meta, lines[i + 1:], i + 1
        raise RenderError(f"{path}: front matter is not closed by '---'")
    return {}, lines, 0


def expand_includes(path: Path, stack: tuple = ()) -> tuple[dict, list[tuple[str, Path, int]]]:
    """Read a .qmd, expanding include shortcodes recursively (paths relative to
    the including file).  Returns its front matter and the body as a list of
    (line, source file, line number) so errors can point at the right place.
    Included files' front matter is ignored, as in Quarto."""
    path = path.resolve()
    if path in stack:
        raise RenderError(f"{path}: recursive include")
    if not path.is_file():
        where = f"{stack[-1]}: " if stack else ""
        raise RenderError(f"{where}included file not found: {path}")
    meta, body, offset = split_front_matter(path.read_text(encoding="utf-8"), path)
    out, fence = [], None
    for n, line in enumerate(body, start=offset + 1):
        if fence:                                     # inside a code block: copy verbatim
            if line.strip() == fence:
                fence = None
        elif m := FENCE_START.match(line.strip()):
            fence = m.group(1)
        elif m := re.fullmatch(r"\s*\{\{<\s*include\s+(\S+)\s*>\}\}\s*", line):
            out += expand_includes(path.parent / m.group(1), stack + (path,))[1]
            continue
        out.append((line, path, n))
    return meta, out


def parse_cell_options(lines: list[str], where: str) -> tuple[dict, str]:
    """Split the leading `#| key: value` lines (YAML) from a cell's code."""
    n = 0
    while n < len(lines) and lines[n].startswith("#|"):
        n += 1
    try:
        options = yaml.safe_load("\n".join(l[2:] for l in lines[:n])) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{where}: invalid #| options: {exc}") from exc
    if not isinstance(options, dict):
        raise RenderError(f"{where}: #| options must be 'key: value' lines")
    unknown = sorted(set(options) - JUPYTER_CELL_OPTIONS)
    if unknown:
        raise RenderError(f"{where}: unknown cell option(s) {', '.join(unknown)}: Quarto's "
                          "jupyter engine does not know them (its cell-*.yml schema, "
                          "tools/quarto_rules.py; fig-width, fig-height, fig-dpi and "
                          "fig-format are cell options of knitr only)")
    unsupported = sorted(set(options) - CELL_OPTIONS)
    if unsupported:
        raise RenderError(f"{where}: cell option(s) {', '.join(unsupported)} are Quarto's "
                          "but not implemented by this renderer (it implements "
                          f"{', '.join(sorted(CELL_OPTIONS))})")
    return options, "\n".join(lines[n:]).strip("\n")


def parse_qmd(path: Path) -> tuple[dict, list]:
    """Parse a .qmd into (front matter, items); items are markdown text
    (str) and executable cells (Cell), in document order."""
    meta, lines = expand_includes(path)
    items, text, i, cells = [], [], 0, 0
    while i < len(lines):
        line, src, n = lines[i]
        m = CELL_START.match(line.strip())
        if m is None and FENCE_START.match(line.strip()):     # plain code block
            fence = FENCE_START.match(line.strip()).group(1)
            text.append(line)
            i += 1
            while i < len(lines) and lines[i][0].strip() != fence:
                text.append(lines[i][0])
                i += 1
            if i < len(lines):
                text.append(lines[i][0])
            i += 1
            continue
        if m is None:
            text.append(line)
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j][0].strip() != m.group(1):
            j += 1
        if j == len(lines):
            raise RenderError(f"{src}:{n}: code cell is not closed by {m.group(1)}")
        cells += 1
        where = f"{src}:{n}"
        options, code = parse_cell_options([l for l, _, _ in lines[i + 1:j]], where)
        items += ["\n".join(text), Cell(cells, code, options, src, n)]
        text, i = [], j + 1
    items.append("\n".join(text))
    return meta, items
