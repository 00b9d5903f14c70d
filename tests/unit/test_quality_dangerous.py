"""Dangerous calls found by the AST pass, each with its OWASP category; safe forms pass."""

from __future__ import annotations

import pytest

from codeguild.quality.dangerous import scan_source
from codeguild.quality.owasp import bandit_owasp


def _rules(source: str, rel: str = "app/mod.py") -> list[tuple[str, str | None, str]]:
    return [(f.rule, f.owasp, f.severity) for f in scan_source(source, rel)]


@pytest.mark.parametrize(
    ("source", "rule", "owasp"),
    [
        ("eval(text)", "dangerous-eval", "A03"),
        ("import builtins\nbuiltins.exec(code)", "dangerous-eval", "A03"),
        ("import subprocess\nsubprocess.run(cmd, shell=True)", "shell-command", "A03"),
        ("from os import system\nsystem('ls ' + d)", "shell-command", "A03"),
        ("import pickle\npickle.loads(blob)", "unsafe-deserialization", "A08"),
        ("import marshal as m\nm.loads(blob)", "unsafe-deserialization", "A08"),
        ("import yaml\nyaml.load(text)", "unsafe-deserialization", "A08"),
        ("import yaml\nyaml.load(text, Loader=yaml.Loader)", "unsafe-deserialization", "A08"),
        ("cur.execute(f'SELECT * FROM t WHERE id = {i}')", "sql-string-building", "A03"),
        ("cur.execute('DELETE FROM t WHERE n = %s' % n)", "sql-string-building", "A03"),
        ("cur.execute('SELECT * FROM ' + table)", "sql-string-building", "A03"),
        (
            "def f(c, n):\n    q = 'SELECT {}'.format(n)\n    c.execute(q)",
            "sql-string-building",
            "A03",
        ),
        (
            "from sqlalchemy import text\ntext(f'SELECT a FROM b WHERE c = {c}')",
            "sql-string-building",
            "A03",
        ),
    ],
)
def test_dangerous_call_is_found_with_its_category(source: str, rule: str, owasp: str) -> None:
    [(found, category, severity)] = _rules(source)
    assert found == rule
    assert category is not None and category.startswith(owasp)
    assert severity in ("medium", "high")


@pytest.mark.parametrize(
    "source",
    [
        "import yaml\nyaml.safe_load(text)",
        "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)",
        "import subprocess\nsubprocess.run(['ls', d], shell=False, check=True)",
        "cur.execute('SELECT * FROM t WHERE id = ?', (i,))",
        "from sqlalchemy import text\ntext('SELECT a FROM b WHERE c = :c')",
        "import ast\nast.literal_eval(text)",
        "label = f'name {x}'\nprint(label)",
        "def f(c, n):\n    q = 'SELECT {}'.format(n)\n    q = 'SELECT 1'\n    c.execute(q)",
    ],
)
def test_safe_forms_are_not_findings(source: str) -> None:
    assert _rules(source) == []


def test_findings_in_tests_are_low_severity() -> None:
    assert _rules("eval('1 + 1')", "tests/test_x.py") == [
        ("dangerous-eval", _rules("eval(x)")[0][1], "low")
    ]


def test_unparseable_source_is_left_to_the_syntax_check() -> None:
    assert scan_source("def broken(:\n", "x.py") == []


@pytest.mark.parametrize(
    ("test_id", "category"),
    [
        ("B105", "A07"),
        ("B106", "A07"),
        ("B107", "A07"),
        ("B602", "A03"),
        ("B605", "A03"),
        ("B608", "A03"),
        ("B301", "A08"),
        ("B403", "A08"),
        ("B501", "A02"),
        ("B505", "A02"),
        ("B104", "A05"),
    ],
)
def test_bandit_ids_map_to_owasp(test_id: str, category: str) -> None:
    assert (bandit_owasp(test_id) or "").startswith(category)


def test_unknown_bandit_id_maps_to_none() -> None:
    assert bandit_owasp("B999") is None
