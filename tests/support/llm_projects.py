"""A scripted "model" that plans and writes a tiny arithmetic library for any requirement.

It reads the task header of each prompt (``## task: plan`` / ``write <path>`` / ``fix <path>`` /
``review``) and the package name, so the same script serves any project name. With
``buggy=True`` its first ``calc.py`` multiplies wrongly and only a fix request gets the right
code; a review answers one low-severity remark on ``calc.py`` line 1 unless told otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from support.scripted_llm import Reply

_TASK = re.compile(r"^## task: (\w+)(?: (\S+))?", re.M)
_PACKAGE = re.compile(r"Python package `(\w+)`")

INIT = '''"""{pkg}: small arithmetic helpers."""

from {pkg}.calc import add, mul

__all__ = ["add", "mul"]
'''

CALC = '''"""Adding and multiplying integers."""


def add(a: int, b: int) -> int:
    """Return the sum of a and b."""
    return a + b


def mul(a: int, b: int) -> int:
    """Return the product of a and b."""
    return {product}
'''

TESTS = '''"""Tests of the arithmetic helpers."""

from {pkg}.calc import add, mul


def test_add() -> None:
    assert add(2, 3) == 5


def test_mul() -> None:
    assert mul(2, 3) == 6
'''

README = """# {pkg}

Small arithmetic helpers.

```python
from {pkg} import add, mul

add(2, 3)  # 5
mul(2, 3)  # 6
```

Run the tests with `pytest`.
"""


def review_finding(pkg: str, **overrides: Any) -> dict[str, Any]:
    """A plausible model review remark: low severity, on the first line of calc.py."""
    finding: dict[str, Any] = {
        "file": f"{pkg}/calc.py",
        "line": 1,
        "severity": "low",
        "rule": "terse-module-name",
        "message": "The module name calc is terse for a public arithmetic module.",
        "fix_hint": "Consider a fuller name such as arithmetic.",
    }
    finding.update(overrides)
    return finding


def plan(pkg: str) -> dict[str, Any]:
    return {
        "components": [
            {
                "name": "calc",
                "kind": "code",
                "files": [f"{pkg}/calc.py"],
                "description": "add and mul",
            },
            {
                "name": "core",
                "kind": "code",
                "files": [f"{pkg}/__init__.py"],
                "needs": ["calc"],
                "description": "re-exports",
            },
            {
                "name": "tests_calc",
                "kind": "tests",
                "files": ["tests/test_calc.py"],
                "needs": ["calc"],
            },
            {"name": "docs", "kind": "docs", "files": ["README.md"], "needs": ["core"]},
        ],
        "dependencies": [],
    }


class TinyLibraryModel:
    """Callable as a ScriptedLLM ``default``: answers plan, write, fix and review tasks.

    ``review`` builds the review answer's findings from the package name (default: one
    ``review_finding``); ``reviews`` counts the review requests it answered.
    """

    #: what a model that never gets it right answers, fix after fix
    WRONG = ("a + b", "a - b", "a**b", "a // b")

    def __init__(
        self,
        *,
        buggy: bool = False,
        always_buggy: bool = False,
        review: Callable[[str], list[dict[str, Any]]] | None = None,
    ) -> None:
        self.buggy = buggy or always_buggy
        self.always_buggy = always_buggy
        self.review = review or (lambda pkg: [review_finding(pkg)])
        self.fixes = 0
        self.reviews = 0

    def files(self, pkg: str, *, fixed: bool) -> dict[str, str]:
        if self.always_buggy:
            product = self.WRONG[self.fixes % len(self.WRONG)]
        else:
            product = "a + b" if self.buggy and not fixed else "a * b"
        return {
            f"{pkg}/__init__.py": INIT.format(pkg=pkg),
            f"{pkg}/calc.py": CALC.format(product=product),
            "tests/test_calc.py": TESTS.format(pkg=pkg),
            "README.md": README.format(pkg=pkg),
        }

    def __call__(self, body: dict[str, Any]) -> Reply:
        users = [m for m in body["messages"] if m["role"] == "user"]
        first = str(users[0]["content"])
        task = _TASK.search(first)
        if task is not None and task.group(1) == "intent":
            return Reply(intent_draft())
        package = _PACKAGE.search(first)
        if task is None or package is None:
            return Reply("I do not understand the task.", status=200)
        pkg, kind, path = package.group(1), task.group(1), task.group(2) or ""
        if kind == "plan":
            return Reply.json(plan(pkg))
        if kind == "review":
            self.reviews += 1
            return Reply.json({"findings": self.review(pkg)})
        if kind == "fix":
            self.fixes += 1
        files = self.files(pkg, fixed=kind == "fix")
        text = files.get(path)
        if text is None:
            return Reply(f"no scripted content for {path}", status=200)
        return Reply(f"```{'python' if path.endswith('.py') else 'markdown'}\n{text}```")


def intent_draft(**overrides: Any) -> str:
    draft: dict[str, Any] = {
        "project_type": "library",
        "summary": "Small arithmetic helpers.",
        "features": [
            {
                "name": "arithmetic",
                "acceptance_criteria": ["add(2, 3) returns 5", "mul(2, 3) returns 6"],
            }
        ],
        "commands": [{"name": "add"}, {"name": "mul"}],
        "assumptions": ["Integers only."],
    }
    draft.update(overrides)
    return json.dumps(draft)
