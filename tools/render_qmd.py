#!/usr/bin/env python3
"""Fallback renderer for Quarto documents, used when ``quarto`` is not installed.

    python tools/render_qmd.py report/report.qmd --output-dir _output [--project-dir .]

It renders the same ``.qmd`` files as ``quarto render`` to the same places
(``_output/report/report.html`` and ``_output/report/report.pdf``) and supports
the subset of Quarto the report uses:

* YAML front matter merged over ``_quarto.yml``; ``{{< include file.qmd >}}``
  and ``{{< pagebreak >}}`` shortcodes;
* ```` ```{python} ```` cells with ``#|`` options (echo, output, include, eval,
  label, fig-cap, tbl-cap, code-fold, ...), executed in order in ONE Jupyter
  kernel running this very Python (``sys.executable``); a cell that raises or
  writes to stderr (which includes every Python warning) fails the build;
* numbered figures, tables, equations and sections with ``@fig-``/``@tbl-``/
  ``@eq-``/``@sec-`` cross-references (an unknown one fails the build),
  citations through ``pandoc --citeproc``, callout boxes keeping their ids;
* HTML: self-contained, MathML, table of contents, numbered sections, code
  folding; PDF: pandoc -> typst -> ``typst.compile``.

Pipeline: parse .qmd -> execute cells (nbclient) -> pandoc markdown -> pandoc
JSON AST -> our transforms (callouts, numbering, cross-references) -> pandoc
HTML and typst writers.  The output is deterministic: same inputs, same bytes.
"""
from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CELL_OPTIONS = {"echo", "output", "include", "eval", "label", "fig-cap", "tbl-cap",
                "fig-alt", "warning", "error", "code-fold", "code-summary"}
CROSSREF_NAMES = {"fig": "Figure", "tbl": "Table", "eq": "Equation", "sec": "Section"}
CALLOUT_TITLES = {"note": "Note", "tip": "Tip", "warning": "Warning",
                  "important": "Important", "caution": "Caution"}
CALLOUT_COLOURS = {"note": ("#0d6efd", "#e7f1fe"), "tip": ("#198754", "#e8f5ee"),
                   "warning": ("#fd7e14", "#fff3e6"), "important": ("#dc3545", "#fbe9eb"),
                   "caution": ("#e0a800", "#fff8e1")}
QUARTO_ONLY_META = {"format", "execute", "jupyter", "engine", "knitr", "crossref",
                    "editor", "project", "filters", "freeze"}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_START = re.compile(r"^(`{3,})\s*\{python\}\s*$")
FENCE_START = re.compile(r"^(`{3,}|~{3,})")
SHORTCODE = re.compile(r"\{\{<\s*(\w+)\s*(.*?)\s*>\}\}")

HTML_CSS = """
body { max-width: 52em; margin: 0 auto; padding: 2em 1.5em; line-height: 1.55;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212529; }
h1, h2, h3 { line-height: 1.25; }
.header-section-number { margin-right: .5em; color: #6c757d; }
pre { background: #f6f8fa; padding: .7em 1em; border-radius: 4px; overflow-x: auto; }
pre.cell-output, .cell-output pre { background: #fff; border-left: 3px solid #dee2e6; }
details.code-fold > summary { cursor: pointer; color: #6c757d; font-size: .9em; }
figure { margin: 1.5em 0; text-align: center; }
figure img, p img { max-width: 100%; height: auto; }
figcaption, caption { font-size: .92em; color: #495057; margin: .4em 0; }
table { border-collapse: collapse; margin: 1em auto; }
th, td { padding: .25em .8em; border-bottom: 1px solid #dee2e6; }
thead th { border-bottom: 2px solid #adb5bd; }
.equation { display: flex; align-items: center; }
.equation > math { flex: 1 1 auto; }
.eq-number { margin-left: 1em; white-space: nowrap; }
.callout { border: 1px solid #dee2e6; border-left: 5px solid; border-radius: 4px;
           padding: .3em 1em; margin: 1.2em 0; }
.callout-title { font-weight: bold; margin-top: .5em; }
""" + "".join(f".callout-{k} {{ border-left-color: {c}; background: {bg}; }}\n"
              for k, (c, bg) in CALLOUT_COLOURS.items())

TYPST_HEADER = """
#set document(date: none)
#set figure(numbering: none)
#set math.equation(numbering: none)
#show table: set par(justify: false)
#show table: set text(hyphenate: false)
#show figure.caption: set par(justify: false)
#show figure.where(kind: table): set block(breakable: true)
#show raw.where(block: true): set block(fill: luma(246), inset: 6pt, radius: 2pt, width: 100%)
#show raw.where(block: true, lang: none): set block(fill: none, stroke: (left: 2pt + luma(200)))
// shrink what would not fit the text width: images, and display equations
// (numbered ones keep room for their number)
#show math.equation.where(block: true): it => layout(size => {
  let w = measure(math.equation(math.display(it.body), block: false)).width
  let room = if it.numbering == none { size.width } else { size.width - (6em).to-absolute() }
  if w > room { scale(room / w * 100%, reflow: true, it) } else { it }
})
#show image: it => layout(size => {
  let w = measure(it).width
  if w > size.width { scale(size.width / w * 100%, reflow: true, it) } else { it }
})
"""


class RenderError(Exception):
    """A problem in the document: reported to the user, the build fails."""


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


# ---------------------------------------------------------------- parsing

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
    unknown = sorted(set(options) - CELL_OPTIONS)
    if unknown:
        raise RenderError(f"{where}: unsupported cell option(s) {', '.join(unknown)} "
                          f"(supported: {', '.join(sorted(CELL_OPTIONS))})")
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


# ---------------------------------------------------------------- execution

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


# ---------------------------------------------------------------- cells -> markdown

def fenced(code: str, attrs: str) -> str:
    """A fenced code block with a fence longer than any backtick run inside."""
    ticks = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", code)), default=0))
    return f"{ticks} {{{attrs}}}\n{code}\n{ticks}"


def raw_html(html: str) -> str:
    """A raw HTML block (ignored by the typst writer)."""
    return f"```{{=html}}\n{html}\n```"


def cell_markdown(cell: Cell, media: Path, opts: dict) -> str:
    """Pandoc markdown for one executed cell: code (maybe folded) and outputs."""
    o = cell.options
    if o.get("include", True) is False:
        return ""
    label = o.get("label") or ""
    parts = []
    if o.get("echo", opts["echo"]) and cell.source:
        code = fenced(cell.source, ".python .cell-code")
        fold = o.get("code-fold", opts["code-fold"])
        if fold:
            summary = o.get("code-summary", opts["code-summary"])
            code = "\n\n".join([raw_html(f'<details class="code-fold"{" open" if fold == "show" else ""}>'
                                         f"<summary>{summary}</summary>"),
                                code, raw_html("</details>")])
        parts.append(code)
    output = o.get("output", True)
    figures = 0
    if output is not False:
        for out in merge_streams(cell.outputs):
            if out["output_type"] == "stream":
                text = ANSI.sub("", out["text"]).rstrip("\n")
                parts.append(text if output == "asis" else fenced(text, ".cell-output"))
                continue
            data = out.get("data", {})
            if "image/png" in data:
                figures += 1
                name = f"{label or f'cell-{cell.index}'}-{figures}.png"
                (media / name).write_bytes(base64.b64decode(data["image/png"]))
                if label.startswith("fig-") and figures == 1:
                    cap = o.get("fig-cap", "")
                    if not cap:
                        raise RenderError(f"{cell.describe()}: figure cell needs a fig-cap")
                    parts.append(f"![{cap}](<{media / name}>){{#{label}"
                                 + (f' fig-alt="{o["fig-alt"]}"' if "fig-alt" in o else "") + "}")
                else:
                    parts.append(f"![](<{media / name}>)")
            elif "text/markdown" in data:
                parts.append(data["text/markdown"].strip("\n"))
            elif "text/plain" in data:
                text = ANSI.sub("", data["text/plain"])
                parts.append(text if output == "asis" else fenced(text, ".cell-output"))
    if label.startswith("fig-") and figures == 0 and output is not False:
        raise RenderError(f"{cell.describe()}: labelled {label} but produced no figure")
    if label.startswith("tbl-"):
        cap = o.get("tbl-cap")
        if not cap:
            raise RenderError(f"{cell.describe()}: table cell needs a tbl-cap")
        parts.append(f": {cap} {{#{label}}}")        # pandoc table caption + id
    ident = f"#{label} " if label and not label.startswith(("fig-", "tbl-")) else ""
    return f"::: {{{ident}.cell}}\n\n" + "\n\n".join(parts) + "\n\n:::"


def merge_streams(outputs: list) -> list:
    """Join consecutive stdout stream outputs into one."""
    merged = []
    for out in outputs:
        if (out["output_type"] == "stream" and merged
                and merged[-1]["output_type"] == "stream"):
            merged[-1] = dict(merged[-1], text=merged[-1]["text"] + out["text"])
        else:
            merged.append(out)
    return merged


def expand_shortcodes(text: str) -> str:
    """Replace the shortcodes left in the text (pagebreak); fail on others."""
    def repl(m):
        if m.group(1) == "pagebreak":
            return ('\n```{=html}\n<div style="page-break-after: always;"></div>\n```\n\n'
                    "```{=typst}\n#pagebreak()\n```\n")
        raise RenderError(f"unsupported shortcode: {m.group(0)}")
    if re.search(r"`\{python\}", text):
        raise RenderError("inline `{python} expr` expressions are not supported; "
                          "print the sentence from a cell with `output: asis` instead")
    return SHORTCODE.sub(repl, text)


# ---------------------------------------------------------------- pandoc AST transforms

def Str(s): return {"t": "Str", "c": s}
def RawInline(fmt, s): return {"t": "RawInline", "c": [fmt, s]}
def RawBlock(fmt, s): return {"t": "RawBlock", "c": [fmt, s]}


def walk(node, fn):
    """Apply fn to every element (dict with 't'), children first; fn returns a
    replacement element, a list of elements (spliced), or None (unchanged)."""
    if isinstance(node, list):
        out = []
        for item in node:
            item = walk(item, fn)
            res = fn(item) if isinstance(item, dict) and "t" in item else None
            if res is None:
                out.append(item)
            elif isinstance(res, list):
                out.extend(res)
            else:
                out.append(res)
        return out
    if isinstance(node, dict):
        return {k: walk(v, fn) for k, v in node.items()}
    return node


def callout(el):
    """Quarto callout Div -> styled box: HTML div.callout, typst #block."""
    if el["t"] != "Div":
        return None
    (ident, classes, kv), body = el["c"]
    kind = next((c[8:] for c in classes if c.startswith("callout-")), None)
    if kind not in CALLOUT_TITLES or "callout" in classes:
        return None
    attrs = dict(kv)
    title = [Str(attrs.pop("title"))] if "title" in attrs else None
    if title is None and body and body[0]["t"] == "Header":
        title, body = body[0]["c"][2], body[1:]
    title = title or [Str(CALLOUT_TITLES[kind])]
    line, fill = CALLOUT_COLOURS[kind]
    box = (f'#block(width: 100%, breakable: true, fill: rgb("{fill}"), inset: 8pt, radius: 2pt, '
           f'stroke: (left: 3pt + rgb("{line}")))[')
    head = {"t": "Div", "c": [["", ["callout-title"], []], [{"t": "Para", "c": [{"t": "Strong", "c": title}]}]]}
    return {"t": "Div", "c": [[ident, ["callout"] + classes, list(attrs.items())],
                              [RawBlock("typst", box), head] + body + [RawBlock("typst", "]")]]}


def number_elements(blocks: list, refs: dict) -> list:
    """Number sections, fig-/tbl- figures and tables and {#eq-} equations in
    document order; fill refs[id] = number and prefix captions."""
    counters, counts = [], {"fig": 0, "tbl": 0, "eq": 0}

    def add(ident, number):
        if ident in refs:
            raise RenderError(f"duplicate label: #{ident}")
        refs[ident] = number

    def prefix_caption(el, kind, name):
        ident = el["c"][0][0]
        if not ident.startswith(kind + "-"):
            return
        counts[kind] += 1
        add(ident, str(counts[kind]))
        caption = el["c"][1][1]
        label = [Str(f"{name}\u00a0{counts[kind]}:"), {"t": "Space"}]
        if caption and caption[0]["t"] in ("Plain", "Para"):
            caption[0]["c"] = label + caption[0]["c"]
        else:
            caption.insert(0, {"t": "Plain", "c": label[:1]})

    def equations(inlines):
        out, i = [], 0
        while i < len(inlines):
            el, rest = inlines[i], inlines[i + 1:i + 3]
            if rest and rest[0]["t"] == "Space":
                rest = rest[1:]
            m = (el["t"] == "Math" and el["c"][0]["t"] == "DisplayMath" and rest
                 and rest[0]["t"] == "Str" and re.fullmatch(r"\{#(eq-[^\s}]+)\}", rest[0]["c"]))
            if not m:
                out.append(el)
                i += 1
                continue
            ident = m.group(1)
            counts["eq"] += 1
            num = f"({counts['eq']})"
            add(ident, num)
            out += [RawInline("typst", f'#[#set math.equation(numbering: (..n) => "{num}"); '),
                    RawInline("html", f'<span class="equation" id="{ident}">'), el,
                    RawInline("html", f'<span class="eq-number">{num}</span></span>'),
                    RawInline("typst", f" <{ident}>]")]
            i += 3 if inlines[i + 1]["t"] == "Space" else 2
        return out

    def visit(el):
        t = el["t"]
        if t == "Header" and "unnumbered" not in el["c"][1][1]:
            level = el["c"][0]
            counters[level:] = []
            counters.extend([0] * (level - len(counters)))
            counters[level - 1] += 1
            if el["c"][1][0].startswith("sec-"):
                add(el["c"][1][0], ".".join(map(str, counters)))
        elif t == "Figure":
            prefix_caption(el, "fig", "Figure")
        elif t == "Table":
            prefix_caption(el, "tbl", "Table")
        elif t in ("Para", "Plain"):
            el["c"] = equations(el["c"])
        return None

    # document order: parents before children, so walk top-down
    def topdown(node):
        if isinstance(node, list):
            for item in node:
                topdown(item)
        elif isinstance(node, dict):
            if "t" in node:
                visit(node)
            for value in node.values():
                topdown(value)
    topdown(blocks)
    return blocks


def resolve_crossrefs(blocks: list, refs: dict, lines: list) -> list:
    """Replace @fig-/@tbl-/@eq-/@sec- citations by links "Figure N" etc.;
    other citations are left to citeproc.  Unknown labels fail the build."""
    def fn(el):
        if el["t"] != "Cite":
            return None
        cites = el["c"][0]
        kinds = [c["citationId"].split("-", 1)[0].lower() for c in cites]
        if not any(k in CROSSREF_NAMES for k in kinds):
            return None
        out = []
        for cite, kind in zip(cites, kinds):
            key = cite["citationId"]
            ident = kind + key[len(kind):]
            if kind not in CROSSREF_NAMES or ident not in refs:
                where = next((f"{f}:{n}: " for line, f, n in lines if "@" + key in line), "")
                raise RenderError(f"{where}unknown cross-reference @{key}")
            number = refs[ident]
            text = number if cite["citationMode"]["t"] == "SuppressAuthor" \
                else f"{CROSSREF_NAMES[kind]}\u00a0{number}"
            if out:
                out += [Str(","), {"t": "Space"}]
            out += cite["citationPrefix"] + ([{"t": "Space"}] if cite["citationPrefix"] else [])
            out.append({"t": "Link", "c": [["", ["quarto-xref"], []], [Str(text)], ["#" + ident, ""]]})
            out += cite["citationSuffix"]
        return out
    return walk(blocks, fn)


def absolute_images(blocks: list, base: Path) -> list:
    """Make relative image paths absolute (relative to the .qmd's folder)."""
    def fn(el):
        if el["t"] == "Image":
            src = el["c"][2][0]
            if not re.match(r"^(/|[a-z]+:)", src):
                el["c"][2][0] = str((base / src).resolve())
        return None
    return walk(blocks, fn)


# ---------------------------------------------------------------- pandoc / typst

def pandoc(args: list, stdin: str, cwd: Path) -> str:
    """Run the pandoc of pypandoc-binary; fail the build on errors or warnings."""
    import pypandoc
    proc = subprocess.run([pypandoc.get_pandoc_path(), "--fail-if-warnings", *args],
                          input=stdin, capture_output=True, text=True, cwd=cwd)
    if proc.returncode != 0 or proc.stderr.strip():
        raise RenderError(f"pandoc {' '.join(args[:4])} failed:\n{proc.stderr.strip()}")
    return proc.stdout


def document_metadata(meta: dict, qmd: Path) -> dict:
    """Front matter for pandoc: Quarto-only keys dropped, authors as names,
    `date: today` resolved (SOURCE_DATE_EPOCH honoured), paths made absolute."""
    out = {k: v for k, v in meta.items() if k not in QUARTO_ONLY_META}
    authors = out.get("author")
    if authors is not None:
        authors = authors if isinstance(authors, list) else [authors]
        out["author"] = [a.get("name", "") if isinstance(a, dict) else a for a in authors]
    if out.get("date") in ("today", "now", "last-modified"):
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        day = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
               if epoch else datetime.date.today())
        out["date"] = day.isoformat()
    for key in ("bibliography", "csl"):
        if key in out:
            paths = out[key] if isinstance(out[key], list) else [out[key]]
            out[key] = [str((qmd.parent / p).resolve()) for p in paths]
    out.setdefault("pagetitle", out.get("title", qmd.stem))
    return out


def format_options(config: dict, fmt: str) -> dict:
    """Options of one output format (`format: html:` etc.) as a dict."""
    value = (config.get("format") or {}).get(fmt) or {}
    return value if isinstance(value, dict) else {}


def to_html(ast_json: str, opts: dict, work: Path, cwd: Path) -> str:
    """Self-contained HTML: MathML, table of contents, numbered sections, our CSS."""
    args = ["-f", "json", "-t", "html5", "--standalone", "--embed-resources",
            "--mathml", "--citeproc"]
    if opts.get("toc", False):
        args += ["--toc", f"--toc-depth={opts.get('toc-depth', 3)}"]
    if opts.get("number-sections", False):
        args.append("--number-sections")
    css = work / "style.html"
    css.write_text(f"<style>{HTML_CSS}</style>\n")
    return pandoc(args + ["-H", str(css)], ast_json, cwd)


def to_pdf(ast_json: str, opts: dict, work: Path, cwd: Path) -> bytes:
    """PDF bytes: pandoc -> typst markup (kept in `work`) -> typst.compile."""
    import typst
    args = ["-f", "json", "-t", "typst", "--standalone", "--citeproc",
            "-V", f"papersize={opts.get('papersize', 'a4')}"]
    if opts.get("toc", False):
        args += ["--toc", f"--toc-depth={opts.get('toc-depth', 3)}"]
    if opts.get("number-sections", False):
        args.append("--number-sections")
    header = work / "header.typ"
    header.write_text(TYPST_HEADER)
    typ = pandoc(args + ["-H", str(header)], ast_json, cwd)
    # pandoc's typst template justifies the title like body text: do not
    typ = typ.replace("align(center, block[", "align(center, block[#set par(justify: false)\n", 1)
    typ_path = work / "document.typ"
    typ_path.write_text(typ)
    try:       # image paths are absolute, hence root "/"
        return typst.compile(str(typ_path), root="/")
    except Exception as exc:   # typst reports its errors as a plain exception
        raise RenderError(f"typst could not compile {typ_path}: {exc}") from exc


def render(qmd: Path, output_dir: Path, project_dir: Path, keep: bool = False) -> tuple[Path, Path]:
    """Render `qmd` to HTML and PDF under `output_dir`; return both paths."""
    project_dir, qmd = project_dir.resolve(), qmd.resolve()
    project_file = project_dir / "_quarto.yml"
    project = yaml.safe_load(project_file.read_text()) if project_file.is_file() else {}
    meta, items = parse_qmd(qmd)
    config = deep_merge(project or {}, meta)
    html_opts, typst_opts = format_options(config, "html"), format_options(config, "typst")
    execute = config.get("execute") or {}
    opts = {"echo": execute.get("echo", True),
            "code-fold": html_opts.get("code-fold", False),
            "code-summary": html_opts.get("code-summary", "Code")}
    fig = (html_opts.get("fig-width", 7), html_opts.get("fig-height", 5),
           html_opts.get("fig-dpi", 150), html_opts.get("fig-dpi", 150))
    execute_dir = (config.get("project") or {}).get("execute-dir", "file")
    rel = qmd.relative_to(project_dir).with_suffix("")
    html_path = (output_dir / rel).with_suffix(".html").resolve()
    pdf_path = (output_dir / rel).with_suffix(".pdf").resolve()
    for stale in (html_path, pdf_path):     # a failed build leaves no output behind
        stale.unlink(missing_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(f"{html_path.with_suffix('')}_files") if keep else Path(tmp)
        media = work / "figure-html"
        media.mkdir(parents=True, exist_ok=True)
        cells = [i for i in items if isinstance(i, Cell)]
        if any(c.options.get("eval", True) is not False for c in cells):
            execute_cells(cells, project_dir if execute_dir == "project" else qmd.parent, fig)
        body = "\n\n".join(cell_markdown(i, media, opts) if isinstance(i, Cell)
                           else expand_shortcodes(i) for i in items)
        markdown = ("---\n" + yaml.safe_dump(document_metadata(meta, qmd), sort_keys=True,
                                             allow_unicode=True) + "---\n\n" + body + "\n")
        (work / "document.md").write_text(markdown)     # kept with --keep, for debugging
        ast = json.loads(pandoc(["-f", "markdown", "-t", "json"], markdown, qmd.parent))
        refs = {}
        ast["blocks"] = walk(ast["blocks"], callout)
        ast["blocks"] = number_elements(ast["blocks"], refs)
        lines = expand_includes(qmd)[1]
        ast["blocks"] = resolve_crossrefs(ast["blocks"], refs, lines)
        ast["blocks"] = absolute_images(ast["blocks"], qmd.parent)
        ast_json = json.dumps(ast)

        html = to_html(ast_json, html_opts, work, qmd.parent)
        pdf = to_pdf(ast_json, typst_opts, work, qmd.parent)
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(html, encoding="utf-8")
        pdf_path.write_bytes(pdf)
    return html_path, pdf_path


def main(argv=None) -> int:
    """Command line: render one .qmd; exit 1 with a message on any problem."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("qmd", type=Path)
    parser.add_argument("--output-dir", type=Path, default=Path("_output"))
    parser.add_argument("--project-dir", type=Path, default=Path("."))
    parser.add_argument("--keep", action="store_true",
                        help="keep intermediate files (markdown, typst, figures) "
                             "in <output>_files/")
    args = parser.parse_args(argv)
    try:
        paths = render(args.qmd, args.output_dir, args.project_dir, keep=args.keep)
    except RenderError as exc:
        print(f"render_qmd: error: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(os.path.relpath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
