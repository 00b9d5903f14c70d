"""Value codecs for the shared-memory store: canonical JSON and canonical msgpack.

Both codecs are canonical (mapping keys sorted) so that equal values always encode to equal
bytes: ``compare_and_set`` compares encoded bytes, atomically, on the server.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import msgpack

from codeguild.errors import CodeguildError


class SerializationError(CodeguildError):
    """A value could not be encoded or decoded by the store's codec."""

    code = "store_serialization"


class Codec(Protocol):
    """Turns values into bytes and back; ``name`` is what ``codec=`` settings accept."""

    name: str

    def dumps(self, value: Any) -> bytes: ...

    def loads(self, data: bytes) -> Any: ...


# prebuilt: json.dumps/json.loads rebuild these (and sniff byte encodings) on every call
_ENCODE = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode
_DECODE = json.JSONDecoder().decode


class JsonCodec:
    """Compact, key-sorted UTF-8 JSON: readable with redis-cli, portable to any language."""

    __slots__ = ()
    name = "json"

    def dumps(self, value: Any) -> bytes:
        try:
            return _ENCODE(value).encode()
        except (TypeError, ValueError) as exc:
            raise SerializationError(
                f"Cannot store a {type(value).__name__} as JSON: {exc}.",
                hint="Store JSON-able values (dict, list, str, int, float, bool, None), "
                "e.g. model.model_dump(mode='json') for pydantic models.",
            ) from exc

    def loads(self, data: bytes) -> Any:
        try:
            return _DECODE(data.decode())
        except ValueError as exc:
            raise SerializationError(
                f"A stored value is not valid JSON ({exc}).",
                hint="Was it written with another codec? Open the store with the same codec "
                "its writers use.",
            ) from exc


_NESTED = (dict, list, tuple)


def _sorted_maps(value: dict[Any, Any] | list[Any] | tuple[Any, ...]) -> Any:
    # msgpack keeps insertion order; sort so equal dicts give equal bytes (hot path: no
    # recursive call for scalars)
    if isinstance(value, dict):
        try:
            keys = sorted(value)
        except TypeError:
            keys = sorted(value, key=repr)
        out = {}
        for k in keys:
            v = value[k]
            out[k] = _sorted_maps(v) if isinstance(v, _NESTED) else v
        return out
    return [_sorted_maps(v) if isinstance(v, _NESTED) else v for v in value]


class MsgpackCodec:
    """Binary msgpack (bytes stay bytes, smaller and faster than JSON for large values)."""

    __slots__ = ()
    name = "msgpack"

    def dumps(self, value: Any) -> bytes:
        try:
            if isinstance(value, _NESTED):
                value = _sorted_maps(value)
            return msgpack.packb(value, use_bin_type=True)  # type: ignore[no-any-return]
        except (TypeError, ValueError, OverflowError) as exc:
            raise SerializationError(
                f"Cannot store a {type(value).__name__} as msgpack: {exc}.",
                hint="Store msgpack-able values (dict, list, str, bytes, int, float, bool, None).",
            ) from exc

    def loads(self, data: bytes) -> Any:
        try:
            return msgpack.unpackb(data, raw=False, strict_map_key=False)
        except (ValueError, msgpack.UnpackException) as exc:
            raise SerializationError(
                f"A stored value is not valid msgpack ({exc}).",
                hint="Was it written with another codec? Open the store with the same codec "
                "its writers use.",
            ) from exc


CODECS: dict[str, Codec] = {"json": JsonCodec(), "msgpack": MsgpackCodec()}


def get_codec(codec: str | Codec) -> Codec:
    """Resolve a codec name ("json", "msgpack") or pass a codec object through."""
    if not isinstance(codec, str):
        return codec
    try:
        return CODECS[codec.lower()]
    except KeyError:
        raise SerializationError(
            f"Unknown codec {codec!r}.", hint=f"Use one of: {', '.join(sorted(CODECS))}."
        ) from None
