"""What the generated tests of a generic CLI entity check: sample inputs and expected values."""

from __future__ import annotations

from typing import Any

from codeguild.engines.builtin.recipes.entities import EntityInfo, FieldInfo
from codeguild.engines.builtin.recipes.generic_cli import CliPlan, add_args, sample_value
from codeguild.engines.builtin.recipes.pyliteral import assignment, py_literal

_BAD_VALUES = {
    "date": "not-a-date",
    "datetime": "not-a-time",
    "email": "not-an-email",
    "url": "not a url",
    "str": "   ",
    "text": "   ",
}


def expected(f: FieldInfo, which: int) -> str:
    """The Python literal a stored sample value compares equal to."""
    raw = sample_value(f, which)
    if f.type == "int":
        return repr(int(raw))
    if f.type in ("float", "decimal"):
        return repr(float(raw))
    return py_literal(raw)


def _invalid(entity: EntityInfo, first: list[str]) -> dict[str, Any]:
    """Replace one value of a valid add with a bad one; validated types first."""
    ranked = sorted(
        (f for f in entity.fields if not f.is_bool),
        key=lambda f: (
            f.type not in ("date", "datetime", "email", "url"),
            f.type not in _BAD_VALUES,
        ),
    )
    target = ranked[0]
    args = list(first)
    position = args.index(target.option) + 1
    if target.type in _BAD_VALUES:
        args[position] = _BAD_VALUES[target.type]
        return {"args": args, "code": 1, "message": f"Invalid {target.name}"}
    # numbers are checked by typer itself: a usage error, exit code 2
    args[position] = "not-a-number"
    return {"args": args, "code": 2, "message": ""}


def _aliases(plan: CliPlan, entity: EntityInfo, check: FieldInfo) -> list[tuple[str, list[str]]]:
    update = ["1", check.option, sample_value(check, 1)]
    args_of = {"add": add_args(entity), "show": ["1"], "update": update, "delete": ["1"]}
    args_of |= {"list": [], "search": ["x"], "export": [], "stats": []}
    found = []
    for command in plan.commands_of(entity):
        if command in args_of:
            found += [(alias, args_of[command]) for alias in plan.names[command][1:]]
    return found


def cli_test_context(plan: CliPlan, entity: EntityInfo) -> dict[str, Any]:
    """The template variables of ``tests/test_<entity>.py``."""
    check = next(f for f in entity.fields if not f.is_bool)
    first = add_args(entity, 0)
    text_fields = [f for f in entity.fields if f.type in ("str", "text")]
    sub_app = plan.sub_app(entity)
    required = next((f.option for f in entity.fields if f.required), "")
    return {
        "prefix": [sub_app] if sub_app else [],
        "first_args": first,
        "second_args": add_args(entity, 1),
        "check": {
            "name": check.name,
            "option": check.option,
            "first": expected(check, 0),
            "second": expected(check, 1),
            "first_text": sample_value(check, 0),
            "second_text": sample_value(check, 1),
        },
        "invalid": _invalid(entity, first),
        "required": required,
        "aliases": _aliases(plan, entity, check) if entity == plan.primary else [],
        "search": sample_value(text_fields[0], 0) if text_fields else "",
        "sums": [
            (f.name, float(sample_value(f, 0)) + float(sample_value(f, 1)))
            for f in entity.fields
            if f.is_numeric
        ],
        "assignment": assignment,
    }
