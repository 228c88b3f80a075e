"""Numbering (sections, fig-/tbl- figures and tables, {#eq-} equations) and the
@fig-/@tbl-/@eq-/@sec- cross-references that point at them."""
from __future__ import annotations

import re

from qmd_ast import RawInline, Str, source_line, walk
from render_errors import RenderError

CROSSREF_NAMES = {"fig": "Figure", "tbl": "Table", "eq": "Equation", "sec": "Section"}


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
            add(ident, str(counts["eq"]))     # referenced as "Equation 1", as Quarto does
            num = f"({counts['eq']})"           # ... and shown as (1) beside the equation
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
                raise RenderError(f"{source_line(lines, '@' + key)}unknown cross-reference @{key}")
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
