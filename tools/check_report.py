#!/usr/bin/env python3
"""Check the rendered report (run after rendering, on the HTML that Quarto or the fallback wrote).

    python tools/check_report.py _output/report/report.html [--max-words 6000]

It fails (exit status 1, one line per problem) unless

* the **main text** -- the abstract (``div.abstract`` or a section ``#sec-abstract``)
  and the sections from the Introduction
  (``#sec-introduction``) to the Conclusions (``#sec-conclusions``) inclusive --
  has at most ``--max-words`` words.  Counted are the words of the prose, the
  headings and the figure and table captions; not counted are code listings and
  cell outputs (``<pre>``), mathematics (``<math>``), table bodies, the table of
  contents and the appendices;
* every **source listing** -- a ``div.ffnn-source`` whose ``data-source`` names an
  object such as ``ffnn.backpropagation_batch`` -- shows exactly
  ``inspect.getsource`` of that object in the ``ffnn`` that is imported now
  (dedented, as the report's ``show_source`` prints it); for a listing marked
  ``data-body``, that source with only the docstring's lines removed (signature and
  body unchanged); for one marked ``data-excerpt``, a run of its consecutive lines to
  its end (dedented);
* each answer that asks for code shows it: the listings in
  :data:`REQUIRED_SOURCES`, and for the seeds' names that ``ffnn`` does not have,
  a code cell of the answer's own that defines the function (:data:`REQUIRED_DEFS`);
* every internal link (``href="#..."``) points to an element that exists;
* every PNG figure is shown at least as wide as it was drawn: the figures are drawn at
  their printed size (fonts of 7 pt and more), so a figure included narrower than its
  physical width (its pixels over the dpi stored in the PNG) shrinks its fonts below
  their set size.  An image's ``width:X%`` is X % of the PDF's text width,
  :data:`TEXT_WIDTH_IN`; an image without a width is shrunk to the text width when wider.
"""
from __future__ import annotations

import argparse
import ast
import base64
import importlib
import inspect
import re
import struct
import sys
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ABSTRACT, MAIN_FIRST, MAIN_LAST = "sec-abstract", "sec-introduction", "sec-conclusions"
MAX_WORDS = 6000
# Elements whose text is not prose: code and outputs, mathematics, table cells, navigation.
NOT_PROSE = {"pre", "math", "thead", "tbody", "tr", "script", "style", "nav", "svg", "button"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr"}
WORD = re.compile(r"\S*[^\W_]\S*")  # a run of non-space characters holding a letter or digit

# The text width of the PDF (pandoc's A4 typst page), which figure widths in % refer to.
TEXT_WIDTH_IN = 5.77
FONT_SCALE_MIN = 0.99  # a figure may be shown 1 % smaller than drawn (rounding of widths)

# The answers whose question asks for code of a function that ffnn has: its source is shown.
REQUIRED_SOURCES = {
    "answer-w41-3a": ["ffnn.create_layers"],
    "answer-w41-4a": ["ffnn.feed_forward"],
    "answer-w41-5a": ["ffnn.create_layers_batch"],
    "answer-w41-7c": ["ffnn.train_network"],
    "answer-w42-5a": ["ffnn.backpropagation"],
    "answer-w42-6": ["ffnn.backpropagation_batch"],
    "answer-w42-8a": ["ffnn.fastpath.readable_cost_and_gradient"],
}
# The seeds' names that ffnn does not have: the answer defines them in a cell of its own.
REQUIRED_DEFS = {
    "answer-w41-3b": "feed_forward_all_relu",
    "answer-w42-2b": "feed_forward_one_layer",
}


@dataclass
class Node:
    tag: str
    attrs: dict
    parent: "Node | None" = None
    children: list = field(default_factory=list)  # Node or str, in document order

    def classes(self) -> set:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def ident(self) -> str | None:
        """The element's id, or for a heading that of the section it opens (Quarto's layout)."""
        if self.attrs.get("id"):
            return self.attrs["id"]
        if self.tag.startswith("h") and self.parent is not None and self.parent.tag == "section":
            return self.parent.attrs.get("id")
        return None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:  # tolerate unclosed elements
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def prose(node: Node) -> str:
    """The text of ``node`` without the parts that are not prose (:data:`NOT_PROSE`)."""
    parts = []
    for c in node.children:
        if isinstance(c, str):
            parts.append(c)
        elif c.tag not in NOT_PROSE and "abstract-title" not in c.classes():
            parts.append(" " + prose(c) + " ")
    return "".join(parts)


def main_text(root: Node) -> str:
    """The abstract and the top-level sections from Introduction to Conclusions, as prose."""
    abstract = [n for n in root.iter() if "abstract" in n.classes()]
    pieces = [prose(abstract[0])] if abstract else []
    headings = [n for n in root.iter() if n.tag == "h1" and "title" not in n.classes()]
    ids = [h.ident() for h in headings]
    for needed in (MAIN_FIRST, MAIN_LAST):
        if needed not in ids:
            raise ValueError(f"no top-level heading with id {needed!r}; found {ids}")
    first = ids.index(ABSTRACT) if ABSTRACT in ids else ids.index(MAIN_FIRST)
    last = ids.index(MAIN_LAST)
    start, stop = headings[first], headings[last + 1] if last + 1 < len(headings) else None
    inside = False

    def walk(node):
        nonlocal inside
        for c in node.children:
            if isinstance(c, str):
                if inside:
                    pieces.append(c)
                continue
            if c is start:
                inside = True
            elif c is stop:
                inside = False
                return True
            if c.tag in NOT_PROSE or ("abstract" in c.classes()):
                continue
            if walk(c):
                return True
            if inside and c.tag in {"p", "li", "figcaption", "caption", "div", "h1", "h2", "h3"}:
                pieces.append(" ")
        return False

    walk(root)
    return " ".join(pieces)


def resolve(name: str):
    """``"ffnn.NeuralNetwork.compute_gradient"`` -> that object, importing the package."""
    parts = name.split(".")
    obj = importlib.import_module(parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part)
    return obj


def expected_source(name: str) -> str:
    return textwrap.dedent(inspect.getsource(resolve(name)))


def without_docstring(code: str) -> str:
    """``code`` (one dedented definition) without the lines of its docstring."""
    definition = ast.parse(code).body[0]
    if ast.get_docstring(definition) is None:
        raise ValueError("a listing marked data-body shows a definition that has no docstring")
    doc, lines = definition.body[0], code.splitlines(keepends=True)
    return "".join(lines[:doc.lineno - 1] + lines[doc.end_lineno:])


def _normalise(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip("\n").splitlines())


def is_tail(shown: str, source: str) -> bool:
    """Whether ``shown`` is the dedented end of ``source``, from some line on."""
    lines, want = source.splitlines(keepends=True), _normalise(shown)
    return bool(want) and any(_normalise(textwrap.dedent("".join(lines[k:]))) == want
                              for k in range(1, len(lines)))


def source_listings(root: Node) -> list[tuple[str, str, Node]]:
    """``(name, shown code, div)`` for every ``div.ffnn-source``."""
    found = []
    for div in root.iter():
        if "ffnn-source" in div.classes():
            pres = [n for n in div.iter() if n.tag == "pre"]
            found.append((div.attrs.get("data-source", ""), pres[0].text() if pres else "", div))
    return found


def check_sources(root: Node) -> tuple[list[str], int]:
    problems, listings = [], source_listings(root)
    for name, shown, div in listings:
        if not name:
            problems.append("a source listing has no data-source naming its object")
            continue
        try:
            expected = expected_source(name)
            if "data-body" in div.attrs:
                expected = without_docstring(expected)
        except (ImportError, AttributeError, TypeError, OSError, ValueError) as error:
            problems.append(f"source listing {name}: cannot read the package's source ({error})")
            continue
        if "data-excerpt" in div.attrs:
            if not is_tail(shown, expected):
                problems.append(f"source listing {name}: the excerpt shown is not the end of "
                                f"inspect.getsource({name}) of the installed package")
        elif _normalise(shown) != _normalise(expected):
            problems.append(f"source listing {name}: the code shown differs from "
                            f"inspect.getsource({name}) of the installed package"
                            + (" without its docstring" if "data-body" in div.attrs else ""))
    return problems, len(listings)


def check_answers(root: Node) -> list[str]:
    problems = []
    by_id = {n.attrs["id"]: n for n in root.iter() if n.attrs.get("id")}
    for answer, names in REQUIRED_SOURCES.items():
        if answer not in by_id:
            problems.append(f"{answer}: no element with this id")
            continue
        shown = {name for name, _, _ in source_listings(by_id[answer])}
        for name in names:
            if name not in shown:
                problems.append(f"{answer}: expected the source of {name}, found {sorted(shown)}")
    for answer, function in REQUIRED_DEFS.items():
        if answer not in by_id:
            problems.append(f"{answer}: no element with this id")
            continue
        listed = {id(d) for _, _, d in source_listings(by_id[answer])}
        own = [p.text() for p in by_id[answer].iter() if p.tag == "pre"
               and not any(id(a) in listed for a in _ancestors(p))]
        if not any(re.search(rf"^\s*def {function}\(", code, re.M) for code in own):
            problems.append(f"{answer}: expected a cell defining {function}(...)")
    return problems


def _ancestors(node: Node):
    while node is not None:
        yield node
        node = node.parent


def check_links(root: Node) -> list[str]:
    ids = {n.attrs["id"] for n in root.iter() if n.attrs.get("id")}
    missing = sorted({n.attrs["href"][1:] for n in root.iter() if n.tag == "a"
                      and n.attrs.get("href", "").startswith("#") and len(n.attrs["href"]) > 1}
                     - ids)
    return [f"link to #{target}: no element has this id" for target in missing]


def png_width_inches(data: bytes) -> float | None:
    """The physical width of a PNG: its pixel width over the density of its ``pHYs``
    chunk (pixels per metre), or ``None`` when it stores no density."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    width = struct.unpack(">I", data[16:20])[0]
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs":
            per_metre, _, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            return width / per_metre / 0.0254 if unit == 1 and per_metre else None
        if kind == b"IDAT":
            return None
        pos += 12 + length
    return None


def check_figures(root: Node) -> list[str]:
    problems = []
    for img in root.iter():
        src = img.attrs.get("src", "") if img.tag == "img" else ""
        if not src.startswith("data:image/png;base64,"):
            continue
        drawn = png_width_inches(base64.b64decode(src.split(",", 1)[1]))
        if drawn is None:
            continue
        match = re.search(r"width:\s*([\d.]+)%", img.attrs.get("style", ""))
        shown = (float(match.group(1)) / 100 * TEXT_WIDTH_IN if match
                 else min(drawn, TEXT_WIDTH_IN))
        if shown < FONT_SCALE_MIN * drawn:
            name = (img.attrs.get("alt") or "a figure")[:60]
            need = 100 * drawn / TEXT_WIDTH_IN
            problems.append(f"figure {name!r}: drawn {drawn:.2f} in wide, shown "
                            f"{shown:.2f} in, so its fonts shrink to {shown / drawn:.0%}: "
                            + (f"include it at width={need:.0f}% or more" if need <= 100
                               else f"draw it at most {TEXT_WIDTH_IN} in wide"))
    return problems


def check(html: str, max_words: int = MAX_WORDS) -> tuple[list[str], dict]:
    """All checks on one rendered HTML page: ``(problems, summary numbers)``."""
    root = parse_html(html)
    words = count_words(main_text(root))
    problems = []
    if words > max_words:
        problems.append(f"main text: {words} words, expected at most {max_words}")
    source_problems, n_listings = check_sources(root)
    problems += (source_problems + check_answers(root) + check_links(root)
                 + check_figures(root))
    return problems, {"main_words": words, "source_listings": n_listings}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the rendered report, e.g. _output/report/report.html")
    parser.add_argument("--max-words", type=int, default=MAX_WORDS)
    args = parser.parse_args(argv)
    if not args.html.is_file():
        print(f"html: expected a rendered report, no file {args.html}", file=sys.stderr)
        return 1
    problems, summary = check(args.html.read_text(encoding="utf-8"), args.max_words)
    for problem in problems:
        print(f"check_report: {problem}", file=sys.stderr)
    print(f"check_report: main text {summary['main_words']} words (at most {args.max_words}); "
          f"{summary['source_listings']} source listings checked; "
          + ("FAILED" if problems else "all checks passed"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
