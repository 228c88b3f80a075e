"""The HTML shell of the teacher's pages, escaping, safe writing, and the words a student reads.

Every text a submission can influence (names, reasons, notes) goes through
:func:`text`: invisible and reordering characters escaped as in the
terminal (:func:`~ffnn_grader.trusted.report.clean`), then HTML-escaped.
Pages are self-contained: styles inline, no script, nothing fetched.
"""

import html
import os
import re
import unicodedata
from pathlib import Path

from ..trusted.report import clean

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .92rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.status { font-weight: 600; white-space: nowrap; padding: .05rem .4rem; border-radius: .3rem; }
.pass { background: #dafbe1; color: #116329; } .fail, .error { background: #ffebe9; color: #a40e26; }
.missing, .timeout { background: #fff8c5; color: #7d4e00; } .to-read { background: #ddf4ff; color: #0a3069; }
.muted { color: #57606a; } .nowrap { white-space: nowrap; } .total { font-size: 1.3rem; font-weight: 600; }
code { background: #f6f8fa; padding: 0 .2rem; border-radius: .2rem; }
img { max-width: 100%; border: 1px solid #d0d7de; margin: .5rem 0; }
td ul { margin: 0; padding-left: 1.1rem; }
"""

# status -> (what it means, in a student's words; what to try next)
WORDS = {
    "pass": ("Correct.", ""),
    "fail": ("Your code runs, but the result is not right.",
             "Try it on a small input you can work out by hand; compare shapes and values with the formula."),
    "missing": ("The grader did not find this in your file.",
                "Use the exercise's name, under its heading; then Restart & Run All before handing in."),
    "error": ("Your code stopped with an error.",
              "Restart & Run All, and fix the first error the notebook stops at."),
    "timeout": ("Your code took too long.",
                "Look for a loop that never ends or too many training steps; try a small input first."),
    "to read": ("Answered in words: your teacher reads it (no point given by the grader).", ""),
}


def text(value):
    """``value`` safe to put in a page."""
    return html.escape(clean(value), quote=True)


def status(name):
    css = re.sub(r"[^a-z]+", "-", str(name).lower()).strip("-")
    return f'<span class="status {css}">{text(name)}</span>'


def page(title, body):
    """A whole HTML document with ``body`` (already escaped) under ``title``."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{text(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")


def table(head, rows):
    """An HTML table; ``rows`` hold HTML already escaped."""
    cells = "".join(f"<th>{text(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>\n{body}</tbody></table>"


_SPELLED = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "Đ": "D",
                          "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "œ": "oe", "Œ": "OE"})


def slug(name):
    """A file name for ``name``: ASCII letters, digits, ``-`` and ``_`` only."""
    spelled = str(name).translate(_SPELLED)
    ascii_name = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_name).strip("_")[:80] or "student"


def write(path, content, refused=(), binary=False):
    """Write ``content`` to ``path``: never through a symbolic link, never onto a file in
    ``refused`` (the files being graded).  :class:`OSError` says why not."""
    path = Path(path)
    if path.is_symlink():
        raise OSError(f"{path}: a symbolic link: not written through")
    resolved = os.path.realpath(path)
    if any(resolved == os.path.realpath(r) for r in refused):
        raise OSError(f"{path}: one of the files being graded: not overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as handle:
        handle.write(content)


def folder(path):
    """Create the output folder ``path`` (not through a symbolic link); return it."""
    path = Path(path)
    if path.is_symlink():
        raise OSError(f"{path}: a symbolic link: not written through")
    path.mkdir(parents=True, exist_ok=True)
    return path
