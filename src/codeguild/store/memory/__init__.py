"""Shared memory of runs: one interface (SharedMemoryStore), Redis and in-process backends.

``open_memory_store("memory://")`` (or None) gives the embedded in-process store;
``open_memory_store("redis://127.0.0.1:6379/0")`` the Redis one. A ``codec`` query parameter
(``?codec=msgpack``) or keyword picks the value encoding.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from codeguild.errors import StoreUnavailableError
from codeguild.store.memory.base import (
    InvalidKeyError,
    LockLostError,
    LockTimeoutError,
    LockToken,
    MemoryBackend,
    NotACounterError,
    OverflowPolicy,
    StaleFenceError,
    StoreConfigError,
    SubscriberOverflowError,
    mask_url,
)
from codeguild.store.memory.cache import ResultCache, input_hash
from codeguild.store.memory.inprocess import InProcessBackend
from codeguild.store.memory.serialization import (
    Codec,
    JsonCodec,
    MsgpackCodec,
    SerializationError,
    get_codec,
)
from codeguild.store.memory.store import GLOBAL_NAMESPACE, SharedMemoryStore
from codeguild.store.memory.subscription import Subscription

__all__ = [
    "GLOBAL_NAMESPACE",
    "Codec",
    "InProcessBackend",
    "InvalidKeyError",
    "JsonCodec",
    "LockLostError",
    "LockTimeoutError",
    "LockToken",
    "MemoryBackend",
    "MsgpackCodec",
    "NotACounterError",
    "OverflowPolicy",
    "ResultCache",
    "SerializationError",
    "SharedMemoryStore",
    "StaleFenceError",
    "StoreConfigError",
    "StoreUnavailableError",
    "SubscriberOverflowError",
    "Subscription",
    "get_codec",
    "input_hash",
    "open_memory_store",
]

_REDIS_SCHEMES = ("redis", "rediss", "unix")


def open_memory_store(
    url: str | None = None,
    *,
    codec: str | Codec | None = None,
    namespace: str = GLOBAL_NAMESPACE,
) -> SharedMemoryStore:
    """A store for ``url``: None or ``memory://`` -> in-process, ``redis://...`` -> Redis.

    Nothing is contacted yet: ``await store.connect()`` (or ``async with store``) checks the
    server and raises StoreUnavailableError naming the URL and how to start it.
    """
    if url is None or not url.strip():
        url = "memory://"
    parts = urlsplit(url.strip())
    query = parse_qsl(parts.query, keep_blank_values=True)
    url_codec = next((v for k, v in query if k == "codec"), None)
    chosen = codec if codec is not None else (url_codec or "json")
    if parts.scheme == "memory":
        backend: MemoryBackend = InProcessBackend()
    elif parts.scheme in _REDIS_SCHEMES:
        # imported here so the embedded default does not load redis-py
        from codeguild.store.memory.redis_backend import RedisBackend

        rest = urlencode([(k, v) for k, v in query if k != "codec"])
        backend = RedisBackend(urlunsplit(parts._replace(query=rest)))
    else:
        raise StoreConfigError(
            f"Unsupported shared-memory URL {mask_url(url)!r}.",
            hint="Use memory:// for the in-process store or redis://HOST:PORT/DB for Redis.",
        )
    return SharedMemoryStore(backend, namespace=namespace, codec=chosen)
