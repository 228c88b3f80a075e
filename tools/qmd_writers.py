"""pandoc and typst: the document's metadata, the HTML and the PDF writers, with the
format options of ``_quarto.yml`` that both renderers read (css, include-in-header,
citeproc, section-numbering)."""
from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

from render_errors import RenderError

TEMPLATES = Path(__file__).resolve().parent / "templates"
QUARTO_ONLY_META = {"format", "execute", "jupyter", "engine", "knitr", "crossref",
                    "editor", "project", "filters", "freeze"}


# Quarto's title of the table of contents (its English language file: toc-title-document)
TOC_TITLE = ["--metadata", "toc-title=Table of contents"]


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


# the format options this renderer implements; any other would be ignored silently
FORMAT_OPTIONS = {
    "html": {"toc", "toc-depth", "number-sections", "code-fold", "code-summary",
             "embed-resources", "html-math-method", "fig-format", "fig-width", "fig-height",
             "fig-dpi", "css", "include-in-header"},
    "typst": {"toc", "toc-depth", "number-sections", "section-numbering", "citeproc",
              "papersize", "fig-format", "include-in-header", "syntax-highlighting",
              "fig-width", "fig-height", "fig-dpi"},
}


# the figure size this renderer runs the cells with, unless format html gives its own
FIGURE_DEFAULTS = {"fig-width": 7, "fig-height": 5, "fig-dpi": 150}


def check_formats(config: dict) -> None:
    """Refuse formats and format options that this renderer would silently ignore,
    so that it never builds a different document from Quarto's without saying so."""
    formats = config.get("format") or {}
    for fmt, opts in formats.items():
        if fmt not in FORMAT_OPTIONS:
            raise RenderError(f"format {fmt!r}: this renderer writes only "
                              f"{' and '.join(FORMAT_OPTIONS)}")
        unknown = sorted(set(opts or {}) - FORMAT_OPTIONS[fmt])
        if unknown:
            raise RenderError(f"format: {fmt}: option(s) {', '.join(unknown)} not "
                              f"implemented by this renderer (it implements "
                              f"{', '.join(sorted(FORMAT_OPTIONS[fmt]))})")
    html, typst = formats.get("html") or {}, formats.get("typst") or {}
    for key in ("fig-width", "fig-height", "fig-dpi"):
        if key in typst and typst[key] != html.get(key, FIGURE_DEFAULTS[key]):
            raise RenderError(f"format: typst: {key} is {typst[key]!r}, html's "
                              f"{html.get(key, FIGURE_DEFAULTS[key])!r}: this renderer runs "
                              "the cells once, with html's figure size")
    for fmt, key, expected in (("html", "embed-resources", True), ("html", "fig-format", "png"),
                               ("typst", "syntax-highlighting", "idiomatic")):
        opts = formats.get(fmt) or {}
        if key in opts and opts[key] != expected:
            raise RenderError(f"format: {fmt}: {key} is {opts[key]!r}; this renderer "
                              f"implements only {expected!r}")


def option_files(opts: dict, key: str, dirs: tuple) -> list[Path]:
    """The files of a format option (`css`, `include-in-header`): one path or a list,
    relative to the project or the document as in Quarto; each must exist."""
    value = opts.get(key) or []
    out = []
    for item in value if isinstance(value, list) else [value]:
        name = item.get("file") if isinstance(item, dict) else item
        if not isinstance(name, str):
            raise RenderError(f"format option {key}: expected file paths, got {item!r}")
        found = next((d / name for d in dirs if (d / name).is_file()), None)
        if found is None:
            raise RenderError(f"format option {key}: file {name} not found in "
                              f"{' or '.join(str(d) for d in dirs)}")
        out.append(found)
    return out


# Quarto's filter entry points (`filters: - path: f.lua  at: post-render`)
ENTRY_POINTS = {"pre-ast", "post-ast", "pre-quarto", "post-quarto", "pre-render",
                "post-render", "pre-finalize", "post-finalize"}


def lua_filters(config: dict, dirs: tuple) -> list[str]:
    """pandoc arguments running the document's `filters` (Lua files, as Quarto does for
    each output format).  This renderer runs them all when it writes each format, after
    numbering and cross-references: an entry point (`at:`) is accepted and ignored."""
    names = []
    for item in config.get("filters") or []:
        if isinstance(item, dict) and "path" in item:
            if item.get("at", "pre-quarto") not in ENTRY_POINTS:
                raise RenderError(f"filters: {item['path']}: unknown entry point "
                                  f"at: {item['at']!r} (Quarto's: {', '.join(sorted(ENTRY_POINTS))})")
            item = item["path"]
        names.append(item)
    files = option_files({"filters": names}, "filters", dirs)
    bad = [f for f in files if f.suffix != ".lua"]
    if bad:
        raise RenderError(f"filters: {bad[0]} is not a Lua filter; this renderer runs "
                          "only Lua filters")
    return [a for f in files for a in ("--lua-filter", str(f))]


def to_html(ast_json: str, opts: dict, work: Path, dirs: tuple, filters: list) -> str:
    """Self-contained HTML: MathML, table of contents; our page style, then the
    format's own `css` files."""
    method = opts.get("html-math-method", "mathml")
    if method != "mathml":
        raise RenderError(f"format: html: html-math-method is {method!r}; this renderer "
                          "writes MathML only (html-math-method: mathml)")
    args = ["-f", "json", "-t", "html5", "--standalone", "--embed-resources",
            "--mathml", *filters, "--citeproc"]
    if opts.get("toc", False):
        args += ["--toc", f"--toc-depth={opts.get('toc-depth', 3)}", *TOC_TITLE]
    # numbered sections: the numbers are in the headings already (qmd_xref), as Quarto
    # writes them, so that pandoc's own numbering would count them twice
    css = [TEMPLATES / "fallback.css"] + option_files(opts, "css", dirs)
    style = work / "style.html"
    style.write_text("".join(f"<style>\n{p.read_text(encoding='utf-8')}</style>\n"
                             for p in css), encoding="utf-8")
    headers = [style] + option_files(opts, "include-in-header", dirs)
    return pandoc(args + [a for h in headers for a in ("-H", str(h))], ast_json, dirs[-1])


def to_pdf(ast_json: str, opts: dict, work: Path, dirs: tuple, cites: bool,
           filters: list) -> bytes:
    """PDF bytes: pandoc -> typst markup (kept in `work`) -> typst.compile.  Quarto's
    typst defaults are kept (section numbering 1.1.a), except that citations need
    `citeproc: true` (Quarto's default false would number them in typst's own style)."""
    import typst
    if cites and opts.get("citeproc") is not True:
        raise RenderError("the document cites a bibliography but format: typst: has no "
                          "'citeproc: true'; Quarto's typst default (false) formats the "
                          "references differently from this renderer")
    # code is typst `raw` (pandoc's idiomatic highlighting) whether or not the format asks
    args = ["-f", "json", "-t", "typst", "--standalone", *filters, "--citeproc",
            "--syntax-highlighting=idiomatic",
            "-V", f"papersize={opts.get('papersize', 'a4')}",
            # typst's own default font, as under Quarto (whose template leaves the font
            # to typst); pandoc 3.8's template would write an empty list, an error
            "-V", "mainfont=Libertinus Serif"]
    if opts.get("toc", False):
        args += ["--toc", f"--toc-depth={opts.get('toc-depth', 3)}", *TOC_TITLE]
    if opts.get("number-sections", False):
        args += ["--number-sections", "-V",
                 f"section-numbering={opts.get('section-numbering', '1.1.a')}"]
    headers = [TEMPLATES / "fallback.typ"] + option_files(opts, "include-in-header", dirs)
    typ = pandoc(args + [a for h in headers for a in ("-H", str(h))], ast_json, dirs[-1])
    # pandoc's typst template justifies the title like body text: do not
    typ = typ.replace("align(center, block[", "align(center, block[#set par(justify: false)\n", 1)
    typ_path = work / "document.typ"
    typ_path.write_text(typ, encoding="utf-8")
    try:       # image paths are absolute, hence root "/"
        pdf, warnings = typst.compile_with_warnings(str(typ_path), root="/")
    except Exception as exc:   # typst reports its errors as a plain exception
        raise RenderError(f"typst could not compile {typ_path}: {exc}") from exc
    if warnings:               # as pandoc's: a warning fails the build
        raise RenderError(f"typst warned {len(warnings)} time(s) compiling {typ_path}:\n"
                          + "\n".join(f"warning: {w.message}" for w in warnings))
    return pdf
