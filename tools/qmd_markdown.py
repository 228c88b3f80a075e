"""Executed cells and shortcodes as pandoc markdown."""
from __future__ import annotations

import base64
import re
from pathlib import Path

from qmd_execute import ANSI
from qmd_parse import Cell
from render_errors import RenderError

SHORTCODE = re.compile(r"\{\{<\s*(\w+)\s*(.*?)\s*>\}\}")



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
