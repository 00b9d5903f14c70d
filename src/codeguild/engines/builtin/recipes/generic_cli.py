"""Generic CLI synthesis: an entity manager over a JSON file store, with verbs from the intent."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from codeguild.engines.builtin.naming import kebab, words
from codeguild.engines.builtin.recipes.entities import EntityInfo, FieldInfo, entity_infos
from codeguild.intent.models import ProjectIntent

BASE_COMMANDS = ("add", "list", "show", "update", "delete")
EXTRA_COMMANDS = ("done", "search", "export", "import", "stats")
# A command's first word decides what it does; anything else is reported as unmapped.
_VERBS: dict[str, str] = {
    **dict.fromkeys(("add", "create", "new", "record", "log", "insert", "register"), "add"),
    **dict.fromkeys(("list", "ls", "all", "browse"), "list"),
    **dict.fromkeys(("show", "get", "view", "display", "detail", "details", "info"), "show"),
    **dict.fromkeys(("update", "edit", "modify", "change", "set", "rename"), "update"),
    **dict.fromkeys(("delete", "remove", "rm", "del", "drop", "clear"), "delete"),
    **dict.fromkeys(("done", "complete", "finish", "check", "close", "mark", "tick"), "done"),
    **dict.fromkeys(("search", "find", "grep", "query", "lookup", "filter"), "search"),
    **dict.fromkeys(("export", "dump", "backup", "save"), "export"),
    **dict.fromkeys(("import", "load", "restore"), "import"),
    **dict.fromkeys(("stats", "summary", "summarize", "report", "statistics", "total"), "stats"),
    **dict.fromkeys(("totals", "count", "balance", "overview"), "stats"),
}


@dataclass(frozen=True)
class CliPlan:
    """What the generic CLI provides: entities, extra verbs, command aliases, unmapped names."""

    entities: tuple[EntityInfo, ...]
    extras: tuple[str, ...]
    #: canonical command -> the names it is registered under (first is the canonical name)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unmapped: tuple[str, ...] = ()

    @property
    def primary(self) -> EntityInfo:
        return self.entities[0]

    def module_of(self, entity: EntityInfo) -> str:
        return f"commands_{entity.kind}"

    def sub_app(self, entity: EntityInfo) -> str | None:
        """The sub-command group of an entity, or None when it is the only one (top level)."""
        return None if len(self.entities) == 1 else kebab(entity.name)

    def commands_of(self, entity: EntityInfo) -> tuple[str, ...]:
        extras = self.extras if entity == self.primary else ("search", "export", "stats")
        return (*BASE_COMMANDS, *[e for e in EXTRA_COMMANDS if e in extras])


def verb_of(command_name: str) -> str | None:
    """The canonical verb of a command name: 'mark-done' -> 'done', 'add_expense' -> 'add'."""
    found = [_VERBS[w] for w in words(command_name) if w in _VERBS]
    if not found:
        return None
    # 'mark done' is about done; 'list all' about list: prefer the more specific verb
    return "done" if "done" in found else found[0]


def _add_command(
    name: str, verb: str | None, extras: list[str], names: dict[str, list[str]], unmapped: list[str]
) -> None:
    if verb is None:
        unmapped.append(name)
        return
    if verb in EXTRA_COMMANDS and verb not in extras:
        extras.append(verb)
    if name not in names[verb] and name not in (*BASE_COMMANDS, *EXTRA_COMMANDS):
        names[verb].append(name)


def plan_cli(intent: ProjectIntent, claimed: frozenset[str] = frozenset()) -> CliPlan:
    """The generic CLI for ``intent``; ``claimed`` are command names recipes already provide."""
    extras: list[str] = []
    names: dict[str, list[str]] = {c: [c] for c in (*BASE_COMMANDS, *EXTRA_COMMANDS)}
    unmapped: list[str] = []
    for command in intent.commands:
        name = kebab(command.name)
        if name and name not in claimed:
            _add_command(name, verb_of(command.name), extras, names, unmapped)
    if "todo" in intent.domains and "done" not in extras:
        extras.append("done")
    entities = entity_infos(intent, with_done="done" in extras)
    return CliPlan(
        entities=tuple(entities),
        extras=tuple(e for e in EXTRA_COMMANDS if e in extras),
        names={k: tuple(v) for k, v in names.items()},
        unmapped=tuple(unmapped),
    )


def python_type(f: FieldInfo) -> str:
    """The Python annotation of a field's command-line value."""
    if f.type == "int":
        return "int"
    if f.type in ("float", "decimal"):
        return "float"
    return "bool" if f.is_bool else "str"


_SAMPLES: dict[str, tuple[str, str]] = {
    "str": ("First {label}", "Second {label}"),
    "text": ("Some notes", "Other notes"),
    "int": ("3", "7"),
    "float": ("12.5", "4.25"),
    "decimal": ("19.99", "5.5"),
    "date": ("2024-01-15", "2024-02-20"),
    "datetime": ("2024-01-15T09:30:00", "2024-02-20T18:00:00"),
    "email": ("ada@example.com", "grace@example.com"),
    "url": ("https://example.com/a", "https://example.org/b"),
}


def sample_value(f: FieldInfo, which: int = 0) -> str:
    """A valid command-line value for a field (two distinct ones, ``which`` 0 or 1)."""
    return _SAMPLES.get(f.type, _SAMPLES["str"])[which].format(label=f.label.lower())


def add_args(entity: EntityInfo, which: int = 0) -> list[str]:
    """Command-line options that add a valid record of ``entity``."""
    args: list[str] = []
    for f in entity.fields:
        if not f.is_bool:
            args += [f.option, sample_value(f, which)]
    return args


_HINTS = {
    "date": " (YYYY-MM-DD)",
    "datetime": " (YYYY-MM-DDTHH:MM)",
    "email": " (name@example.com)",
    "url": " (https://...)",
}


def _exploded(head: str, items: list[str], tail: str, indent: int) -> str:
    """``head(items)tail`` on one line when short, else one item per line with a trailing comma.

    The trailing comma keeps ruff's formatter from re-joining the lines, so the output is stable
    whatever line length the formatter is configured with.
    """
    one_line = f"{' ' * indent}{head}{', '.join(items)}{tail}"
    if len(one_line) <= 80:
        return one_line
    pad = " " * (indent + 4)
    body = "".join(f"{pad}{item},\n" for item in items)
    return f"{' ' * indent}{head}\n{body}{' ' * indent}{tail}"


def option_param(f: FieldInfo, optional: bool) -> str:
    """The typer parameter declaration of a field (``optional``: for update commands)."""
    hint = _HINTS.get(f.type, "")
    if f.is_bool:
        flag = f'"{f.option}/--no-{f.option[2:]}"'
        annotation, default = ("bool | None", " = None") if optional else ("bool", " = False")
    else:
        flag = f'"{f.option}"'
        annotation = python_type(f)
        required = f.required and not optional
        annotation, default = (annotation, "") if required else (f"{annotation} | None", " = None")
    option = f'typer.Option({flag}, help="{f.label}{hint}.")'
    one_line = f"    {f.param}: Annotated[{annotation}, {option}]{default},"
    if len(one_line) <= 80:
        return one_line
    option_lines = _exploded("typer.Option(", [flag, f'help="{f.label}{hint}."'], ")", 8)
    lines = [
        f"    {f.param}: Annotated[",
        f"        {annotation},",
        f"{option_lines},",
        f"    ]{default},",
    ]
    return "\n".join(lines)


def import_block(module: str, names: list[str]) -> str:
    """A ``from module import ...`` statement in the exploded form ruff keeps as it is."""
    if len(names) == 1 and len(f"from {module} import {names[0]}") <= 80:
        return f"from {module} import {names[0]}"
    body = "".join(f"    {n},\n" for n in names)
    return f"from {module} import (\n{body})"


def generic_examples(prog: str, group: str | None, entity: EntityInfo, plan: CliPlan) -> list[str]:
    base = f"{prog} {group}" if group else prog
    first = next(f for f in entity.fields if not f.is_bool)
    lines = [
        f"{base} add {shlex.join(add_args(entity))}",
        f"{base} list --limit 10 --filter {shlex.quote(first.name + '=' + add_args(entity)[1])}",
        f"{base} show 1",
        f"{base} update 1 {first.option} {shlex.quote(add_args(entity, 1)[1])}",
        f"{base} delete 1",
    ]
    extras = plan.commands_of(entity)
    if "done" in extras:
        lines.append(f"{base} {plan.names['done'][-1]} 1")
    texts = [f for f in entity.fields if f.type in ("str", "text")]
    if "search" in extras and texts:
        lines.append(f"{base} search {shlex.quote(sample_value(texts[0]).split()[0])}")
    if "export" in extras:
        lines.append(f"{base} export --format csv --output {entity.plural}.csv")
    if "stats" in extras:
        lines.append(f"{base} stats")
    return lines
