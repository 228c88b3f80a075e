#!/usr/bin/env python3
"""An OpenType MATH font for the HTML's MathML, embedded in a CSS file.

    python tools/math_font.py build/math-font.css

Browsers lay out MathML with the font of the ``math`` elements: without an OpenType
MATH font, Chromium neither stretches the braces of ``cases`` nor sets display
fractions at display size.  A reader's machine may have no such font, so the page
carries one: Latin Modern Math (GUST Font License), from Debian's ``fonts-lmodern``
or TeX Live's ``lm-math``, cut by fontTools to the characters mathematics uses (the
MATH table's variants and assembly parts of those characters are kept) and written
as a base64 WOFF ``@font-face``.  ``tools/templates/report.css`` sets it on ``math``.
Both renderers include the CSS file (``format: html: css`` in ``_quarto.yml``).
"""
from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path

from render_errors import RenderError

FAMILY = "Latin Modern Math"
EMBEDDED = "ffnn Latin Modern Math"   # the embedded copy's name: used even where the
                                      # reader's machine has another version of the font
FONT_PATHS = [  # where fonts-lmodern and TeX Live put it
    "/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf",
    "/usr/share/fonts/opentype/public/lm-math/latinmodern-math.otf",
    "/usr/share/texlive/texmf-dist/fonts/opentype/public/lm-math/latinmodern-math.otf",
]
UNICODE_RANGES = [
    (0x20, 0x7E), (0xA0, 0xFF),          # ASCII, Latin-1 (×, ±, ·, ¬)
    (0x300, 0x36F),                      # combining accents (hats, bars, dots)
    (0x391, 0x3F6),                      # Greek, with the variant forms ϵ ϑ ϕ ϱ
    (0x2000, 0x206F),                    # spaces, dashes, primes, invisible operators
    (0x20D0, 0x20FF),                    # combining marks for symbols (vector arrows)
    (0x2100, 0x214F),                    # letterlike: ℓ ℝ ℕ
    (0x2190, 0x21FF),                    # arrows
    (0x2200, 0x22FF),                    # mathematical operators
    (0x2300, 0x23FF),                    # ⌈ ⌉ ⌊ ⌋ and the pieces of tall braces
    (0x27C0, 0x27EF), (0x2980, 0x29FF),  # ⟨ ⟩ ⟦ ⟧ and other brackets
    (0x2A00, 0x2AFF),                    # n-ary operators
    (0x1D400, 0x1D7FF),                  # mathematical italic, bold, script ... letters
]


def find_font() -> Path:
    """The Latin Modern Math file of this machine, or a RenderError saying how to
    install it."""
    candidates = [Path(p) for p in FONT_PATHS]
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", f"{FAMILY}:style=Regular"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
        if "latinmodern-math" in found.lower():
            candidates.insert(0, Path(found))
    except OSError:
        pass
    for path in candidates:
        if path.is_file():
            return path
    raise RenderError(f"the HTML needs the font {FAMILY} (latinmodern-math.otf) and this "
                      "machine has none: install Debian's fonts-lmodern "
                      "(apt-get install fonts-lmodern) or TeX Live's lm-math")


def font_face_css(path: Path) -> str:
    """A CSS @font-face rule carrying the font's mathematical subset as base64 WOFF."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    font = TTFont(path)
    if "MATH" not in font:
        raise RenderError(f"{path} has no OpenType MATH table: not a math font")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]   # FontForge's time stamps: nothing to subset
    options.flavor = "woff"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for lo, hi in UNICODE_RANGES for u in range(lo, hi + 1)])
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer, reorderTables=True)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f"/* {FAMILY} (GUST Font License), cut to its mathematical characters by "
            f"tools/math_font.py from {path.name} */\n"
            f'@font-face {{ font-family: "{EMBEDDED}"; font-style: normal; font-weight: 400;\n'
            f'  src: url(data:font/woff;base64,{data}) format("woff"); }}\n')


def main(argv=None) -> int:
    """Write the @font-face CSS file named on the command line."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: math_font.py OUTPUT.css", file=sys.stderr)
        return 2
    try:
        css = font_face_css(find_font())
    except RenderError as exc:
        print(f"math_font: error: {exc}", file=sys.stderr)
        return 1
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(css, encoding="ascii")
    return 0


if __name__ == "__main__":
    sys.exit(main())
