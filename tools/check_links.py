#!/usr/bin/env python3
"""Check that every link to an answer works in both rendered formats.

    python tools/check_links.py _output/report/report.html _output/report/report.pdf

An answer is an element whose id starts with ``answer-`` (a div around a callout, or
a heading); its title is the text of its callout title or heading.  It fails (exit
status 1, one line per problem) unless

* HTML: every ``href="#answer-..."`` names an id that an element carries;
* PDF: every answer link of the HTML has a link in the PDF that lands on that answer,
  i.e. whose destination is the top of a block whose first line is the answer's title
  (counted per answer: as many PDF links land on it as the HTML has links to it).
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

PREFIX = "answer-"


def without_number(title: str) -> str:
    """A title with its whitespace collapsed, without an icon (Quarto's typst callouts
    start their title with a glyph of the Unicode private use area, e.g. U+F129) and
    without a section number."""
    title = re.sub(r"^[\ue000-\uf8ff]+", "", " ".join(title.split())).strip()
    return re.sub(r"^[\d.]+\s+", "", title)


# the classes of a callout's title: the fallback's (pandoc) and Quarto's HTML
TITLE_CLASSES = {"callout-title", "callout-title-container"}
HIDDEN_CLASS = "screen-reader-only"     # Quarto's "Note" before the title, for screen readers
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}                 # elements without an end tag


class AnswerParser(HTMLParser):
    """Collects the answer links, all ids, and each answer's title: the text of the
    first heading or callout title inside (or at) the element with the answer's id,
    whether that element is a div or a heading (the fallback) or a section (Quarto)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids, self.titles = Counter(), set(), {}
        self._answer = None      # the answer whose title is still to be read
        self._title = None       # text collected for it, or None when not in a title
        self._depth = 0          # open elements inside the title
        self._hidden = None      # depth of a screen-reader-only element, when in one

    def _start_title(self):
        self._title, self._depth, self._hidden = [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        href = attrs.get("href") or ""
        classes = set((attrs.get("class") or "").split())
        if tag == "a" and href.startswith("#" + PREFIX):
            self.links[href[1:]] += 1
        ident = attrs.get("id")
        if ident:
            self.ids.add(ident)
        if self._title is not None:
            if tag in VOID:
                return
            self._depth += 1
            if HIDDEN_CLASS in classes and self._hidden is None:
                self._hidden = self._depth
            return
        if ident and ident.startswith(PREFIX):
            self._answer = ident
        if self._answer and (re.fullmatch(r"h[1-6]", tag) or classes & TITLE_CLASSES):
            self._start_title()

    def handle_endtag(self, tag):
        if self._title is None:
            return
        if self._depth > 0:
            if self._hidden == self._depth:
                self._hidden = None
            self._depth -= 1
            return
        self.titles[self._answer] = without_number("".join(self._title))
        self._answer, self._title = None, None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._title is not None and self._hidden is None:
            self._title.append(data)


def pdf_landings(pdf: Path) -> list[str]:
    """For each internal link of the PDF: the first line of text at its destination."""
    import pypdf
    reader = pypdf.PdfReader(pdf)
    lines = []                                   # (page, y, x, text) of every fragment
    for number, page in enumerate(reader.pages):
        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                lines.append((number, y, x, text))
        page.extract_text(visitor_text=visit)
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    named = {name: dest for name, dest in reader.named_destinations.items()}
    out = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            dest = annot.get("/Dest")
            if annot.get("/Subtype") != "/Link" or dest is None:
                continue
            if isinstance(dest, str):            # a named destination
                if dest not in named:
                    out.append(f"<missing destination {dest}>")
                    continue
                target, top = page_of[named[dest].page.idnum], float(named[dest].top)
            else:                                # [page /XYZ left top zoom]
                target, top = page_of[dest[0].idnum], float(dest[3])
            # typst puts a destination 10 pt above its target's top; the first baseline
            # of the target is a little further down
            below = [(y, x, t) for n, y, x, t in lines if n == target and top - 50 < y <= top - 9]
            if not below:
                out.append("")
                continue
            first = max(y for y, _, _ in below)
            text = "".join(t for y, x, t in sorted(below, key=lambda f: f[1]) if abs(y - first) < 1)
            out.append(without_number(text))
    return out


def check(html_path: Path, pdf_path: Path) -> list[str]:
    """The problems found, as sentences (empty: all answer links work)."""
    parser = AnswerParser()
    parser.feed(html_path.read_text(encoding="utf-8"))
    problems = [f"HTML: link to #{ident}, which no element has"
                for ident in sorted(parser.links) if ident not in parser.ids]
    landed = Counter(pdf_landings(pdf_path))
    for ident, count in sorted(parser.links.items()):
        title = parser.titles.get(ident)
        if ident in parser.ids and not title:
            problems.append(f"HTML: #{ident} has no callout title or heading")
        elif title and landed[title] < count:
            problems.append(f"PDF: {count} link(s) to #{ident} in the HTML, but "
                            f"{landed[title]} PDF link(s) land on its title {title!r}")
    return problems


def main(argv=None) -> int:
    """Command line: report the problems; exit 1 if there are any."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("pdf", type=Path)
    args = parser.parse_args(argv)
    problems = check(args.html, args.pdf)
    for problem in problems:
        print(f"check_links: {problem}", file=sys.stderr)
    if not problems:
        answers = AnswerParser()
        answers.feed(args.html.read_text(encoding="utf-8"))
        print(f"check_links: {sum(answers.links.values())} links to "
              f"{len(answers.links)} answers work in the HTML and the PDF")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
