"""MathML corrections of the fallback's HTML.

Primes.  pandoc writes ``f'`` as ``<msup><mi>f</mi><mo>′</mo></msup>``.  In an OpenType
MATH font the prime U+2032 is already drawn raised, at the size of a superscript; set
as a superscript it is shrunk and raised once more, and Chromium shows a speck like an
acute accent.  The prime goes back to the base line: ``<mrow><mi>f</mi><mo>′</mo></mrow>``,
and ``f'_L`` (msubsup) becomes ``<msub><mrow><mi>f</mi><mo>′</mo></mrow><mi>L</mi></msub>``.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NS = "http://www.w3.org/1998/Math/MathML"
PRIMES = {"\u2032", "\u2033", "\u2034", "'"}
MATH = re.compile(r"<math\b.*?</math>", re.S)


def _tag(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _is_prime(el) -> bool:
    return _tag(el) == "mo" and (el.text or "").strip() in PRIMES and len(el) == 0


def _element(tag: str, children: list):
    el = ET.Element(f"{{{NS}}}{tag}")
    el.extend(children)
    return el


def _base_level(prime):
    prime.set("lspace", "0")
    prime.set("rspace", "0")
    return prime


def _fix_primes(root) -> bool:
    """Rewrite the scripted primes under `root` in place; True if any was found."""
    changed = False
    for parent in list(root.iter()):
        for i, el in enumerate(list(parent)):
            kids = list(el)
            if _tag(el) == "msup" and len(kids) == 2 and _is_prime(kids[1]):
                new = _element("mrow", [kids[0], _base_level(kids[1])])
            elif _tag(el) == "msubsup" and len(kids) == 3 and _is_prime(kids[2]):
                new = _element("msub", [_element("mrow", [kids[0], _base_level(kids[2])]),
                                        kids[1]])
            else:
                continue
            new.tail = el.tail
            parent.remove(el)
            parent.insert(i, new)
            changed = True
    return changed


def base_level_primes(html: str) -> str:
    """The HTML with every scripted prime of its MathML set on the base line."""
    ET.register_namespace("", NS)

    def fix(match):
        root = ET.fromstring(match.group(0))
        return ET.tostring(root, encoding="unicode") if _fix_primes(root) else match.group(0)
    return MATH.sub(fix, html)
