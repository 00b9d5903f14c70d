"""What the sandbox stopped, named from a run's exit status and counters."""

from __future__ import annotations

import signal

from codeguild.quality.violations import RunEvidence, stopped_by


def test_a_clean_run_names_nothing() -> None:
    assert stopped_by(RunEvidence(exit_code=0)) == []
    assert stopped_by(RunEvidence(exit_code=1, output_tail="AssertionError")) == []


def test_signals_name_their_limit() -> None:
    assert stopped_by(RunEvidence(exit_code=-signal.SIGXCPU)) == ["cpu_limit (SIGXCPU)"]
    assert stopped_by(RunEvidence(exit_code=-signal.SIGXFSZ)) == ["file_size_limit"]
    assert stopped_by(RunEvidence(exit_code=-signal.SIGSEGV)) == ["killed (SIGSEGV)"]


def test_our_own_kill_is_named_by_its_reason_not_the_signal() -> None:
    assert stopped_by(RunEvidence(exit_code=None, timed_out=True)) == ["wall_timeout"]
    assert stopped_by(
        RunEvidence(exit_code=-signal.SIGKILL, output_limit_hit=True, output_truncated=True)
    ) == ["output_limit", "output_truncated"]


def test_counters_and_output_evidence_combine_without_duplicates() -> None:
    evidence = RunEvidence(
        exit_code=None,
        timed_out=True,
        pids_limit_hits=12,
        files_at_size_limit=1,
        output_tail="BlockingIOError: [Errno 11] Resource temporarily unavailable\n"
        "OSError: [Errno 27] File too large",
    )
    assert stopped_by(evidence) == ["wall_timeout", "pids_limit", "file_size_limit"]


def test_memory_and_network_errors_are_recognised() -> None:
    assert stopped_by(RunEvidence(exit_code=1, output_tail="MemoryError")) == ["memory_limit"]
    tail = "OSError: [Errno 101] Network is unreachable"
    assert stopped_by(RunEvidence(exit_code=1, output_tail=tail)) == ["network_blocked"]
