"""Stubs left behind in generated code: empty bodies, NotImplementedError, TODO/FIXME comments.

Bodies that are empty by design are not stubs: Protocol members, ``@overload`` variants,
``@abstractmethod``s and everything in ``.pyi`` stub files.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from functools import partial

from codeguild.quality.findings import Finding

_DESIGNED_EMPTY = frozenset({"overload", "abstractmethod", "abstractproperty"})
_TODO = re.compile(r"\b(TODO|FIXME|XXX)\b")

_stub = partial(Finding, check="consistency", severity="medium")


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _stub_kind(body: list[ast.stmt]) -> str | None:
    """'pass', 'ellipsis' or 'not-implemented' when the body does nothing else.

    A docstring alone is not a stub: framework hooks (a typer callback, a pytest fixture that
    only registers) document themselves and need no code.
    """
    statements = list(body)
    has_doc = bool(
        statements
        and isinstance(statements[0], ast.Expr)
        and isinstance(statements[0].value, ast.Constant)
        and isinstance(statements[0].value.value, str)
    )
    if has_doc:
        statements = statements[1:]
    if len(statements) != 1:
        return None
    only = statements[0]
    if isinstance(only, ast.Pass):
        return "pass"
    if isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant):
        return "ellipsis" if only.value.value is Ellipsis else None
    if isinstance(only, ast.Raise) and only.exc is not None:
        return "not-implemented" if _name(only.exc) == "NotImplementedError" else None
    return None


_MESSAGES = {
    "pass": "has only `pass` as its body",
    "ellipsis": "has only `...` as its body",
    "not-implemented": "only raises NotImplementedError",
}


class _StubVisitor(ast.NodeVisitor):
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.findings: list[Finding] = []
        self.exempt_class: list[bool] = [False]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = {_name(b) for b in node.bases}
        designed = bool(bases & {"Protocol", "ABC", "TypedDict"}) or any(
            _name(k.value) == "ABCMeta" for k in node.keywords
        )
        self.exempt_class.append(designed)
        self.generic_visit(node)
        self.exempt_class.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        decorators = {_name(d) for d in node.decorator_list}
        kind = _stub_kind(node.body)
        if kind and not self.exempt_class[-1] and not decorators & _DESIGNED_EMPTY:
            self.findings.append(
                _stub(
                    file=self.rel,
                    line=node.lineno,
                    rule="stub",
                    message=f"{node.name}() {_MESSAGES[kind]}",
                    fix_hint="Implement it, or delete it and its callers if it is not needed.",
                )
            )
        # A nested function is judged on its own, outside any class exemption.
        self.exempt_class.append(False)
        self.generic_visit(node)
        self.exempt_class.pop()

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.visit_FunctionDef(node)


def _todo_findings(source: str, rel: str) -> list[Finding]:
    findings: list[Finding] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return findings
    for token in tokens:
        if token.type == tokenize.COMMENT and (match := _TODO.search(token.string)):
            findings.append(
                _stub(
                    file=rel,
                    line=token.start[0],
                    rule="todo-comment",
                    message=f"{match.group(1)} left in the code: {token.string.strip()[:120]}",
                    fix_hint="Do the work the comment asks for, or remove the comment.",
                )
            )
    return findings


def stub_findings(tree: ast.Module, source: str, rel: str) -> list[Finding]:
    """Stub bodies (from the AST) and TODO/FIXME/XXX comments (from the source's tokens)."""
    if rel.endswith(".pyi"):
        return []
    visitor = _StubVisitor(rel)
    visitor.visit(tree)
    return visitor.findings + _todo_findings(source, rel)
