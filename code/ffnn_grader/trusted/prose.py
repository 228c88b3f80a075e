"""Which of the prose questions (:data:`~.exercises.TO_READ`) a submission answers.

A question counts as answered when something of the student's stands
below its heading: a text (a markdown cell, a script's comment line) that
opens no other heading, or a comment of a few words in a code cell (an
answer written in code alone, e.g. a printed accuracy, is not told apart
from the handout's code, and is left to the teacher).  The sections are
those :func:`.sections.annotate` gives: a probe code cell after each text
asks it which section is in force there, and a text after which the
section is the one in force before it is an answer (the heading of a
question, or of the next one, changes it).  What a teacher then reads is
the file itself: this only says where to look.
"""

import re

from .exercises import TO_READ, to_read_for
from .sections import annotate

_PROBE = "pass\n"
_COMMENT = re.compile(r"^[ \t]*#[ \t]*\w+\W+\w+\W+\w+", re.M)  # three words at least


def answered(items, week=None):
    """The ids of :data:`TO_READ` under whose heading ``items`` hold something of the student's.

    ``items``: ``("text", str)`` and ``("code", key, source)`` in file order
    (:func:`.submission.notebook_items`, :func:`.submission.script_items`).
    """
    probed = []
    for index, item in enumerate(items):
        probed.append(item)
        if item[0] == "text":
            probed.append(("code", ("after text", index), _PROBE))
    code, _, _ = annotate(probed, week)
    found, before = set(), None
    for key, source, section, _ in code:
        if isinstance(key, tuple) and key[0] == "after text":
            if section == before:
                found.add(section)
        elif _COMMENT.search(source):
            found.add(section)
        before = section
    return sorted(s for s in found if s in TO_READ)


def split(weeks, answers, words_only=()):
    """``(to_read, unanswered)``: the prose questions of ``weeks`` answered, with the coding
    exercises answered in words only (``words_only``), and those with no answer found."""
    questions = to_read_for(weeks)
    to_read = sorted({q for q in questions if q in answers} | set(words_only))
    return to_read, [q for q in questions if q not in answers]
