"""The backend interface of the shared-memory store, its shared types and its errors.

A backend works on raw bytes and full keys; ``SharedMemoryStore`` (store.py) adds namespaces,
codecs and the lock/subscription helpers on top, so every backend gets identical semantics.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from codeguild.errors import CodeguildError

if TYPE_CHECKING:
    from codeguild.store.memory.subscription import MessageBuffer

KEY_ROOT = "codeguild"
#: user keys may not start with this: locks and fence counters live there
INTERNAL_MARK = "~"
_NAMESPACE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")


class InvalidKeyError(CodeguildError):
    """A key, namespace or channel name the store cannot use."""

    code = "invalid_store_key"
    exit_code = 2


class StoreConfigError(CodeguildError):
    """The shared-memory store's URL or settings cannot be used."""

    code = "invalid_store_config"
    exit_code = 2


class NotACounterError(CodeguildError):
    """``incr`` met a key that holds something other than an integer counter."""

    code = "not_a_counter"


class LockTimeoutError(CodeguildError):
    """A lock stayed held by someone else for longer than the caller was willing to wait."""

    code = "lock_timeout"


class LockLostError(CodeguildError):
    """A lock expired while held and may have been taken by another holder."""

    code = "lock_lost"


class StaleFenceError(CodeguildError):
    """A write carried a fencing token older than the latest one issued for that lock."""

    code = "stale_fence"


class SubscriberOverflowError(CodeguildError):
    """A subscriber fell too far behind its channel and (policy "fail") was cut off."""

    code = "subscriber_overflow"


class OverflowPolicy(StrEnum):
    """What a subscription does when its bounded buffer is full."""

    #: deliver what was buffered, then raise SubscriberOverflowError (no silent gap)
    FAIL = "fail"
    #: discard the oldest buffered message and count it in ``Subscription.dropped``
    DROP_OLDEST = "drop_oldest"


@dataclass(frozen=True, slots=True)
class LockToken:
    """Proof of holding a lock: ``fence`` grows strictly with every acquisition of ``name``."""

    name: str
    fence: int
    owner: str
    ttl_s: float


#: closes a backend subscription; returned by ``MemoryBackend.open_subscription``
Unsubscribe = Callable[[], Awaitable[None]]


class MemoryBackend(ABC):
    """Raw byte storage behind a SharedMemoryStore; every method is atomic on its own."""

    #: the backend's URL with any password masked (safe for messages and logs)
    url: str

    @abstractmethod
    async def connect(self) -> None:
        """Check the backend is reachable; raise StoreUnavailableError naming the URL if not."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def get(self, key: str) -> bytes | None: ...

    @abstractmethod
    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]: ...

    @abstractmethod
    async def set(self, key: str, data: bytes, ttl_ms: int | None) -> None: ...

    @abstractmethod
    async def set_many(self, items: Sequence[tuple[str, bytes]], ttl_ms: int | None) -> None: ...

    @abstractmethod
    async def delete(self, keys: Sequence[str]) -> int: ...

    @abstractmethod
    async def exists(self, key: str) -> bool: ...

    @abstractmethod
    async def ttl_ms(self, key: str) -> int | None:
        """Milliseconds left; None when the key has no expiry or does not exist."""

    @abstractmethod
    async def scan(self, match: str) -> list[str]:
        """Full keys matching a Redis glob pattern."""

    @abstractmethod
    async def incr(self, key: str, amount: int, ttl_ms: int | None) -> int:
        """Add to an integer counter; ``ttl_ms`` applies only when it has no expiry yet."""

    @abstractmethod
    async def get_int(self, key: str) -> int:
        """A counter's value, 0 when missing."""

    @abstractmethod
    async def compare_and_set(
        self, key: str, expected: bytes | None, new: bytes, ttl_ms: int | None
    ) -> bool:
        """Set ``new`` if the value is ``expected`` (None: key absent); None ttl keeps expiry."""

    @abstractmethod
    async def acquire_lock(self, key: str, fence_key: str, owner: str, ttl_ms: int) -> int:
        """Take a free lock and return its new fence (> 0); 0 when someone else holds it."""

    @abstractmethod
    async def release_lock(self, key: str, owner: str) -> bool:
        """Free the lock only if ``owner`` holds it; False if it had expired or moved on."""

    @abstractmethod
    async def extend_lock(self, key: str, owner: str, ttl_ms: int) -> bool: ...

    @abstractmethod
    async def set_if_fence(
        self, fence_key: str, fence: int, key: str, data: bytes, ttl_ms: int | None
    ) -> bool:
        """Write only while ``fence`` is still the latest fence issued; False otherwise."""

    @abstractmethod
    async def publish(self, channel: str, data: bytes) -> int:
        """Send to current subscribers; returns how many received it."""

    @abstractmethod
    async def open_subscription(self, channel: str, buffer: MessageBuffer) -> Unsubscribe:
        """Deliver every message published from now on into ``buffer``, in order."""


def validate_namespace(name: str) -> str:
    if not isinstance(name, str) or not _NAMESPACE_RE.match(name):
        raise InvalidKeyError(
            f"Invalid namespace {name!r}.",
            hint="Use 1-128 characters from letters, digits, '_', '.', '-' (e.g. a run id).",
        )
    return name


def validate_key(key: str, what: str = "key") -> str:
    if not isinstance(key, str) or not key or key.startswith(INTERNAL_MARK):
        raise InvalidKeyError(
            f"Invalid {what} {key!r}.",
            hint=f"Use a non-empty string that does not start with {INTERNAL_MARK!r} "
            "(reserved for locks and fencing counters).",
        )
    return key


def mask_url(url: str) -> str:
    """The URL with its password replaced by '***' (for error messages and logs)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{user}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a Redis glob (``*``, ``?``, ``[a-z]``, ``[^x]``, ``\\`` escapes) to a regex."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end]
                negate = body.startswith("^")
                body = body[1:] if negate else body
                escaped = "".join(ch if ch == "-" else re.escape(ch) for ch in body)
                out.append(f"[{'^' if negate else ''}{escaped}]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)
