"""Names of files and students as the teacher sees them: look-alikes flagged, never hidden.

A file named with a Cyrillic "а" (``аlice.py``) reads "alice.py" in a
terminal.  :func:`suspicious` finds a name whose letters come from more
than one script (Latin and Cyrillic, Latin and Greek...), and
:func:`look_alikes` the groups of different names that read the same once
each letter is mapped to the Latin one it looks like.  :func:`shown` prints
such a name with every letter outside ASCII escaped (``\\u0430lice.py``);
other names (Åse, Ødegård, 王) are shown as they are.
"""

import unicodedata

# Letters of other scripts drawn like a Latin one (the common part of Unicode's confusables).
_LATIN_LOOKING = dict(zip(
    "аеорсухіјѕһԁԛԝӏАВЕКМНОРСТХІЈЅԚԜαεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijshdqwlABEKMHOPCTXIJSQWaeiKvopTuxABEZHIKMNOPTYX"))


def _script(char):
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if char.isalpha() and name else None


def suspicious(name):
    """Whether ``name`` mixes letters of two scripts (the sign of a look-alike)."""
    return len({s for s in map(_script, name) if s}) > 1


def skeleton(name):
    """``name`` as it reads: compatibility forms folded, look-alike letters made Latin, case folded."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(_LATIN_LOOKING.get(c, c) for c in folded).casefold()


def look_alikes(names):
    """The groups (sorted) of two or more different ``names`` that read the same."""
    groups = {}
    for name in set(map(str, names)):
        groups.setdefault(skeleton(name), []).append(name)
    return sorted(sorted(group) for group in groups.values() if len(group) > 1)


def escaped(text):
    """Every character outside ASCII as a ``\\uXXXX`` escape."""
    return str(text).encode("ascii", "backslashreplace").decode("ascii")


def shown(name, flagged=()):
    """``name`` for a terminal or a page: escaped, with a warning, when it mixes scripts or is
    one of ``flagged`` (the members of :func:`look_alikes`); as it is otherwise."""
    name = str(name)
    if suspicious(name) or name in flagged:
        return f"{escaped(name)} [look-alike name: letters outside ASCII escaped]"
    return name
