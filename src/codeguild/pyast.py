"""Parsing Python source safely from several threads at once.

CPython 3.11 keeps the AST converter's recursion depth in interpreter-wide state, so two
threads turning source into ``ast`` objects at the same moment can fail with "SystemError: AST
constructor recursion depth mismatch". Every parse in codeguild (and every third-party call that
parses, such as radon's) goes through this one lock; parsing is CPU-bound under the GIL anyway.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.RLock()


def parse(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    with _LOCK:
        return ast.parse(source, filename=filename)


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the parse lock around a third-party call that builds ASTs itself."""
    with _LOCK:
        yield
