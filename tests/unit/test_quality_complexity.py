from pathlib import Path

from codeguild.quality.complexity import complexity

SIMPLE = "def add(a: int, b: int) -> int:\n    return a + b\n"


def _branchy(n: int) -> str:
    body = "".join(f"        if x == {i}:\n            return {i}\n" for i in range(n))
    return f"class Router:\n    def route(self, x):\n{body}        return -1\n"


def test_simple_code_passes(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SIMPLE)
    result = complexity(tmp_path)
    assert result.passed
    assert result.metrics["functions"] == 1
    assert result.metrics["max_cc"] == 1


def test_complex_method_is_reported_with_name_and_line(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text(SIMPLE)
    (tmp_path / "router.py").write_text(_branchy(12))
    result = complexity(tmp_path, max_cc=10)
    assert not result.passed
    [finding] = [f for f in result.findings if f.rule == "CC"]
    assert finding.file == "router.py"
    assert finding.line == 2
    assert "Router.route" in finding.message
    assert result.metrics["max_cc"] == 13
    assert result.metrics["functions"] == 2
    assert result.metrics["mean_cc"] == 7.0  # (1 + 13) / 2


def test_threshold_is_respected(tmp_path: Path) -> None:
    (tmp_path / "router.py").write_text(_branchy(12))
    assert complexity(tmp_path, max_cc=13).passed


def test_low_maintainability_fails_and_broken_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "router.py").write_text(_branchy(12))
    (tmp_path / "broken.py").write_text("def (:\n")
    result = complexity(tmp_path, max_cc=50, min_mi=99.0)
    assert not result.passed
    assert [f.rule for f in result.findings] == ["MI"]
    assert result.metrics["min_mi"] < 99.0
