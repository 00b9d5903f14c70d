"""EventBus: fan-out in order, and a log only when one was asked for."""

from __future__ import annotations

import pytest

from codeguild.events import Event, EventBus, EventKind


def _event(task: str) -> Event:
    return Event(EventKind.TASK_QUEUED, "run-1", task)


def test_subscribers_see_every_event_in_order_and_no_log_is_kept_by_default() -> None:
    bus = EventBus()
    seen: list[str | None] = []
    bus.subscribe(lambda e: seen.append(e.task))
    for task in ("a", "b", "c"):
        bus.emit(_event(task))
    assert seen == ["a", "b", "c"]
    with pytest.raises(RuntimeError, match=r"keeps no log; create it with EventBus\(keep_log"):
        _ = bus.log


def test_a_bus_asked_to_keep_its_log_keeps_every_event_before_later_subscribers_run() -> None:
    bus = EventBus(keep_log=True)
    lengths: list[int] = []
    bus.subscribe(lambda _e: lengths.append(len(bus.log)))
    bus.emit(_event("a"))
    bus.emit(_event("b"))
    assert [e.task for e in bus.log] == ["a", "b"]
    assert lengths == [1, 2]  # the log is written first, so a subscriber can read it
