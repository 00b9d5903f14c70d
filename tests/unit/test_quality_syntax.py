from pathlib import Path

from codeguild.quality.syntax import check_syntax


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_clean_project_passes(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/a.py": "def f() -> int:\n    return 1\n",
            "data.json": '{"a": [1, 2]}',
            "pyproject.toml": '[project]\nname = "x"\n',
            "k8s.yaml": "a: 1\n---\nb: [2]\n",
        },
    )
    result = check_syntax(tmp_path)
    assert result.passed
    assert result.findings == []
    assert result.metrics["files"] == 4


def test_each_broken_format_is_a_finding_with_its_line(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/bad.py": "x = 1\ndef f(:\n    pass\n",
            "bad.json": '{\n"a": 1,\n}',
            "bad.toml": "[a]\nb = \n",
            "bad.yml": "a: [1, 2\n",
        },
    )
    result = check_syntax(tmp_path)
    assert not result.passed
    by_file = {f.file: f for f in result.findings}
    assert set(by_file) == {"pkg/bad.py", "bad.json", "bad.toml", "bad.yml"}
    assert by_file["pkg/bad.py"].line == 2
    assert by_file["pkg/bad.py"].message.startswith("SyntaxError")
    assert by_file["bad.json"].line == 3
    assert by_file["bad.toml"].line == 2
    assert all(f.severity == "high" for f in result.findings)


def test_virtualenv_and_caches_are_not_checked(tmp_path: Path) -> None:
    _write(tmp_path, {".venv/lib/broken.py": "def (:\n", "node_modules/x.json": "{"})
    assert check_syntax(tmp_path).passed
