"""Cross-file consistency on small projects written to a temp dir."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from codeguild.quality.consistency import call_mismatch, consistency


def _project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _found(root: Path) -> set[tuple[str, str, int | None]]:
    return {(f.rule, f.file, f.line) for f in consistency(root).findings}


SIG = "def f(a, b=1, /, c=2, *, d, e=3): ...\n"


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        ("f(1, d=1)", None),
        ("f(1, 2, 3, d=4, e=5)", None),
        ("f(*xs)", None),
        ("f(1, **kw)", None),
        ("f(d=1)", "missing required argument(s): a"),
        ("f(1)", "missing required argument(s): d"),
        ("f(1, 2, 3, 4, d=1)", "takes at most 3 positional argument(s), 4 given"),
        ("f(1, b=2, d=1)", "got an unexpected keyword argument 'b'"),
        ("f(1, 2, 3, c=1, d=1)", "got multiple values for argument 'c'"),
    ],
)
def test_call_mismatch(call: str, problem: str | None) -> None:
    func = ast.parse(SIG).body[0]
    assert isinstance(func, ast.FunctionDef)
    expr = ast.parse(call).body[0]
    assert isinstance(expr, ast.Expr) and isinstance(expr.value, ast.Call)
    assert call_mismatch(func.args, expr.value) == problem


def test_src_layout_relative_imports_and_reexports_resolve(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "src/pkg/__init__.py": "from .core import make\n__all__ = ['make']\n",
            "src/pkg/core.py": "class Thing:\n    def __init__(self, size: int) -> None:\n"
            "        self.size = size\n\n\ndef make(size: int) -> Thing:\n    return Thing(size)\n",
            "tests/test_pkg.py": "import pkg.core as core\nfrom pkg import make\n\n\n"
            "def test_make() -> None:\n    assert make(3).size == core.Thing(size=3).size\n",
        },
    )
    assert _found(root) == set()


def test_broken_references_are_found(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/core.py": "class Thing:\n    def __init__(self, size):\n"
            "        self.size = size\n",
            "app/main.py": "from app import core\nfrom app.core import Thing, Missing\n"
            "from .nowhere import x\nimport app.gone\n\n\n"
            "def run():\n    core.absent()\n    return Thing(1, 2)\n",
        },
    )
    assert _found(root) == {
        ("unresolved-name", "app/main.py", 2),
        ("unresolved-import", "app/main.py", 3),
        ("unresolved-import", "app/main.py", 4),
        ("unresolved-name", "app/main.py", 8),
        ("signature-mismatch", "app/main.py", 9),
    }


def test_unknowable_shapes_are_skipped_not_guessed(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "lib/__init__.py": "from lib.impl import *\n",
            "lib/impl.py": "import functools\n\n\ndef deco(fn):\n    return fn\n\n\n"
            "@deco\ndef wrapped(a):\n    return a\n\n\n"
            "@functools.lru_cache\ndef cached(a):\n    return a\n\n\n"
            "def __getattr__(name):\n    return name\n",
            "lib/use.py": "from lib import anything\n"
            "from lib.impl import wrapped, cached, dyn\n\n\n"
            "def go(wrapped_value):\n    cached = 1\n    return wrapped(1, 2, 3), cached\n",
        },
    )
    assert _found(root) == set()


def test_stubs_are_found_but_designed_empty_bodies_are_not(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "m.py": "from abc import ABC, abstractmethod\n"
            "from typing import Protocol, overload\n\n\n"
            "class P(Protocol):\n    def run(self) -> None: ...\n\n\n"
            "class Base(ABC):\n    @abstractmethod\n    def go(self) -> None:\n"
            "        raise NotImplementedError\n\n\n"
            "@overload\ndef f(x: int) -> int: ...\n@overload\ndef f(x: str) -> str: ...\n"
            "def f(x):\n    return x\n\n\n"
            'def hook() -> None:\n    """Documented no-op."""\n\n\n'
            "def todo():\n    pass\n\n\n"
            'def later():\n    """Soon."""\n    raise NotImplementedError(\'later\')\n\n\n'
            "def dots():\n    ...\n\n\n"
            "NAME = 'TODO_LIST'  # FIXME: rename\n",
        },
    )
    assert {(rule, line) for rule, _file, line in _found(root)} == {
        ("stub", 27),  # todo(): pass
        ("stub", 31),  # later(): NotImplementedError
        ("stub", 36),  # dots(): ...
        ("todo-comment", 40),
    }
