"""What a valid reply from the sandbox looks like, checked field by field.

Used by :mod:`.supervisor`: every reply must have exactly its fields, of
their types, within their bounds; anything else raises
:class:`~..sandboxed.protocol.ProtocolError`, which ends the submission as "error".
"""

from ..sandboxed.protocol import MAX_SMALL, MAX_STRING, ProtocolError, dumps

KINDS = range(5)  # inspect.Parameter kinds


def fields(message, *names):
    if set(message) != {"ok", *names}:
        raise ProtocolError(f"a {message.get('ok')!r} reply with the fields {sorted(message)}"[:200])
    return [message[n] for n in names]


def text(value, limit=MAX_STRING, what="text"):
    if type(value) is not str or len(value) > limit:
        raise ProtocolError(f"{what}: expected a string of at most {limit} characters")
    return value


def _name(value):
    if type(value) is not str or not value.isidentifier() or len(value) > 100:
        raise ProtocolError("expected an identifier")
    return value


def function_record(record, index, max_handles, decode):
    """A validated function record of cell ``index`` (see :meth:`..sandboxed.agent.Agent.record`)."""
    if type(record) is not dict or set(record) != {"id", "name", "cell", "kind", "signature",
                                                     "source", "names"}:
        raise ProtocolError("an invalid function record")
    number = record["id"]
    if type(number) is not int or not 0 < number <= max_handles:
        raise ProtocolError("a function record with an invalid handle")
    if record["cell"] != index or record["kind"] not in ("function", "class"):
        raise ProtocolError("an invalid function record")
    names = record["names"]
    if type(names) is not list or len(names) > 500:
        raise ProtocolError("an invalid list of names")
    signature = record["signature"]
    if signature is not None:
        if type(signature) is not list or len(signature) > 64:
            raise ProtocolError("an invalid signature")
        signature = [_parameter(p, decode) for p in signature]
    return {"id": number, "name": _name(record["name"]), "cell": index, "kind": record["kind"],
            "signature": signature, "source": text(record["source"]),
            "names": [_name(n) for n in names]}


def _parameter(p, decode):
    if type(p) is not dict or not {"name", "kind"} <= set(p) <= {"name", "kind", "default"} \
            or p["kind"] not in KINDS or type(p["kind"]) is not int:
        raise ProtocolError("an invalid parameter")
    out = {"name": _name(p["name"]), "kind": p["kind"]}
    if "default" in p:  # kept as long as the submission: small, or a handle (see Handles.encode_small)
        if len(dumps(p["default"])) > MAX_SMALL + 1:
            raise ProtocolError("a default value larger than its bound")
        out["default"] = decode(p["default"])
    return out
