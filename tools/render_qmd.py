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
  ``@eq-``/``@sec-`` cross-references (an unknown one fails the build), and
  appendices lettered A, B, ... after Quarto's ``quarto-file-metadata`` marker
  (tools/qmd_xref.py),
  citations through ``pandoc --citeproc``, callout boxes;
* HTML: self-contained, MathML, table of contents, numbered sections, code
  folding, the format's ``css`` files, the document's Lua ``filters``; PDF: pandoc -> typst -> ``typst.compile``
  with the format's ``include-in-header`` files, after Quarto's callout function.

It refuses what ``quarto render`` would break on (tools/quarto_rules.py): a cell
option Quarto does not know, a callout with an id (Quarto keeps only ids of its
callout prefixes, and this renderer numbers none), a link to an id that no element
carries, typst citations without ``citeproc: true``, cells without a named kernel,
and format options it does not implement (it would ignore them silently).

Pipeline: parse .qmd (qmd_parse) -> execute cells (qmd_execute) -> pandoc markdown
(qmd_markdown) -> pandoc JSON AST -> numbering and cross-references (qmd_xref),
checks and callouts (qmd_ast) -> pandoc HTML and typst writers (qmd_writers).
The output is deterministic: same inputs, same bytes.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import yaml

from qmd_ast import absolute_images, callouts, check_ids_and_links
from qmd_xref import html_section_numbers, number_elements, resolve_crossrefs
from qmd_execute import execute_cells
from qmd_markdown import cell_markdown, expand_shortcodes
from qmd_parse import Cell, deep_merge, expand_includes, parse_cell_options, parse_qmd
from quarto_rules import check_kernel
from qmd_writers import (FIGURE_DEFAULTS, check_formats, document_metadata, format_options,
                         lua_filters, pandoc, to_html, to_pdf)
from render_errors import RenderError

__all__ = ["Cell", "RenderError", "main", "parse_cell_options", "parse_qmd", "render"]


def render(qmd: Path, output_dir: Path, project_dir: Path, keep: bool = False) -> tuple[Path, Path]:
    """Render `qmd` to HTML and PDF under `output_dir`; return both paths."""
    project_dir, qmd = project_dir.resolve(), qmd.resolve()
    project_file = project_dir / "_quarto.yml"
    project = yaml.safe_load(project_file.read_text()) if project_file.is_file() else {}
    meta, items = parse_qmd(qmd)
    config = deep_merge(project or {}, meta)
    check_formats(config)
    html_opts, typst_opts = format_options(config, "html"), format_options(config, "typst")
    execute = config.get("execute") or {}
    opts = {"echo": execute.get("echo", True),
            "code-fold": html_opts.get("code-fold", False),
            "code-summary": html_opts.get("code-summary", "Code")}
    fig = tuple(html_opts.get(key, FIGURE_DEFAULTS[key])
                for key in ("fig-width", "fig-height", "fig-dpi", "fig-dpi"))
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
        check_kernel(config, bool(cells))
        if any(c.options.get("eval", True) is not False for c in cells):
            execute_cells(cells, project_dir if execute_dir == "project" else qmd.parent, fig)
        body = "\n\n".join(cell_markdown(i, media, opts) if isinstance(i, Cell)
                           else expand_shortcodes(i) for i in items)
        markdown = ("---\n" + yaml.safe_dump(document_metadata(meta, qmd), sort_keys=True,
                                             allow_unicode=True) + "---\n\n" + body + "\n")
        (work / "document.md").write_text(markdown)     # kept with --keep, for debugging
        ast = json.loads(pandoc(["-f", "markdown", "-t", "json"], markdown, qmd.parent))
        refs, lines = {}, expand_includes(qmd)[1]
        ast["blocks"] = number_elements(ast["blocks"], refs,
                                        bool(html_opts.get("number-sections", False)))
        ast["blocks"] = resolve_crossrefs(ast["blocks"], refs, lines)
        check_ids_and_links(ast["blocks"], set(refs), lines)
        ast["blocks"] = absolute_images(ast["blocks"], qmd.parent)
        dirs = (project_dir, qmd.parent)
        filters = lua_filters(config, dirs)
        html_blocks = html_section_numbers(ast["blocks"], config.get("crossref") or {})
        html = to_html(json.dumps(dict(ast, blocks=callouts(html_blocks, "html"))),
                       html_opts, work, dirs, filters)
        typst_ast = dict(ast, blocks=callouts(ast["blocks"], "typst"))
        pdf = to_pdf(json.dumps(typst_ast), typst_opts, work, dirs,
                     cites=bool(config.get("bibliography")), filters=filters)
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
