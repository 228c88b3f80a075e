"""Inside the sandbox: the objects the grader holds handles to, and the reference functions.

Standalone, loaded by :mod:`.agent`.  Every object that is not plain data
stays here under a number the grader may name in later requests
(:meth:`Handles.encode`, :meth:`Handles.decode`).  The reference functions
a check passes in (:mod:`.builtins`) arrive as source text with the check's
first call that needs them (:meth:`Handles.arm`), each in a namespace of
its own that holds none of the others, and are disabled when the check
ends (:meth:`Handles.forget`): a function a cell kept stops working, and so
does every copy of one made with ``types.FunctionType`` on its code, so no
other check finds it there as a student's own answer.  A function whose
code is a reference's is never recorded as the student's own
(:meth:`Handles.is_reference`).
"""

import gc
import types


def _disabled(*args, **kwargs):
    raise RuntimeError("the grader's reference functions work only during the check that passed them")


class Handles:
    def __init__(self, protocol, max_handles):
        self.protocol, self.max_handles = protocol, max_handles
        self.objects, self.ids = {}, {}  # number -> object, id(object) -> number
        self.references = []  # (function, name) of the current check
        self.codes, self._kept = set(), []  # ids of every reference's code ever armed, kept alive
        # the zygote froze what it imported (gc.freeze): the search for copies in forget() skips
        # it; this probe, made after, says whether the student froze anything since
        self._probe = types.SimpleNamespace()
        self._holder = [self._probe]

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

    def remote(self, obj):
        """``obj`` as a handle (it stays here)."""
        return {"$": "remote", "id": self.handle(obj), "type": type(obj).__name__[:100],
                "callable": callable(obj)}

    def encode(self, value):
        def other(obj):
            name = self._reference_name(obj)
            return {"$": "builtin", "name": name} if name is not None else self.remote(obj)
        return self.protocol.encode(value, other)

    def encode_small(self, value):
        """``value`` as plain data when that takes at most ``protocol.MAX_SMALL`` bytes (a
        default value of a signature), else as a handle."""
        if getattr(value, "nbytes", 0) > self.protocol.MAX_SMALL:  # too large, without encoding it
            return self.remote(value)
        encoded = self.encode(value)
        if len(self.protocol.dumps(encoded)) > self.protocol.MAX_SMALL:
            return self.remote(value)
        return encoded

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
        """Fresh reference functions from ``source`` (the text of builtins.py), each alone in
        its namespace: its ``__globals__`` reach no other reference."""
        self.forget()
        code = compile(source, "<reference>", "exec")
        first = {}
        exec(code, first)
        names = tuple(first["NAMES"])
        for name in names:
            space = {}
            exec(code, space)
            for other in names:
                if other != name:
                    del space[other]
            del space["NAMES"]
            function = space[name]
            self.references.append((function, name))
            self.codes.add(id(function.__code__))
            self._kept.append(function.__code__)

    def is_reference(self, value):
        """Whether ``value`` is a function running a reference's code (armed now or before)."""
        return isinstance(value, types.FunctionType) and id(value.__code__) in self.codes

    def forget(self):
        """Disable the check's reference functions and every copy of their code."""
        if not self.references:
            return
        codes = [f.__code__ for f, _ in self.references]
        if not any(r is self._holder for r in gc.get_referrers(self._probe)):
            gc.unfreeze()  # the student froze objects (copies among them?): search them all
        for f in gc.get_referrers(*codes):  # the functions themselves and any copy
            if type(f) is types.FunctionType:
                f.__code__ = _disabled.__code__
        for f, _ in self.references:
            f.__globals__.clear()  # their own namespaces: nothing left to copy from
        self.references = []
