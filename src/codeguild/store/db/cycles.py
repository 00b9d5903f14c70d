"""Dependency-cycle detection for SQLite (PostgreSQL does the same in a trigger)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def closing_cycle(
    edges: Mapping[str, Sequence[str]], task: str, depends_on: str
) -> list[str] | None:
    """The cycle the edge ``task -> depends_on`` would close, named like the trigger names it.

    ``edges`` maps a task to the tasks it depends on. Returns e.g. ``[c, a, b, c]`` for the new
    edge ``c -> a`` when ``a -> b -> c`` exists, else None.
    """
    if task == depends_on:
        return [task, task]
    # depth-first from depends_on along existing edges, looking for task
    stack: list[tuple[str, list[str]]] = [(depends_on, [task, depends_on])]
    seen = {depends_on}
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == task:
                return [*path, task]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None
