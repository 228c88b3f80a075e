#!/usr/bin/env python3
"""One document, two renderers: compare what a reader sees in two builds of the report.

    python tools/compare_builds.py _output/report _output/quarto/report [--name report]

Each folder holds NAME.html and NAME.pdf, one built by the fallback renderer
(tools/render_qmd.py), the other by ``quarto render``.  Compared, in document order:
headings (number and text), answer anchors, numbered equations (label and number),
cross-references (target and text), figures and tables (label and caption), source
listings (their code), bibliography entries (key and text); in the PDF the outline
(bookmarks) and the page count (within ``--pages`` pages).  Exit status 1 with one line
per difference; what the two renderers write differently but a reader sees alike (the
markup, Quarto's page chrome: "Other Formats", copy buttons) is not compared.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

CHROME = {"quarto-alternate-formats", "popover", "screen-reader-only"}  # Quarto's page chrome
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@dataclass
class Reading:
    """What a reader sees of one HTML file, element kind by element kind."""
    headings: list = field(default_factory=list)     # "1.2 Title"
    answers: list = field(default_factory=list)      # answer-... ids
    equations: list = field(default_factory=list)    # "eq-x (3)"
    xrefs: list = field(default_factory=list)        # "#eq-x Equation 3"
    floats: list = field(default_factory=list)       # "fig-x Figure 2: caption"
    listings: list = field(default_factory=list)     # the code of each source listing
    references: list = field(default_factory=list)   # "ref-key text"


class Reader(HTMLParser):
    """Collects the texts of the elements a reader sees; each element's text is read
    until its end tag (nested elements counted), Quarto's chrome left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = Reading()
        self.open = []        # [tag, kind, key, text parts] of the elements being read
        self.skip = 0         # depth inside chrome (0: not in chrome)
        self.depth = 0

    def kind_of(self, tag, attrs):
        ident, classes = attrs.get("id") or "", set((attrs.get("class") or "").split())
        if re.fullmatch(r"h[1-6]", tag) and ident != "toc-title" and "title" not in classes:
            return "heading", ident
        if ident.startswith("eq-"):
            return "equation", ident
        if tag == "a" and "quarto-xref" in classes:
            return "xref", attrs.get("href")
        if tag in ("figcaption", "caption"):
            return "float", ""
        if tag == "code" and self.open and self.open[-1][0] == "pre" and \
                "sourceCode" in self.open[-1][2]:
            return "listing", ""
        if ident.startswith("ref-") and "csl-entry" in classes:
            return "reference", ident
        return None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in VOID:
            return
        self.depth += 1
        classes = set((attrs.get("class") or "").split())
        if self.skip or classes & CHROME:
            self.skip = self.skip or self.depth
            return
        ident = attrs.get("id") or ""
        if ident.startswith("answer-"):
            self.out.answers.append(ident)
        kind, key = self.kind_of(tag, attrs)
        if tag == "pre":
            key = attrs.get("class") or ""
        self.open.append([tag, kind, key, []])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.skip:
            if self.depth == self.skip:
                self.skip = 0
            self.depth -= 1
            return
        self.depth -= 1
        if not self.open:
            return
        name, kind, key, parts = self.open.pop()
        text = "".join(parts)
        if self.open:                            # the parent sees the child's text too
            self.open[-1][3].append(text)
        if kind == "heading":
            self.out.headings.append(squash(text))
        elif kind == "equation":
            numbers = re.findall(r"\((\d+)\)", text)
            self.out.equations.append(f"{key} ({numbers[-1] if numbers else '?'})")
        elif kind == "xref":
            self.out.xrefs.append(f"{key} {squash(text)}")
        elif kind == "float":
            self.out.floats.append(squash(text))
        elif kind == "listing":
            self.out.listings.append(text.strip("\n"))
        elif kind == "reference":
            self.out.references.append(f"{key} {squash(text)}")

    def handle_data(self, data):
        if not self.skip and self.open:
            self.open[-1][3].append(data)


def read_html(path: Path) -> Reading:
    reader = Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader.out


def read_pdf(path: Path) -> tuple[int, list[str]]:
    """The page count and the outline (bookmarks, depth-first) of a PDF."""
    import pypdf
    pdf = pypdf.PdfReader(path)

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield squash(item.title)
    return len(pdf.pages), list(titles(pdf.outline))


def differences(name: str, a: list, b: list, labels: tuple) -> list[str]:
    """One line per difference of two lists, with the first differing items."""
    if a == b:
        return []
    out = [f"{name}: {len(a)} in {labels[0]}, {len(b)} in {labels[1]}"]
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            out.append(f"  first difference at #{i + 1}:\n    {labels[0]}: {x[:200]!r}\n"
                       f"    {labels[1]}: {y[:200]!r}")
            break
    else:
        longer, label = (a, labels[0]) if len(a) > len(b) else (b, labels[1])
        out.append(f"  only in {label}: {longer[min(len(a), len(b))][:200]!r}")
    return [ "\n".join(out) ]


def compare(first: Path, second: Path, name: str = "report", pages: int = 2) -> list[str]:
    """The differences a reader would see between the builds in two folders."""
    labels = (str(first), str(second))
    problems = []
    one, two = read_html(first / f"{name}.html"), read_html(second / f"{name}.html")
    for kind in ("headings", "answers", "equations", "xrefs", "floats", "listings",
                 "references"):
        problems += differences(f"HTML {kind}", getattr(one, kind), getattr(two, kind), labels)
    (pages_one, outline_one), (pages_two, outline_two) = (read_pdf(first / f"{name}.pdf"),
                                                          read_pdf(second / f"{name}.pdf"))
    problems += differences("PDF outline", outline_one, outline_two, labels)
    if abs(pages_one - pages_two) > pages:
        problems.append(f"PDF pages: {pages_one} in {labels[0]}, {pages_two} in {labels[1]} "
                        f"(more than {pages} apart)")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--name", default="report")
    parser.add_argument("--pages", type=int, default=2, help="page counts may differ by this")
    args = parser.parse_args(argv)
    problems = compare(args.first, args.second, args.name, args.pages)
    for problem in problems:
        print(f"compare_builds: {problem}", file=sys.stderr)
    if problems:
        return 1
    one = read_html(args.first / f"{args.name}.html")
    pages = read_pdf(args.first / f"{args.name}.pdf")[0]
    print(f"compare_builds: the same {len(one.headings)} headings, {len(one.answers)} answers, "
          f"{len(one.equations)} numbered equations, {len(one.xrefs)} cross-references, "
          f"{len(one.floats)} captions, {len(one.listings)} listings, "
          f"{len(one.references)} references; PDFs of {pages} pages (±{args.pages})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
