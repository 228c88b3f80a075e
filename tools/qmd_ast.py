"""Transforms of the pandoc JSON AST: callouts (one form per output format), absolute
image paths, and the checks that every callout id and every internal link would also
work under Quarto."""
from __future__ import annotations

import re
from pathlib import Path

from quarto_rules import CALLOUT_COLOURS, CALLOUT_KINDS, check_callout_id
from render_errors import RenderError


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


def source_line(lines: list, needle: str) -> str:
    """'file:line: ' of the first source line containing `needle`, or ''."""
    return next((f"{f}:{n}: " for line, f, n in lines if needle in line), "")


def callout_parts(el):
    """(kind, title inlines, body blocks) of a Quarto callout Div, else None."""
    if el["t"] != "Div":
        return None
    (_, classes, kv), body = el["c"]
    kind = next((c[8:] for c in classes if c.startswith("callout-")), None)
    if kind not in CALLOUT_KINDS or "callout" in classes:
        return None
    title = [Str(dict(kv)["title"])] if "title" in dict(kv) else None
    if title is None and body and body[0]["t"] == "Header":
        title, body = body[0]["c"][2], body[1:]
    return kind, title or [Str(CALLOUT_KINDS[kind])], body


def callouts(blocks: list, fmt: str) -> list:
    """Callout Divs -> HTML ``div.callout`` with a title, or typst ``#callout(...)``
    (Quarto's function, which a header may redefine)."""
    def fn(el):
        parts = callout_parts(el)
        if parts is None:
            return None
        kind, title, body = parts
        if fmt == "html":
            head = {"t": "Div", "c": [["", ["callout-title"], []],
                                      [{"t": "Para", "c": [{"t": "Strong", "c": title}]}]]}
            (_, classes, kv), _ = el["c"]
            attrs = [(k, v) for k, v in kv if k != "title"]
            return {"t": "Div", "c": [["", ["callout"] + classes, attrs], [head] + body]}
        icon, fill = CALLOUT_COLOURS[kind]
        opening = {"t": "Plain", "c": [RawInline("typst", "#callout(title: [")] + title + [
            RawInline("typst", f'], background_color: rgb("{fill}"), icon_color: '
                               f'rgb("{icon}"), icon: none, body_background_color: white, '
                               "body: [")]}
        return [opening] + body + [RawBlock("typst", "])")]
    return walk(blocks, fn)


def element_ids(blocks: list) -> set:
    """Every identifier an element of the AST carries."""
    ids = set()

    def fn(el):
        c = el.get("c")
        if el["t"] in ("Div", "Span", "CodeBlock", "Code", "Table", "Figure") and c[0][0]:
            ids.add(c[0][0])
        elif el["t"] == "Header" and c[1][0]:
            ids.add(c[1][0])
        elif el["t"] in ("Image", "Link") and c[0][0]:
            ids.add(c[0][0])
        return None
    walk(blocks, fn)
    return ids


def check_ids_and_links(blocks: list, extra_ids: set, lines: list) -> None:
    """Fail on a callout with an id (see quarto_rules.check_callout_id) and on an
    internal link ``#id`` to an id that no element carries (`extra_ids`: the ids this
    renderer adds itself, e.g. of equations)."""
    def fn(el):
        parts = callout_parts(el)
        if parts and el["c"][0][0]:
            ident = el["c"][0][0]
            check_callout_id(ident, parts[0], source_line(lines, "#" + ident))
        return None
    walk(blocks, fn)
    ids = element_ids(blocks) | extra_ids
    missing = []

    def links(el):
        if el["t"] == "Link" and el["c"][2][0].startswith("#"):
            target = el["c"][2][0][1:]
            if target not in ids:
                missing.append(f"{source_line(lines, '(#' + target + ')')}link to "
                               f"#{target}, but no element has the id {target!r}")
        return None
    walk(blocks, links)
    if missing:
        raise RenderError("\n".join(missing) + "\n(under Quarto the PDF would not build: "
                          "typst stops on a link to a label that does not exist)")


def absolute_images(blocks: list, base: Path) -> list:
    """Make relative image paths absolute (relative to the .qmd's folder)."""
    def fn(el):
        if el["t"] == "Image":
            src = el["c"][2][0]
            if not re.match(r"^(/|[a-z]+:)", src):
                el["c"][2][0] = str((base / src).resolve())
        return None
    return walk(blocks, fn)
