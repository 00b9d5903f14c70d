"""An index of a project's own Python modules: names, the symbols each defines, its imports.

Built from the AST only (nothing is imported or run). A module is known under its dotted name
relative to the project root and, for src layouts, relative to ``src/``.
"""

from __future__ import annotations

import ast
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from codeguild import pyast
from codeguild.quality.syntax import project_files, relpath

log = logging.getLogger(__name__)


@dataclass
class ModuleInfo:
    """One parsed module of the project."""

    name: str
    rel: str
    tree: ast.Module
    source: str
    is_package: bool
    #: top-level name -> the defining node (FunctionDef, ClassDef, Assign, Import, ...)
    symbols: dict[str, ast.AST] = field(default_factory=dict)
    #: names this module re-exports from other modules: name -> (module, original name)
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: a star import or a module ``__getattr__`` makes any attribute plausible
    open_namespace: bool = False

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def _module_names(rel: str, prefix: str) -> list[str]:
    parts = [prefix, *rel[: -len(".py")].split("/")] if prefix else rel[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    names = [".".join(parts)] if parts else []
    if len(parts) > 1 and parts[0] == "src":
        names.append(".".join(parts[1:]))
    return [n for n in names if n and all(p.isidentifier() for p in n.split("."))]


def resolve_relative(module: ModuleInfo, level: int, target: str | None) -> str | None:
    """The absolute module name of ``from <level dots><target> import ...`` inside ``module``."""
    if level == 0:
        return target
    base = module.package.split(".") if module.package else []
    if level - 1 > len(base):
        return None
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base) or None


def _bind_targets(target: ast.expr, node: ast.AST, symbols: dict[str, ast.AST]) -> None:
    if isinstance(target, ast.Name):
        symbols[target.id] = node
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            _bind_targets(element, node, symbols)
    elif isinstance(target, ast.Starred):
        _bind_targets(target.value, node, symbols)


def _collect(info: ModuleInfo, body: list[ast.stmt]) -> None:
    """Top-level bindings, looking into if/try/with blocks (conditional definitions count)."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            info.symbols[node.name] = node
            if node.name == "__getattr__" and not isinstance(node, ast.ClassDef):
                info.open_namespace = True
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                _bind_targets(target, node, info.symbols)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            _bind_targets(node.target, node, info.symbols)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                info.symbols[alias.asname or alias.name.split(".")[0]] = node
        elif isinstance(node, ast.ImportFrom):
            source = resolve_relative(info, node.level, node.module)
            for alias in node.names:
                if alias.name == "*":
                    info.open_namespace = True
                    continue
                local = alias.asname or alias.name
                info.symbols[local] = node
                if source is not None:
                    info.imported[local] = (source, alias.name)
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            for block in ("body", "orelse", "finalbody"):
                _collect(info, getattr(node, block, []))
            for handler in getattr(node, "handlers", []):
                _collect(info, handler.body)


@dataclass
class ProjectIndex:
    """Every parseable module of a project, by each dotted name it can be imported as."""

    root: Path
    modules: dict[str, ModuleInfo] = field(default_factory=dict)
    files: list[ModuleInfo] = field(default_factory=list)

    @property
    def top_level(self) -> set[str]:
        # A project module named like a stdlib one (abc.py) is not what `import abc` means in
        # an installed package; leaving those out avoids flagging every stdlib import.
        return {name.split(".")[0] for name in self.modules} - set(sys.stdlib_module_names)

    def get(self, name: str | None) -> ModuleInfo | None:
        return self.modules.get(name) if name else None

    def has_submodule(self, module: ModuleInfo, name: str) -> bool:
        return module.is_package and f"{module.name}.{name}" in self.modules


def build_index(root: Path) -> ProjectIndex:
    """Parse every ``.py`` file under ``root``; files that do not parse are left out."""
    index = ProjectIndex(root)
    # A root that is itself a package: its modules are imported as `<root name>.<module>`.
    prefix = root.resolve().name if (root / "__init__.py").is_file() else ""
    for path in project_files(root, {".py"}):
        rel = relpath(path, root)
        names = _module_names(rel, prefix)
        try:
            source = path.read_text(encoding="utf-8")
            tree = pyast.parse(source, filename=rel)
        except (SyntaxError, UnicodeDecodeError, OSError, ValueError) as exc:
            log.info("check=consistency file=%s skipped=%s", rel, type(exc).__name__)
            continue
        if not names:
            continue
        is_package = path.name == "__init__.py"
        for name in names:
            info = ModuleInfo(name, rel, tree, source, is_package)
            _collect(info, tree.body)
            index.modules.setdefault(name, info)
        index.files.append(index.modules[names[0]])
    return index
