"""Inside the sandbox: the objects the grader holds handles to, and the reference functions.

Standalone, loaded by :mod:`.agent`.  Every object that is not plain data
stays here under a number the grader may name in later requests
(:meth:`Handles.encode`, :meth:`Handles.decode`).  The reference functions
a check passes in (:mod:`.builtins`) arrive as source text with the check's
first call that needs them (:meth:`Handles.arm`) and are disabled when the
check ends (:meth:`Handles.forget`): a function a cell kept stops working,
so no other check finds it there as a student's own answer.
"""


def _disabled(*args, **kwargs):
    raise RuntimeError("the grader's reference functions work only during the check that passed them")


class Handles:
    def __init__(self, protocol, max_handles):
        self.protocol, self.max_handles = protocol, max_handles
        self.objects, self.ids = {}, {}  # number -> object, id(object) -> number
        self.references = []  # (function, name) of the current check

    def handle(self, value):
        """The number of ``value``, given on first sight."""
        number = self.ids.get(id(value))
        if number is not None and self.objects[number] is value:
            return number
        if len(self.objects) >= self.max_handles:
            raise RuntimeError("too many objects handed to the grader")
        number = len(self.objects) + 1
        self.objects[number], self.ids[id(value)] = value, number
        return number

    def _reference_name(self, obj):
        return next((name for f, name in self.references if f is obj), None)

    def encode(self, value):
        def other(obj):
            name = self._reference_name(obj)
            if name is not None:
                return {"$": "builtin", "name": name}
            return {"$": "remote", "id": self.handle(obj), "type": type(obj).__name__[:100],
                    "callable": callable(obj)}
        return self.protocol.encode(value, other)

    def decode(self, value):
        def tagged(obj):
            if obj["$"] == "builtin":
                found = [f for f, name in self.references if name == obj["name"]]
                if not found:
                    raise self.protocol.ProtocolError(f"no reference function {obj['name']!r}")
                return found[0]
            return self.objects[obj["id"]]
        return self.protocol.decode(value, tagged)

    def arm(self, source):
        """Fresh reference functions from ``source`` (the text of builtins.py)."""
        self.forget()
        space = {}
        exec(compile(source, "<reference>", "exec"), space)
        self.references = [(space[name], name) for name in space["NAMES"]]

    def forget(self):
        for f, _ in self.references:
            f.__code__ = _disabled.__code__
        self.references = []
