"""The wire format between the grader and the sandbox, and its validation.

Both sides exchange one JSON object per line.  Values are plain data:
``None``, ``bool``, ``int``, ``float``, ``str`` and lists as JSON (a numpy
scalar travels as the Python number it holds); every other kind is an
object tagged ``"$"``::

    {"$": "nd", "d": "<f8", "s": [3, 2], "b": "<base64>"}   numeric ndarray
    {"$": "float", "v": "nan"}                                non-finite float
    {"$": "int", "v": "123456789012345678901234567890"}       big int
    {"$": "complex", "v": [re, im]}
    {"$": "tuple", "v": [...]}   {"$": "dict", "v": {"key": ...}}
    {"$": "remote", "id": 7, "type": "NeuralNetwork", "callable": true}
    {"$": "builtin", "name": "sigmoid"}                       a reference function

:func:`decode` accepts exactly this and nothing else: every field is
checked, sizes and depth are bounded, and anything malformed raises
:class:`ProtocolError`.  This file is standalone (numpy only): the sandbox
loads it as a plain file, without :mod:`ffnn`.
"""

import base64
import json
import math
import os
import select
import time

import numpy as np

MAX_MESSAGE = 8 * 2**20  # bytes of one message
MAX_DEPTH = 12
MAX_STRING = 20_000  # characters of one string
MAX_ITEMS = 100_000  # entries of one list, tuple or dict
MAX_ELEMENTS = 10**6  # elements of one array
MAX_SMALL = 2000  # bytes of a value sent with a function's description (a default value)
DTYPES = frozenset(np.dtype(t).str for t in (
    "?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"))


class ProtocolError(Exception):
    """A message that does not follow the wire format."""


def encode(value, other, depth=0):
    """``value`` as JSON-ready plain data; ``other(value)`` tags what is not plain."""
    if value is None or type(value) is bool:
        return value
    if type(value) is str:
        return value[:MAX_STRING]
    if type(value) is int:
        return value if abs(value) < 2**53 else {"$": "int", "v": str(value)[:4000]}
    if type(value) is float:
        return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
    if type(value) is complex:
        return {"$": "complex", "v": [encode(value.real, other), encode(value.imag, other)]}
    if depth < MAX_DEPTH:
        if type(value) is np.ndarray and value.dtype.str in DTYPES and value.size <= MAX_ELEMENTS:
            data = base64.b64encode(np.ascontiguousarray(value).tobytes()).decode()
            return {"$": "nd", "d": value.dtype.str, "s": list(value.shape), "b": data}
        if isinstance(value, np.generic) and value.dtype.str in DTYPES:
            return encode(value.item(), other, depth + 1)
        if type(value) in (list, tuple) and len(value) <= MAX_ITEMS:
            items = [encode(item, other, depth + 1) for item in value]
            return items if type(value) is list else {"$": "tuple", "v": items}
        if type(value) is dict and len(value) <= MAX_ITEMS and all(type(k) is str for k in value):
            return {"$": "dict", "v": {k[:MAX_STRING]: encode(v, other, depth + 1)
                                       for k, v in value.items()}}
    return other(value)


def _fields(obj, *names):
    if set(obj) != {"$", *names}:
        raise ProtocolError(f"a {obj.get('$')!r} value with the fields {sorted(obj)}")
    return [obj[name] for name in names]


def _string(value, what="a string"):
    if type(value) is not str or len(value) > MAX_STRING:
        raise ProtocolError(f"expected {what}, got {type(value).__name__}")
    return value


def _array(obj):
    dtype, shape, data = _fields(obj, "d", "s", "b")
    if dtype not in DTYPES:
        raise ProtocolError(f"array of dtype {dtype!r}")
    if (type(shape) is not list or len(shape) > 32
            or not all(type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape)
            or math.prod(shape) > MAX_ELEMENTS):
        raise ProtocolError("array with an invalid shape")
    if type(data) is not str or len(data) > 4 * MAX_MESSAGE:
        raise ProtocolError("array without data")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        raise ProtocolError("invalid base64 data") from None
    if len(raw) != math.prod(shape) * np.dtype(dtype).itemsize:
        raise ProtocolError("array data of the wrong length")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode(value, tagged, depth=0, count=None):
    """Plain data back from :func:`encode`'s output; ``tagged(obj)`` builds remote/builtin.

    ``count``: a one-item list, the values still allowed (each list, number, array... is one):
    a budget across messages for what the grader keeps, lowered here."""
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if count is not None:
        count[0] -= 1
        if count[0] < 0:
            raise ProtocolError("more values than the grader keeps for one submission")
    kind = type(value)
    if value is None or kind is bool:
        return value
    if kind is int:
        if abs(value) >= 2**53:
            raise ProtocolError("integer out of range")
        return value
    if kind is float:
        if not math.isfinite(value):
            raise ProtocolError("a bare non-finite float")
        return value
    if kind is str:
        return _string(value)
    if kind is list:
        if len(value) > MAX_ITEMS:
            raise ProtocolError("list too long")
        return [decode(item, tagged, depth + 1, count) for item in value]
    if kind is not dict or type(value.get("$")) is not str:
        raise ProtocolError(f"unexpected {kind.__name__} value")
    tag = value["$"]
    if tag == "nd":
        return _array(value)
    if tag == "float":
        (text,) = _fields(value, "v")
        if text not in ("nan", "inf", "-inf"):
            raise ProtocolError(f"float {text!r}")
        return float(text)
    if tag == "int":
        (text,) = _fields(value, "v")
        digits = text.lstrip("-") if type(text) is str else ""
        if type(text) is not str or len(text) > 4000 or not (digits.isascii() and digits.isdigit()):  # no "²"
            raise ProtocolError("invalid big integer")
        return int(text)
    if tag == "complex":
        (parts,) = _fields(value, "v")
        if type(parts) is not list or len(parts) != 2:
            raise ProtocolError("invalid complex number")
        re, im = (decode(p, tagged, depth + 1, count) for p in parts)
        if type(re) is not float or type(im) is not float:
            raise ProtocolError("invalid complex number")
        return complex(re, im)
    if tag == "tuple":
        (items,) = _fields(value, "v")
        if type(items) is not list:
            raise ProtocolError("invalid tuple")
        return tuple(decode(items, tagged, depth, count))
    if tag == "dict":
        (items,) = _fields(value, "v")
        if type(items) is not dict or len(items) > MAX_ITEMS:
            raise ProtocolError("invalid dict")
        return {_string(k): decode(v, tagged, depth + 1, count) for k, v in items.items()}
    if tag in ("remote", "builtin"):
        return tagged(value)
    raise ProtocolError(f"unknown value tag {tag!r}")


def _constant(name):
    raise ProtocolError(f"the JSON constant {name}")


def loads(line):
    """One message (a JSON object) from a line of bytes."""
    try:
        message = json.loads(line, parse_constant=_constant)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"not JSON ({str(error)[:80]})") from None
    if type(message) is not dict:
        raise ProtocolError("a message that is not an object")
    return message


def dumps(message):
    return json.dumps(message, allow_nan=False, separators=(",", ":")).encode() + b"\n"


class Channel:
    """Newline-framed messages over two pipe file descriptors, with deadlines."""

    def __init__(self, read_fd, write_fd):
        self.read_fd, self.write_fd, self.buffer = read_fd, write_fd, bytearray()
        self.last_size = 0

    def send(self, message, data=None, deadline=None):
        """Write one message; ``TimeoutError`` when the other side has not taken it all by
        ``deadline`` (a ``time.monotonic`` value; None: wait as long as it takes)."""
        data = memoryview(data or dumps(message))
        if deadline is not None:
            os.set_blocking(self.write_fd, False)  # a full buffer must not block past deadline
        while data:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([], [self.write_fd], [], left)[1]:
                    raise TimeoutError
            try:
                data = data[os.write(self.write_fd, data):]
            except BlockingIOError:
                continue

    def receive(self, deadline=None):
        """The next message; ``TimeoutError`` past ``deadline`` (a ``time.monotonic`` value),
        ``EOFError`` when the other side closed, ``ProtocolError`` when it is malformed."""
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[:end + 1]
                self.last_size = end  # bytes of the message returned
                return loads(line)
            if len(self.buffer) > MAX_MESSAGE:
                raise ProtocolError(f"a message longer than {MAX_MESSAGE} bytes")
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.read_fd], [], [], left)[0]:
                    raise TimeoutError
            else:
                select.select([self.read_fd], [], [])
            try:
                chunk = os.read(self.read_fd, 2**20)
            except BlockingIOError:
                continue
            if not chunk:
                raise EOFError
            self.buffer += chunk
