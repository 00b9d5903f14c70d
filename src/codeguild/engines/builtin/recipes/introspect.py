"""Read generated sources (pure: parsing text) to document exactly what they define."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from codeguild import pyast


@dataclass(frozen=True)
class PublicName:
    """A public function or class of a generated module, with its signature and docstring."""

    module: str
    name: str
    kind: str  # "function" or "class"
    signature: str
    doc: str


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    return f"{node.name}({ast.unparse(node.args)}){returns}"


def _class_signature(node: ast.ClassDef) -> str:
    bases = ", ".join(ast.unparse(b) for b in node.bases)
    return f"class {node.name}({bases})" if bases else f"class {node.name}"


def public_names(module: str, source: str) -> list[PublicName]:
    """Top-level public functions and classes of ``source``, in definition order."""
    found: list[PublicName] = []
    for node in pyast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith(
            "_"
        ):
            doc = ast.get_docstring(node) or ""
            found.append(PublicName(module, node.name, "function", _signature(node), doc))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            doc = ast.get_docstring(node) or ""
            found.append(PublicName(module, node.name, "class", _class_signature(node), doc))
    return found


def methods_of(source: str, class_name: str) -> list[PublicName]:
    """Public methods of one class of ``source`` (``__init__`` excluded)."""
    for node in pyast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return [
                PublicName(class_name, n.name, "method", _signature(n), ast.get_docstring(n) or "")
                for n in node.body
                if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
            ]
    return []


def first_paragraph(doc: str) -> str:
    """The first paragraph of a docstring on one line."""
    return " ".join(doc.split("\n\n", 1)[0].split())


def registered_commands(source: str) -> list[tuple[str, str]]:
    """(command name, first docstring line) for each ``app.command("x")(func)`` in register()."""
    docs = {
        n.name: first_paragraph(ast.get_docstring(n) or "")
        for n in pyast.parse(source).body
        if isinstance(n, ast.FunctionDef)
    }
    commands = []
    for node in ast.walk(pyast.parse(source)):
        registered = _registration(node)
        if registered is not None:
            commands.append((registered[0], docs.get(registered[1], "")))
    return commands


def _registration(node: ast.AST) -> tuple[str, str] | None:
    """(command name, function name) if ``node`` is ``app.command("name")(function)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Call)):
        return None
    inner = node.func
    if not (isinstance(inner.func, ast.Attribute) and inner.func.attr == "command"):
        return None
    if not (inner.args and isinstance(inner.args[0], ast.Constant)):
        return None
    if not (node.args and isinstance(node.args[0], ast.Name)):
        return None
    return str(inner.args[0].value), node.args[0].id
