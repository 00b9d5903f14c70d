"""Reading generated files: the code of an answer, and the signatures other prompts need."""

from __future__ import annotations

import ast

from codeguild import pyast
from codeguild.engines.llm.answers import strip_fences

_MAX_SIGNATURE_CHARS = 3000


def file_text(answer: str, path: str) -> str:
    """The file content of a model answer; Python must parse. Raises ValueError otherwise."""
    text = strip_fences(answer).strip("\n")
    if not text.strip() and not path.endswith("__init__.py") and not path.endswith("py.typed"):
        raise ValueError(f"the answer for {path} is empty")
    if path.endswith(".py"):
        try:
            pyast.parse(text, filename=path)
        except SyntaxError as exc:
            raise ValueError(f"{path} is not valid Python: line {exc.lineno}: {exc.msg}") from None
    return text + "\n" if text else ""


def signatures(path: str, text: str) -> str:
    """Imports, constants, classes and function signatures with first docstring lines.

    This is what another file needs to use the module, at a fraction of its tokens.
    """
    if not path.endswith(".py"):
        return text[:_MAX_SIGNATURE_CHARS]
    try:
        tree = pyast.parse(text)
    except SyntaxError:
        return text[:_MAX_SIGNATURE_CHARS]
    lines: list[str] = []
    for node in tree.body:
        lines.extend(_describe(node, ""))
    out = "\n".join(lines)
    return out if len(out) <= _MAX_SIGNATURE_CHARS else out[:_MAX_SIGNATURE_CHARS] + "\n# ..."


def _describe(node: ast.stmt, indent: str) -> list[str]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [indent + ast.unparse(node)]
    if isinstance(node, ast.Assign | ast.AnnAssign) and not indent:
        return [indent + ast.unparse(node)[:200]]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if node.name.startswith("_") and node.name != "__init__":
            return []
        header = ast.unparse(node).split("\n", 1)[0]
        return [indent + header, *_doc(node, indent + "    "), indent + "    ..."]
    if isinstance(node, ast.ClassDef):
        out = [indent + ast.unparse(node).split("\n", 1)[0], *_doc(node, indent + "    ")]
        for child in node.body:
            if isinstance(child, ast.AnnAssign):
                out.append(indent + "    " + ast.unparse(child))
            else:
                out.extend(_describe(child, indent + "    "))
        return out
    return []


def _doc(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, indent: str) -> list[str]:
    doc = ast.get_docstring(node)
    return [f'{indent}"""{doc.strip().splitlines()[0]}"""'] if doc else []
