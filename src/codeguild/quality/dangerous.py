"""Dangerous calls in generated code, found by walking the AST (no import, no execution).

Each finding carries its OWASP Top 10 (2021) category. Calls in test files are reported at low
severity: tests may exercise a dangerous path on purpose, shipped code may not.
"""

from __future__ import annotations

import ast
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

from codeguild import pyast
from codeguild.quality.findings import CheckResult, Finding, Severity
from codeguild.quality.owasp import A03, A08
from codeguild.quality.security import is_test_file, severity_result
from codeguild.quality.syntax import project_files, relpath

log = logging.getLogger(__name__)

_SHELL_CALLS = frozenset(
    {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"}
)
_CODE_CALLS = frozenset({"eval", "exec", "builtins.eval", "builtins.exec"})
_DESERIALIZERS = frozenset(
    {
        "pickle.load",
        "pickle.loads",
        "pickle.Unpickler",
        "cPickle.load",
        "cPickle.loads",
        "dill.load",
        "dill.loads",
        "marshal.load",
        "marshal.loads",
        "shelve.open",
        "yaml.unsafe_load",
        "yaml.unsafe_load_all",
    }
)
_YAML_LOADS = frozenset({"yaml.load", "yaml.load_all"})
_SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_SQL_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql"})
_SQL_WORDS = re.compile(
    r"(?i)\b(select|insert\s+into|update|delete\s+from|where|drop\s+table|create\s+table|values)\b"
)


@dataclass(frozen=True)
class _Rule:
    rule: str
    severity: Severity
    owasp: str
    message: str
    fix_hint: str


_EVAL = _Rule(
    "dangerous-eval",
    "high",
    A03,
    "{name}() runs arbitrary code",
    "Parse the input (json.loads, ast.literal_eval) or dispatch on a fixed table instead.",
)
_SHELL = _Rule(
    "shell-command",
    "high",
    A03,
    "{name} runs its argument through a shell",
    "Call subprocess.run([...]) with an argument list and shell=False.",
)
_DESERIALIZE = _Rule(
    "unsafe-deserialization",
    "medium",
    A08,
    "{name} can execute code embedded in the data it reads",
    "Use json (or yaml.safe_load) for data that crosses a trust boundary.",
)
_SQL = _Rule(
    "sql-string-building",
    "high",
    A03,
    "SQL passed to {name}() is built from strings at run time",
    "Use bound parameters (execute(sql, params) or sqlalchemy.text(...).bindparams()).",
)


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> qualified name for the module's imports (``from os import system``)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(aliases.get(node.id, node.id))
    return ".".join(reversed(parts))


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value)


def _constant_text(node: ast.expr) -> str:
    return " ".join(
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


def _is_str_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_built_string(node: ast.expr) -> bool:
    """An f-string with values, ``"..." % x``, ``"..." + x`` or ``"...".format(x)``."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return any(
            (isinstance(side, ast.Constant) and isinstance(side.value, str))
            or _is_built_string(side)
            for side in (node.left, node.right)
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        target = node.func.value
        return node.func.attr == "format" and isinstance(target, ast.Constant)
    return False


class _Visitor(ast.NodeVisitor):
    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases
        self.hits: list[tuple[ast.Call, _Rule, str]] = []
        # Names bound to a built string in the current function: `q = f"..."; cur.execute(q)`.
        self.built: list[dict[str, ast.expr]] = [{}]

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.built.append({})
        self.generic_visit(node)
        self.built.pop()

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.visit_FunctionDef(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                if _is_built_string(node.value):
                    self.built[-1][target.id] = node.value
                else:
                    self.built[-1].pop(target.id, None)
        self.generic_visit(node)

    def _sql_source(self, node: ast.expr) -> ast.expr | None:
        if _is_built_string(node):
            return node
        if isinstance(node, ast.Name):
            return self.built[-1].get(node.id)
        return None

    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func, self.aliases) or ""
        if name in _CODE_CALLS:
            self.hits.append((node, _EVAL, name))
        elif name in _SHELL_CALLS or any(
            k.arg == "shell" and _is_true(k.value) for k in node.keywords
        ):
            self.hits.append((node, _SHELL, name or "this call"))
        elif name in _DESERIALIZERS or (name in _YAML_LOADS and not self._safe_yaml(node)):
            self.hits.append((node, _DESERIALIZE, name))
        elif node.args:
            self._check_sql(node, name)
        self.generic_visit(node)

    def _check_sql(self, node: ast.Call, name: str) -> None:
        method = node.func.attr if isinstance(node.func, ast.Attribute) else None
        is_text = name.split(".")[-1] == "text" and name.startswith(("sqlalchemy", "text"))
        if method not in _SQL_METHODS and not is_text:
            return
        source = self._sql_source(node.args[0])
        if source is None:
            return
        if method in _SQL_METHODS or _SQL_WORDS.search(_constant_text(source)):
            self.hits.append((node, _SQL, method or "text"))

    def _safe_yaml(self, node: ast.Call) -> bool:
        loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
        if loader is None and len(node.args) > 1:
            loader = node.args[1]
        name = _dotted(loader, self.aliases) if loader is not None else None
        return name is not None and name.split(".")[-1] in _SAFE_LOADERS


def scan_source(source: str, rel: str) -> list[Finding]:
    """Dangerous-call findings in one module's source (empty if it does not parse)."""
    try:
        tree = pyast.parse(source, filename=rel)
    except SyntaxError:
        return []  # the syntax check reports it
    visitor = _Visitor(_aliases(tree))
    visitor.visit(tree)
    in_tests = is_test_file(rel)
    return [
        Finding(
            check="dangerous-calls",
            file=rel,
            line=call.lineno,
            rule=rule.rule,
            severity="low" if in_tests else rule.severity,
            message=rule.message.format(name=name),
            fix_hint=rule.fix_hint,
            owasp=rule.owasp,
        )
        for call, rule, name in visitor.hits
    ]


def dangerous_calls(root: Path) -> CheckResult:
    """eval/exec, shell commands, unsafe deserialisation and SQL built from strings, per file."""
    started = time.perf_counter()
    findings: list[Finding] = []
    for path in project_files(root, {".py"}):
        rel = relpath(path, root)
        try:
            findings.extend(scan_source(path.read_text(encoding="utf-8"), rel))
        except (OSError, UnicodeDecodeError) as exc:
            log.info("check=dangerous-calls file=%s skipped=%s", rel, type(exc).__name__)
    return severity_result("dangerous-calls", findings, started)
