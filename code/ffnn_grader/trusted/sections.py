"""Which exercise each cell answers, which week a submission holds, and
which of its code the handout itself supplies.

A submission is read as a sequence of *texts* (a notebook's markdown cells,
a script's comment lines) and *code cells*.  The handout's headings mark
the exercises: ``# Exercise 3`` or ``# Exercise 4 - Custom activation for
each layer`` opens exercise 3 or 4, a line starting with ``**b)**`` (or
``b)``, ``(b)``) opens its part b (a letter before the current one, as in a
student's answer "a) ..." below part b's heading, changes nothing); a
script writes them as comments at the start of a line (``# Exercise 3b``,
``# b) ...``, ``# %% exercise 5``); a notebook's code cell may open with
them too (a later exercise or letter only), and markdown may wrap them in
HTML (``<h2>Exercise 3</h2>``).
The code below a heading answers it: its *section* is ``"w41-3b"``, or
``"w41-3"`` before the exercise's first letter, None before any heading.

The week is read from the content, never from the number in a title (in
2024 the same two sets were weeks 42 and 43).  A file may hold both weeks:
exercise numbers starting again (``Exercise 7`` then ``Exercise 2``), or a
title line ``Exercises week NN``, open a new *part*; each part's week is
the one its headings' titles and the names its code defines point to.
"""

import ast
import re
from dataclasses import dataclass, field

WEEKS = (41, 42)

# Possessive quantifiers (``*+``): no backtracking, so a line of many spaces costs its length once.
_MARKUP = re.compile(r"^[\s#*%_>]*+(?:\[markdown\][\s#*_]*+)?")
_WEEK_MARK = re.compile(r"^(?i:exercises?\s++week|week)\s*+\d+")
_EXERCISE = re.compile(r"^(?i:exercise)\s+(\d+)(?:\s*\(?([a-h])\)|([a-h])\b)?")
_DEFINITION = re.compile(r"^(?:def|class)[ \t]++(\w+)|^(\w++)[ \t]*+=", re.M)
_LETTER = re.compile(r"^\(?([a-h])\)(?=\W|$)")

# The handouts' exercise titles ("Exercise 5 - Processing multiple inputs at once").
_TITLES = {
    41: re.compile(r"custom activation|multiple inputs|predicting on real data|training on real data"),
    42: re.compile(r"understand the feed forward|gradient with|backpropagation by hand|batched inputs"
                   r"|object orientation|^training$"),
}
# Names a week's code defines, and how strongly each points to that week.
_NAMES = {
    41: {"feed_forward_all_relu": 3, "sol1": 3, "create_layers_batch": 1, "feed_forward_batch": 1,
         "gradient_func": 1, "layers_grad": 1, "b1": 1, "z1": 1, "a1": 1},
    42: {"feed_forward_one_layer": 3, "cost_one_layer": 3, "autograd_one_layer": 3, "mse_der": 3,
         "sigmoid_der": 3, "backpropagation": 3, "backpropagation_batch": 3,
         "feed_forward_saver_batch": 3, "train_network_momentum": 3, "feed_forward_saver": 2,
         "dC_dz": 2, "dC_dW": 2, "ReLU_der": 1, "NeuralNetwork": 1},
}
_TITLE_WEIGHT = 5
_STRONG = 3  # a distinctive name: a file without headings holds the week of each it defines

# What the handouts themselves supply, by section ("" = the setup before Exercise 1).
_SETUP = frozenset({"ReLU", "ReLU_der", "sigmoid", "softmax", "softmax_vec", "mse"})
HANDOUT_NAMES = {
    "w41-1": {"x", "W1"}, "w41-1d": {"sol1"},
    "w41-6": {"iris", "scatter", "ax", "_", "inputs", "targets", "accuracy"},
    "w41-7": {"cross_entropy", "cost", "gradient_func"}, "w41-7b": {"layers_grad"},
    "w42-2b": {"cost_one_layer"}, "w42-2c": {"autograd_one_layer", "W_g", "b_g"},
    "w42-3b": {"cost_autograd"}, "w42-3c": {"sigmoid_autograd"},
    "w42-4": {"x", "target", "W1", "b1", "W2", "b2", "layers", "z1", "a1", "z2", "a2"},
    "w42-4d": {"feed_forward_two_layers", "cost_two_layers", "grad_two_layers", "g"},
    "w42-5": {"create_layers", "feed_forward", "cost", "feed_forward_saver"},
    "w42-7b": {"iris", "scatter", "ax", "_", "inputs", "targets"},
}


@dataclass
class _Part:
    titles: list = field(default_factory=list)
    names: set = field(default_factory=set)
    has_exercise: bool = False
    week: int | None = None


def defined_names(source):
    """The names a cell's top-level code binds: functions, classes, assignments."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {a or b for a, b in _DEFINITION.findall(source)}
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
        for target in targets:
            names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


_HTML_TAG = re.compile(r"<[^<>\n]{0,200}+>")  # <h2>, <b>, </span>...: bounded, no backtracking


def _headings(text):
    """(kind, value) per heading line: ("week", None), ("exercise", (n, letter, title)), ("letter", l)."""
    for line in text.splitlines():
        line = _MARKUP.sub("", _HTML_TAG.sub("", line))
        if mark := _WEEK_MARK.match(line):
            yield "week", None
            line = line[mark.end():].lstrip(" ,:;.-")
        if match := _EXERCISE.match(line):
            title = line[match.end():].strip(" -–:*_").lower()
            yield "exercise", (int(match.group(1)), match.group(2) or match.group(3), title)
        elif (letter := _LETTER.match(line)):
            yield "letter", letter.group(1)


def _leading_comments(source):
    """The comment lines at the top of a code cell, before its first statement."""
    lines = []
    for line in source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def _score(part):
    return {week: _TITLE_WEIGHT * sum(bool(_TITLES[week].search(t)) for t in part.titles)
            + sum(_NAMES[week].get(n, 0) for n in part.names) for week in WEEKS}


def _parts(items):
    """Split ``items`` into parts; return the parts and, per code item, where it stands."""
    parts, places = [_Part()], []
    number = letter = None
    for item in items:
        if item[0] == "code":
            for kind, value in _headings(_leading_comments(item[2])):  # "# Exercise 5c)" atop a cell
                if kind == "exercise":
                    n, new_letter, title = value
                    if number is not None and (n < number or n == number and new_letter is None):
                        continue  # recalling an earlier exercise, or this one's title: no new place
                    number, letter, parts[-1].has_exercise = n, new_letter, True
                    parts[-1].titles.append(title)
                elif kind == "letter" and number is not None and (letter is None or value > letter):
                    letter = value
            names = defined_names(item[2])
            places.append((item[1], item[2], names, parts[-1], number, letter))
            parts[-1].names |= names
            continue
        for kind, value in _headings(item[1]):
            if kind == "week" and parts[-1].has_exercise:
                parts.append(_Part())
                number = letter = None
            elif kind == "exercise":
                n, letter, title = value
                if parts[-1].has_exercise and n < number:
                    parts.append(_Part())
                number, parts[-1].has_exercise = n, True
                parts[-1].titles.append(title)
            elif kind == "letter" and number is not None and (letter is None or value >= letter):
                letter = value  # an answer starting "a) ..." after part b's heading stays in b
    return parts, places


def _detect(parts):
    """Set each part's week where its content decides it; return every week seen."""
    detected = set()
    for part in parts:
        scores = _score(part)
        if part.has_exercise:
            best = max(WEEKS, key=scores.get)
            if scores[best] > 0 and list(scores.values()).count(scores[best]) == 1:
                part.week = best
                detected.add(best)
        else:  # no headings: every week one of whose distinctive names the code defines
            detected.update(w for w in WEEKS if any(_NAMES[w].get(n, 0) >= _STRONG for n in part.names))
    return detected


def annotate(items, week=None):
    """Sections and weeks of a submission read as ``items``.

    ``items``: ``("text", str)`` and ``("code", key, source)`` in file order.
    Returns ``(code, weeks, detected)``: ``code`` lists ``(key, source,
    section, handout_names)`` per code item; ``detected`` the weeks the
    content shows; ``weeks`` those to grade (``week`` when given, else the
    detected ones, else both).  A part whose week the content does not
    decide takes ``week``.
    """
    if week is not None and week not in WEEKS:
        raise ValueError(f"week: expected one of {WEEKS}, got {week!r}")
    parts, places = _parts(items)
    detected = _detect(parts)
    code = []
    for key, source, names, part, number, letter in places:
        part_week = part.week or (week if part.has_exercise else None)
        section = None if part_week is None or number is None else f"w{part_week}-{number}{letter or ''}"
        if number is None and part.has_exercise:
            supplied = _SETUP
        else:
            supplied = HANDOUT_NAMES.get(section, set()) if section else set()
        code.append((key, source, section, frozenset(names & supplied)))
    weeks = (week,) if week is not None else tuple(sorted(detected)) or WEEKS
    return code, weeks, tuple(sorted(detected))
