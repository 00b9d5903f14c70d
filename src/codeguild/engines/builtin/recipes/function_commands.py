"""CLI commands over a library recipe's functions: one command per function with simple types.

The recipe's module is parsed (pure: text only) so the commands follow its real signatures;
functions whose parameters a command line cannot express are left out.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from codeguild import pyast
from codeguild.engines.builtin.naming import kebab
from codeguild.engines.builtin.recipes.base import Recipe
from codeguild.engines.builtin.recipes.introspect import first_paragraph
from codeguild.engines.builtin.recipes.pyliteral import assignment, docstring, py_literal
from codeguild.engines.builtin.rendering import render
from codeguild.intent.models import ProjectIntent

_SIMPLE = frozenset({"str", "int", "float", "bool"})
_LISTS = {
    "float": "list[float]",
    "int": "list[int]",
    "str": "list[str]",
}
_CONTAINERS = ("Iterable", "Sequence", "Collection", "list", "set", "tuple")


@dataclass(frozen=True)
class CommandParam:
    """One parameter of a function command: a typer argument, or an option when defaulted."""

    name: str
    cli_type: str
    default: str | None

    @property
    def option(self) -> str:
        return f"--{kebab(self.name)}"

    @property
    def is_flag(self) -> bool:
        return self.cli_type == "bool"


@dataclass(frozen=True)
class FunctionCommand:
    """A command that calls ``function`` of ``module`` and prints its result."""

    name: str
    function: str
    params: tuple[CommandParam, ...]
    doc: str


def cli_type(annotation: str) -> str | None:
    """The command-line type of a parameter annotation, or None if it has none."""
    text = annotation.replace(" ", "")
    if text in _SIMPLE:
        return text
    parts = set(text.split("|"))
    if parts in ({"str", "int"}, {"str", "float"}):
        return "str"  # the function accepts the text as given
    if "None" in parts and len(parts) == 2:
        inner = next(p for p in parts if p != "None")
        return f"{inner} | None" if inner in _SIMPLE - {"bool"} else None
    for container in _CONTAINERS:
        for item, listed in _LISTS.items():
            if text == f"{container}[{item}]":
                return listed
    return None


def _params(node: ast.FunctionDef) -> tuple[CommandParam, ...] | None:
    args = node.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        return None
    defaults = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
    params = []
    for arg, default in zip(args.args, defaults, strict=True):
        kind = cli_type(ast.unparse(arg.annotation)) if arg.annotation else None
        if kind is None:
            return None
        params.append(CommandParam(arg.arg, kind, _default(default)))
    lists = [p for p in params if p.cli_type.startswith("list[") and p.default is None]
    # a command line has room for one variadic argument
    return tuple(params) if len(lists) <= 1 else None


def _default(node: ast.expr | None) -> str | None:
    if node is None:
        return None
    try:
        return py_literal(ast.literal_eval(node))
    except ValueError:
        return ast.unparse(node)


def param_line(param: CommandParam) -> str:
    """The parameter in a command's signature: defaulted ones become options (typer rules)."""
    default = "" if param.default is None else f" = {param.default}"
    return f"    {param.name}: {param.cli_type}{default},"


def run_line(module: str, command: FunctionCommand) -> str:
    """The call of the library function, exploded when long (stable under ruff format)."""
    args = [f"{module}.{command.function}", *(p.name for p in command.params)]
    line = f"    _run({', '.join(args)})"
    if len(line) <= 80:
        return line
    body = "".join(f"        {a},\n" for a in args)
    return f"    _run(\n{body}    )"


def function_commands(source: str) -> list[FunctionCommand]:
    """A command for each public top-level function of ``source`` with expressible params."""
    commands = []
    for node in pyast.parse(source).body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        params = _params(node)
        if params:
            doc = first_paragraph(ast.get_docstring(node) or node.name)
            name = node.name.replace("_", "-")
            commands.append(FunctionCommand(name, node.name, params, doc))
    return commands


def function_module(intent: ProjectIntent, recipe: Recipe) -> dict[str, str]:
    """The recipe's library module plus a typer module with one command per function."""
    files = recipe.module_files(intent)
    module = recipe.modules[0].path.removesuffix(".py")
    text = render(
        "cli_tool/function_commands.py.j2",
        package=intent.package,
        module=module,
        commands=function_commands(files[f"{intent.package}/{recipe.modules[0].path}"]),
        param_line=param_line,
        run_line=run_line,
        docstring=docstring,
    )
    return {**files, f"{intent.package}/commands_{recipe.name}.py": text}


def function_tests(intent: ProjectIntent, recipe: Recipe) -> dict[str, str]:
    """The recipe's own tests plus CLI tests of its commands (help, examples, usage errors)."""
    source = recipe.module_files(intent)[f"{intent.package}/{recipe.modules[0].path}"]
    names = [c.name for c in function_commands(source)]
    examples = [(list(a), e, c) for a, e, c in recipe.cli_examples if a[0] in names]
    text = render(
        "cli_tool/test_function_commands.py.j2",
        package=intent.package,
        module=recipe.modules[0].path.removesuffix(".py"),
        command_names=names,
        examples=examples,
        assignment=assignment,
    )
    return {**recipe.test_files(intent), f"tests/test_commands_{recipe.name}.py": text}
