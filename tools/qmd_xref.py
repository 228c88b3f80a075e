"""Numbering (sections, fig-/tbl- figures and tables, {#eq-} equations) and the
@fig-/@tbl-/@eq-/@sec- cross-references that point at them.

Appendices are lettered as Quarto 1.9 letters a book's appendices (its Lua filters
common/filemetadata.lua, crossref/sections.lua, crossref/format.lua), in any document:
a raw HTML block ``<!-- quarto-file-metadata: BASE64 -->`` whose JSON has
``"bookItemType": "appendix"`` turns the level-1 headings after it into appendices,
numbered by the letter of its ``bookItemNumber`` (1 -> A), their subsections A.1, ...;
in HTML such a heading reads "Appendix A — Title" (``crossref: appendix-title``,
``appendix-delim``)."""
from __future__ import annotations

import base64
import binascii
import json
import re

from qmd_ast import RawInline, Str, callout_parts, source_line, walk
from render_errors import RenderError

CROSSREF_NAMES = {"fig": "Figure", "tbl": "Table", "eq": "Equation", "sec": "Section"}
FILE_METADATA = re.compile(r"<!-- quarto-file-metadata: ([^ ]+) -->")


def file_metadata(el: dict) -> dict | None:
    """The JSON of Quarto's marker ``<!-- quarto-file-metadata: BASE64 -->`` (a raw
    HTML block), or None for any other element."""
    if el["t"] != "RawBlock" or el["c"][0] != "html":
        return None
    m = FILE_METADATA.fullmatch(el["c"][1])
    if not m:
        return None
    try:
        meta = json.loads(base64.b64decode(m.group(1), validate=True))
    except (binascii.Error, ValueError) as exc:
        raise RenderError(f"quarto-file-metadata {m.group(1)!r}: not base64 of a JSON "
                          f"object ({exc})") from exc
    if not isinstance(meta, dict):
        raise RenderError(f"quarto-file-metadata: expected a JSON object, got {meta!r}")
    return meta


def number_elements(blocks: list, refs: dict, number_sections: bool = True) -> list:
    """Number sections, fig-/tbl- figures and tables and {#eq-} equations in
    document order; fill refs[id] = number and prefix captions.  With
    ``number_sections`` each numbered heading carries its number (attribute
    ``number``: "2.1", or "A.1" in an appendix), as under Quarto."""
    counters, counts = [], {"fig": 0, "tbl": 0, "eq": 0}
    appendix = {"on": False, "file": {}, "start": None}   # Quarto's fileMetadataState
    titles = set()      # the headings that are callouts' titles: no sections, as in Quarto

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

    def letter(index):
        return chr(64 + index)

    def section_number(first):
        return ".".join([first] + [str(c) for c in counters[1:]])

    def visit(el):
        t = el["t"]
        parts = callout_parts(el)
        if parts is not None and el["c"][1] and el["c"][1][0]["t"] == "Header" \
                and parts[1] is el["c"][1][0]["c"][2]:
            titles.add(id(el["c"][1][0]))
        if t == "RawBlock":
            meta = file_metadata(el)
            if meta is not None:
                appendix["file"] = meta
                appendix["on"] = appendix["on"] or meta.get("bookItemType") == "appendix"
        elif t == "Header" and "unnumbered" not in el["c"][1][1] and id(el) not in titles:
            level = el["c"][0]
            counters[level:] = []
            counters.extend([0] * (level - len(counters)))
            counters[level - 1] += 1
            ref = number = ".".join(map(str, counters))
            if appendix["on"]:
                item = appendix["file"].get("bookItemNumber")
                if not isinstance(item, int) or item < 1:
                    raise RenderError("quarto-file-metadata of an appendix: expected "
                                      f"bookItemNumber 1, 2, ..., got {item!r}")
                if appendix["start"] is None and level == 1:
                    appendix["start"] = counters[0]
                # the heading: the letter of its file; a reference: of its place
                number = section_number(letter(item))
                ref = section_number(letter(counters[0] - (appendix["start"] or 1) + 1))
            if number_sections:
                el["c"][1][2] = [kv for kv in el["c"][1][2] if kv[0] != "number"] + [
                    ["number", number]]
            if el["c"][1][0].startswith("sec-"):
                add(el["c"][1][0], ref)
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


def html_section_numbers(blocks: list, crossref: dict) -> list:
    """Each numbered heading's number in front of its text, for HTML, as Quarto writes
    it: ``<span class="header-section-number">2.1</span> Title``, and for an appendix
    "Appendix <span ...>A</span> — Title" (``crossref:`` appendix-title, appendix-delim)."""
    title = str(crossref.get("appendix-title", "Appendix"))
    delim = str(crossref.get("appendix-delim", " —"))

    def fn(el):
        if el["t"] != "Header":
            return None
        level, (_, classes, kv), content = el["c"]
        number = dict(kv).get("number")
        if not number or "unnumbered" in classes:
            return None
        prefix = [{"t": "Span", "c": [["", ["header-section-number"], []], [Str(number)]]},
                  {"t": "Space"}]
        if level == 1 and number.isalpha():
            prefix = [Str(title), {"t": "Space"}, prefix[0], Str(delim), {"t": "Space"}]
        el["c"][2] = prefix + content
        return None
    return walk(blocks, fn)
