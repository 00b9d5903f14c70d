"""Cross-file consistency: imports between the project's own modules resolve, calls to project
functions match their signatures, and no stub is left behind.

Static and conservative: anything whose shape cannot be known from the AST (decorated functions,
``*args``/``**kwargs`` at a call, star imports, module ``__getattr__``) is skipped, never guessed.
"""

from __future__ import annotations

import ast
import time
from functools import partial
from pathlib import Path

from codeguild.quality.findings import SEVERITY_RANK, CheckResult, Finding
from codeguild.quality.modules import ModuleInfo, ProjectIndex, build_index, resolve_relative
from codeguild.quality.stubs import stub_findings

#: decorators that keep the wrapped function's signature
_TRANSPARENT_DECORATORS = frozenset({"cache", "lru_cache", "wraps", "staticmethod"})
_MAX_REEXPORT_DEPTH = 8

_finding = partial(Finding, check="consistency", severity="high")


class _Resolver:
    """Looks names up across modules, following re-exports (``from .a import f``)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index

    def module_for(self, importer: ModuleInfo, name: str) -> ModuleInfo | None:
        found = self.index.get(name)
        if found is None and "/" in importer.rel:
            # Script-style import of a sibling (tests/ without __init__.py, run from its folder).
            folder = importer.rel.rsplit("/", 1)[0].replace("/", ".")
            found = self.index.get(f"{folder}.{name}")
        return found

    def targets_project(self, name: str) -> bool:
        return name.split(".")[0] in self.index.top_level

    def definition(self, module: ModuleInfo, name: str, depth: int = 0) -> ast.AST | None:
        """The node defining ``module.name`` after following re-exports; None if unknown."""
        if depth > _MAX_REEXPORT_DEPTH:
            return None
        if name in module.imported:
            source, original = module.imported[name]
            target = self.module_for(module, source)
            if target is not None:
                return self.definition(target, original, depth + 1)
            return None  # imported from outside the project
        return module.symbols.get(name)

    def exists(self, module: ModuleInfo, name: str) -> bool:
        return (
            module.open_namespace
            or name in module.symbols
            or self.index.has_submodule(module, name)
        )


def _import_findings(info: ModuleInfo, resolver: _Resolver) -> list[Finding]:
    findings: list[Finding] = []
    for node in ast.walk(info.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if resolver.targets_project(alias.name) and not resolver.module_for(
                    info, alias.name
                ):
                    findings.append(_missing_module(info, node, alias.name))
        elif isinstance(node, ast.ImportFrom):
            findings.extend(_from_import_findings(info, node, resolver))
    return findings


def _missing_module(info: ModuleInfo, node: ast.stmt, name: str) -> Finding:
    return _finding(
        file=info.rel,
        line=node.lineno,
        rule="unresolved-import",
        message=f"imports {name}, but the project has no such module",
        fix_hint=f"Create {name.replace('.', '/')}.py or fix the module path.",
    )


def _from_import_findings(
    info: ModuleInfo, node: ast.ImportFrom, resolver: _Resolver
) -> list[Finding]:
    source = resolve_relative(info, node.level, node.module)
    if source is None:
        if node.level == 0:
            return []
        shown = "." * node.level + (node.module or "")
        return [_missing_module(info, node, shown)]
    if node.level == 0 and not resolver.targets_project(source):
        return []  # stdlib or third party: not ours to resolve
    module = resolver.module_for(info, source)
    if module is None:
        if node.level == 0 and resolver.index.get(source.split(".")[0]) is None:
            return []  # a top-level name shared with an outside package, not clearly ours
        return [_missing_module(info, node, source)]
    return [
        _finding(
            file=info.rel,
            line=node.lineno,
            rule="unresolved-name",
            message=f"imports {alias.name} from {source}, which does not define it",
            fix_hint=f"Define {alias.name} in {module.rel} or import it from where it lives.",
        )
        for alias in node.names
        if alias.name != "*" and not resolver.exists(module, alias.name)
    ]


def _plain_signature(node: ast.AST) -> ast.arguments | None:
    """The arguments a call binds to, when they are knowable statically."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if all(_decorator_name(d) in _TRANSPARENT_DECORATORS for d in node.decorator_list):
            return node.args
        return None
    if isinstance(node, ast.ClassDef) and not node.decorator_list and not node.keywords:
        init = next(
            (
                n
                for n in node.body
                if isinstance(n, ast.FunctionDef) and n.name == "__init__" and not n.decorator_list
            ),
            None,
        )
        if init is None or any(
            isinstance(n, ast.FunctionDef) and n.name == "__new__" for n in node.body
        ):
            return None
        args = init.args
        bound = args.posonlyargs or args.args
        if not bound:
            return None
        # `self` is bound by the call itself.
        if args.posonlyargs:
            return ast.arguments(args.posonlyargs[1:], args.args, args.vararg, args.kwonlyargs,
                                 args.kw_defaults, args.kwarg, args.defaults)  # fmt: skip
        return ast.arguments(
            [], args.args[1:], args.vararg, args.kwonlyargs, args.kw_defaults, args.kwarg,
            args.defaults,
        )  # fmt: skip
    return None


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def call_mismatch(args: ast.arguments, call: ast.Call) -> str | None:
    """Why ``call`` cannot bind to ``args``, or None when it can (or cannot be judged)."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    positional = [*args.posonlyargs, *args.args]
    if len(call.args) > len(positional) and args.vararg is None:
        return f"takes at most {len(positional)} positional argument(s), {len(call.args)} given"
    filled = {a.arg for a in positional[: len(call.args)]}
    keyword_ok = {a.arg for a in args.args} | {a.arg for a in args.kwonlyargs}
    for kw in call.keywords:
        name = str(kw.arg)
        if name in filled:
            return f"got multiple values for argument {name!r}"
        if name not in keyword_ok and args.kwarg is None:
            return f"got an unexpected keyword argument {name!r}"
        filled.add(name)
    first_default = len(positional) - len(args.defaults)
    required = [a.arg for a in positional[:first_default]]
    required += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    missing = [name for name in required if name not in filled]
    if missing:
        return f"missing required argument(s): {', '.join(missing)}"
    return None


def _callee(info: ModuleInfo, func: ast.expr, resolver: _Resolver) -> tuple[str, ast.AST] | None:
    """(shown name, defining node) of a called project symbol: ``f(...)`` or ``mod.f(...)``."""
    if isinstance(func, ast.Name):
        node = resolver.definition(info, func.id)
        return (func.id, node) if node is not None else None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        binding = info.symbols.get(func.value.id)
        module = _bound_module(info, func.value.id, binding, resolver)
        if module is None:
            return None
        node = resolver.definition(module, func.attr)
        if node is None and not resolver.exists(module, func.attr):
            return (f"{module.name}.{func.attr}", ast.Pass())  # marks a missing attribute
        return (f"{module.name}.{func.attr}", node) if node is not None else None
    return None


def _bound_module(
    info: ModuleInfo, local: str, binding: ast.AST | None, resolver: _Resolver
) -> ModuleInfo | None:
    if isinstance(binding, ast.Import):
        for alias in binding.names:
            if alias.asname == local and resolver.targets_project(alias.name):
                return resolver.module_for(info, alias.name)
        return None
    if isinstance(binding, ast.ImportFrom) and local in info.imported:
        source, original = info.imported[local]
        parent = resolver.module_for(info, source)
        if parent is not None and resolver.index.has_submodule(parent, original):
            return resolver.index.get(f"{parent.name}.{original}")
    return None


def _shadowed_names(tree: ast.Module) -> set[str]:
    """Names rebound inside functions or classes: a call to them may not mean the module's."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            every = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            every += [a for a in (node.args.vararg, node.args.kwarg) if a is not None]
            names.update(a.arg for a in every)
            if not isinstance(node, ast.Lambda):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                        names.add(inner.id)
    return names


def _call_findings(info: ModuleInfo, resolver: _Resolver) -> list[Finding]:
    findings: list[Finding] = []
    shadowed = _shadowed_names(info.tree)
    for node in ast.walk(info.tree):
        if not isinstance(node, ast.Call):
            continue
        head = node.func.value if isinstance(node.func, ast.Attribute) else node.func
        if isinstance(head, ast.Name) and head.id in shadowed:
            continue
        callee = _callee(info, node.func, resolver)
        if callee is None:
            continue
        name, definition = callee
        if isinstance(definition, ast.Pass):
            findings.append(
                _finding(
                    file=info.rel,
                    line=node.lineno,
                    rule="unresolved-name",
                    message=f"calls {name}, which is not defined",
                    fix_hint="Define it in that module or call the function that exists.",
                )
            )
            continue
        args = _plain_signature(definition)
        problem = call_mismatch(args, node) if args is not None else None
        if problem:
            findings.append(
                _finding(
                    file=info.rel,
                    line=node.lineno,
                    rule="signature-mismatch",
                    message=f"call to {name}(): {problem}",
                    fix_hint=f"Match the definition of {name} (line {definition.lineno}).",  # type: ignore[attr-defined]
                )
            )
    return findings


def consistency(root: Path) -> CheckResult:
    """Imports, call signatures and stubs across the project's own modules."""
    started = time.perf_counter()
    index = build_index(root)
    resolver = _Resolver(index)
    findings: list[Finding] = []
    for info in index.files:
        findings += _import_findings(info, resolver)
        findings += _call_findings(info, resolver)
        findings += stub_findings(info.tree, info.source, info.rel)
    findings.sort(key=lambda f: (f.file, f.line or 0, f.rule))
    rules = {r: float(sum(1 for f in findings if f.rule == r)) for r in {f.rule for f in findings}}
    return CheckResult(
        check="consistency",
        passed=all(SEVERITY_RANK[f.severity] < SEVERITY_RANK["medium"] for f in findings),
        findings=findings,
        metrics={"modules": float(len(index.files)), **rules},
        duration_s=time.perf_counter() - started,
    )
