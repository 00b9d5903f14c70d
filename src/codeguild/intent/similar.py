"""Similar-request cache: a near-duplicate of an earlier requirement reuses its intent.

"Near" is deliberately narrow, because one extra field name changes the project: two requirements
match when their content words are the same up to case, order, punctuation, plurals, one-letter
typos and filler words ("please", "build", "simple"), and their similarity (embedding cosine with
the nlp extra, token cosine without) reaches the threshold.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any

from codeguild.intent.inflect import singular
from codeguild.intent.lexicon import word_set
from codeguild.intent.models import ProjectIntent, SimilarRequest

_TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
# Words whose presence or absence does not change what is asked for.
FILLER = word_set(
    """a an the and or of for to in on at by with from into as is are be been it its this that
    these those there their them they we i me my our us you your he she his her please kindly
    could would should can will shall may might must just really also some any very so then
    build create make write develop implement code need needs want wants like provide give get
    simple small little basic quick tiny nice new quickly want'd i'd we'd i'm we're let's hi
    hello thanks thank"""
)


def content_tokens(text: str) -> Counter[str]:
    """Lower-cased, singular content words with their counts."""
    words = _TOKEN.findall(text.lower())
    return Counter(
        singular(w) if w.isalpha() and len(w) > 3 else w for w in words if w not in FILLER
    )


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    shared = sum(a[k] * b[k] for k in a.keys() & b.keys())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return shared / norm if norm else 0.0


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or swap."""
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 5:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return short[i:] == long_[i + 1 :]


def same_content(a: set[str], b: set[str]) -> bool:
    """The two word sets are equal up to one-edit typos (each odd word is a typo of a word of
    the other set)."""
    return all(any(_one_edit(w, v) for v in b) for w in a - b) and all(
        any(_one_edit(w, v) for v in a) for w in b - a
    )


def fingerprint(text: str) -> str:
    return hashlib.sha256(" ".join(sorted(content_tokens(text))).encode()).hexdigest()[:12]


@dataclass(slots=True)
class _Entry:
    tokens: Counter[str]
    vector: Any
    intent: ProjectIntent
    fingerprint: str


class SimilarRequestCache:
    """A bounded, thread-safe, least-recently-used store of intents by requirement."""

    def __init__(self, capacity: int = 256, threshold: float = 0.9) -> None:
        self.capacity = capacity
        self.threshold = threshold
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, text: str, scope: str, vector: Any = None) -> ProjectIntent | None:
        """The stored intent of a near-duplicate of ``text`` in ``scope``, adapted to ``text``."""
        if self.capacity <= 0:
            return None
        tokens = content_tokens(text)
        words = set(tokens)
        best: tuple[float, _Entry, str] | None = None
        with self._lock:
            for (entry_scope, key), entry in self._entries.items():
                if entry_scope != scope or not same_content(words, set(entry.tokens)):
                    continue
                if vector is not None and entry.vector is not None:
                    similarity, method = float(vector @ entry.vector), "embedding"
                else:
                    similarity, method = _cosine(tokens, entry.tokens), "tokens"
                if similarity >= self.threshold and (best is None or similarity > best[0]):
                    best = (similarity, entry, method)
                    found = (entry_scope, key)
            if best is None:
                self.misses += 1
                return None
            self._entries.move_to_end(found)
            self.hits += 1
        similarity, entry, method = best
        hit = SimilarRequest(
            similarity=round(min(similarity, 1.0), 4),
            method=method,  # type: ignore[arg-type]
            fingerprint=entry.fingerprint,
        )
        return entry.intent.model_copy(
            deep=True, update={"requirement": text, "similar_request": hit}
        )

    def store(self, text: str, scope: str, intent: ProjectIntent, vector: Any = None) -> None:
        if self.capacity <= 0:
            return
        tokens = content_tokens(text)
        key = hashlib.sha256(text.encode()).hexdigest()
        entry = _Entry(tokens, vector, intent.model_copy(deep=True), fingerprint(text))
        with self._lock:
            self._entries[(scope, key)] = entry
            self._entries.move_to_end((scope, key))
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0
