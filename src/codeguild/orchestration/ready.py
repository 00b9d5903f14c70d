"""The tasks that may start now, one heap per capability, best rank first."""

from __future__ import annotations

import heapq
from collections.abc import Container
from typing import Any

#: a heap entry: the rank fields, then the task name last (ranks are unique through their age)
Entry = tuple[Any, ...]


class ReadyQueue:
    """Ready tasks by capability. Removal is lazy: an entry counts only while it is the live one."""

    __slots__ = ("_heaps", "_live")

    def __init__(self) -> None:
        self._heaps: dict[str, list[Entry]] = {}
        #: name -> its live entry; any other entry of that name in a heap is stale
        self._live: dict[str, Entry] = {}

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, name: object) -> bool:
        return name in self._live

    def push(self, capability: str, entry: Entry) -> None:
        self._live[entry[-1]] = entry
        heap = self._heaps.get(capability)
        if heap is None:
            heap = self._heaps[capability] = []
        heapq.heappush(heap, entry)

    def discard(self, name: str) -> None:
        self._live.pop(name, None)

    def has(self, capability: str) -> bool:
        """Whether a task of ``capability`` is waiting."""
        heap = self._heaps.get(capability)
        return heap is not None and bool(heap) and self._clean(heap)

    def best(self, blocked: Container[str] = ()) -> str | None:
        """The capability whose best task ranks first, leaving out ``blocked`` ones."""
        best_cap: str | None = None
        best_entry: Entry | None = None
        for capability, heap in self._heaps.items():
            if capability in blocked or not heap or not self._clean(heap):
                continue
            if best_entry is None or heap[0] < best_entry:
                best_cap, best_entry = capability, heap[0]
        return best_cap

    def pop_best(self, blocked: Container[str] = ()) -> tuple[str, Entry] | None:
        """Remove and return (capability, entry) of the best task outside ``blocked``; one pass,
        for the scheduler's hot loop (:meth:`best` then :meth:`pop` does the same in two)."""
        live = self._live
        best_cap: str | None = None
        best_heap: list[Entry] | None = None
        best_entry: Entry | None = None
        for capability, heap in self._heaps.items():
            if not heap or capability in blocked:
                continue
            head = heap[0]
            if live.get(head[-1]) is not head:
                if not self._clean(heap):
                    continue
                head = heap[0]
            if best_entry is None or head < best_entry:
                best_cap, best_heap, best_entry = capability, heap, head
        if best_heap is None or best_cap is None or best_entry is None:
            return None
        heapq.heappop(best_heap)
        del live[best_entry[-1]]
        return best_cap, best_entry

    def pop(self, capability: str) -> Entry:
        """Remove and return the best entry of ``capability`` (call after :meth:`best`)."""
        entry = heapq.heappop(self._heaps[capability])
        del self._live[entry[-1]]
        return entry

    def live(self) -> list[tuple[str, Entry]]:
        """(capability, entry) of every waiting task (a scan: only re-ranking needs it)."""
        live = self._live
        return [
            (capability, entry)
            for capability, heap in self._heaps.items()
            for entry in heap
            if live.get(entry[-1]) is entry
        ]

    def clear(self) -> None:
        self._heaps.clear()
        self._live.clear()

    def _clean(self, heap: list[Entry]) -> bool:
        """Drop stale heads; True when a live entry remains."""
        live = self._live
        while heap:
            if live.get(heap[0][-1]) is heap[0]:
                return True
            heapq.heappop(heap)
        return False
