"""The cli_tool and library builders: recipe matching, blueprint shape, purity and determinism."""

from __future__ import annotations

import ast

import pytest

from codeguild.engines.base import Blueprint
from codeguild.engines.builtin.cli_tool import CliToolBuilder
from codeguild.engines.builtin.library import LibraryBuilder
from codeguild.engines.builtin.recipes import RECIPES, matching_recipes
from codeguild.engines.builtin.recipes.entities import entity_infos, main_noun
from codeguild.engines.builtin.recipes.generic_cli import plan_cli, verb_of
from codeguild.engines.builtin.recipes.generic_library import plan_library
from codeguild.engines.builtin.recipes.pyliteral import docstring, py_literal
from codeguild.errors import IntentError
from codeguild.intent.models import Command, Entity, EntityField, ProjectIntent


def _intent(
    kind: str,
    requirement: str,
    name: str = "demo-tool",
    domains: tuple[str, ...] = (),
    commands: tuple[str, ...] = (),
    entities: tuple[Entity, ...] = (),
) -> ProjectIntent:
    return ProjectIntent(
        requirement=requirement,
        project_type=kind,  # type: ignore[arg-type]
        name=name,
        summary=requirement,
        domains=list(domains),
        commands=[Command(name=c) for c in commands],
        entities=list(entities),
    )


def _recipes(intent: ProjectIntent) -> list[str]:
    return [r.name for r in matching_recipes(intent)]


BOOK = Entity(
    name="Book",
    plural="books",
    fields=[
        EntityField(name="title"),
        EntityField(name="pages", type="int"),
        EntityField(name="id", type="int"),
        EntityField(name="read", type="bool", required=False),
    ],
)

VARIED = [
    _intent("cli_tool", "Convert CSV files to JSON.", domains=("csv", "json")),
    _intent("cli_tool", "Track my books.", commands=("add", "finish", "export"), entities=(BOOK,)),
    _intent("cli_tool", "A tool that greets people."),
    _intent("library", "Validate ISBN numbers.", name="isbn-kit", domains=("isbn",)),
    _intent("library", "Keep a catalogue of books.", commands=("validate_book",), entities=(BOOK,)),
    _intent("library", "Slugify titles and validate e-mail addresses."),
]


# -- recipe matching ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "requirement", "domains", "expected"),
    [
        ("cli_tool", "A converter.", ("csv", "json"), ["csv_json"]),
        ("cli_tool", "Turn CSV files into JSON documents.", (), ["csv_json"]),
        ("cli_tool", "Count words in a text file.", (), ["text_stats"]),
        ("cli_tool", "Print sha256 checksums of files.", (), ["checksum"]),
        ("cli_tool", "Convert Celsius to Fahrenheit.", (), ["units_cli"]),
        ("library", "Convert Celsius to Fahrenheit.", (), ["units"]),
        ("library", "Work with ISBN-13 numbers.", (), ["isbn"]),
        ("library", "A helper.", ("roman_numerals",), ["roman"]),
        ("library", "Check numbers with the Luhn algorithm.", (), ["luhn"]),
        ("library", "Compute the median and standard deviation.", (), ["statistics"]),
        ("library", "Rate password strength.", (), ["password"]),
    ],
)
def test_recipes_match_on_domains_or_keywords(
    kind: str, requirement: str, domains: tuple[str, ...], expected: list[str]
) -> None:
    assert _recipes(_intent(kind, requirement, domains=domains)) == expected


def test_a_requirement_can_combine_recipes() -> None:
    intent = _intent("library", "Validate emails and slugify titles.")
    assert set(_recipes(intent)) == {"email_url", "slug"}


def test_recipes_only_serve_their_project_types() -> None:
    assert _recipes(_intent("cli_tool", "ISBN helpers.", domains=("isbn",))) == []
    assert _recipes(_intent("library", "CSV to JSON.", domains=("csv", "json"))) == []


def test_incidental_words_do_not_pull_recipes() -> None:
    todo = _intent(
        "cli_tool", "A todo list CLI that keeps tasks in a JSON file.", domains=("todo",)
    )
    assert _recipes(todo) == []
    # "csv" alone (an export format) is not the CSV<->JSON converter
    assert _recipes(_intent("cli_tool", "Track expenses.", domains=("csv",))) == []


def test_every_recipe_declares_what_it_provides() -> None:
    for recipe in RECIPES:
        assert recipe.modules and recipe.tests and recipe.api, recipe.name
        assert recipe.keywords or recipe.domain_sets, recipe.name


# -- generic planning -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "verb"),
    [("add", "add"), ("create", "add"), ("mark-done", "done"), ("complete", "done"),
     ("find", "search"), ("summary", "stats"), ("remove", "delete"), ("frobnicate", None)],
)  # fmt: skip
def test_verbs_map_to_generic_commands(name: str, verb: str | None) -> None:
    assert verb_of(name) == verb


def test_done_verb_adds_a_done_field_when_missing() -> None:
    intent = _intent("cli_tool", "Track chores.", commands=("add", "complete", "wibble"))
    plan = plan_cli(intent)
    assert "done" in plan.extras
    assert plan.names["done"] == ("done", "complete")
    assert plan.primary.done_field is not None
    assert plan.unmapped == ("wibble",)


def test_entity_fields_drop_ids_and_put_required_first() -> None:
    (book,) = entity_infos(_intent("cli_tool", "Books.", entities=(BOOK,)))
    assert [f.name for f in book.fields] == ["title", "pages", "read"]
    assert book.done_field is None


@pytest.mark.parametrize(
    ("requirement", "noun"),
    [("Keep track of my books.", "Book"), ("A todo app.", "Task"),
     ("A tool that keeps a list of people to greet.", "Person"),
     ("A tool for logging workouts.", "Workout"), ("Say hello.", "Item")],
)  # fmt: skip
def test_main_noun(requirement: str, noun: str) -> None:
    assert main_noun(_intent("cli_tool", requirement, name="my-cli")) == noun


def test_library_functions_map_known_prefixes() -> None:
    intent = _intent(
        "library",
        "Books.",
        commands=("validate_book", "to_json", "from_csv", "shuffle_books"),
        entities=(BOOK,),
    )
    plan = plan_library(intent)
    behaviours = {f.name: f.behaviour for f in plan.functions}
    assert behaviours["to_json"] == "to_json"
    assert behaviours["from_csv"] == "from_csv"
    assert behaviours["validate_book"] == "validate"
    assert plan.unmapped == ("shuffle_books",)


# -- blueprints -----------------------------------------------------------------------------


def _builder(intent: ProjectIntent) -> CliToolBuilder | LibraryBuilder:
    return CliToolBuilder() if intent.project_type == "cli_tool" else LibraryBuilder()


def _check_shape(intent: ProjectIntent, blueprint: Blueprint) -> None:
    assert blueprint.package == intent.package
    assert blueprint.test_command == "pytest"
    assert blueprint.openapi_export is None
    names = [c.name for c in blueprint.components]
    assert len(names) == len(set(names))
    files = [f for c in blueprint.components for f in c.files]
    assert len(files) == len(set(files)), "a file belongs to exactly one component"
    seen: set[str] = set()
    for component in blueprint.components:
        assert set(component.needs) <= seen, f"{component.name} needs a later component"
        seen.add(component.name)
    kinds = {c.kind for c in blueprint.components}
    assert kinds == {"config", "code", "tests", "docs"}
    assert "README.md" in files


@pytest.mark.parametrize("intent", VARIED, ids=lambda i: i.requirement[:30])
def test_blueprint_shape(intent: ProjectIntent) -> None:
    _check_shape(intent, _builder(intent).blueprint(intent))


@pytest.mark.parametrize("intent", VARIED, ids=lambda i: i.requirement[:30])
def test_components_write_exactly_their_files(intent: ProjectIntent) -> None:
    builder = _builder(intent)
    for component in builder.blueprint(intent).components:
        files = builder.write_component(intent, component.name)
        assert set(files) == set(component.files)
        for path, text in files.items():
            assert "/work" not in text and "/root" not in text, path
            if path.endswith(".py"):
                tree = ast.parse(text)
                assert not any(isinstance(n, ast.Pass) for n in ast.walk(tree)), path
                assert "NotImplementedError" not in text and "TODO" not in text, path


@pytest.mark.parametrize("intent", VARIED, ids=lambda i: i.requirement[:30])
def test_synthesis_is_deterministic(intent: ProjectIntent) -> None:
    first, second = _builder(intent), _builder(intent)
    assert first.blueprint(intent) == second.blueprint(intent)
    for component in first.blueprint(intent).components:
        name = component.name
        assert first.write_component(intent, name) == second.write_component(intent, name)


def test_independent_components_can_run_in_parallel() -> None:
    recipe_roots = [c.name for c in CliToolBuilder().blueprint(VARIED[0]).components if not c.needs]
    assert {"scaffold", "commands_csv_json"} <= set(recipe_roots)
    generic = CliToolBuilder().blueprint(VARIED[1])
    assert {"scaffold", "store"} <= {c.name for c in generic.components if not c.needs}
    library = LibraryBuilder().blueprint(VARIED[4])
    assert {"scaffold", "module_models"} <= {c.name for c in library.components if not c.needs}


def test_cli_with_recipes_and_entities_gets_both() -> None:
    intent = _intent(
        "cli_tool", "Manage books and convert CSV to JSON.", entities=(BOOK,), domains=("csv_json",)
    )
    names = {c.name for c in CliToolBuilder().blueprint(intent).components}
    assert {"commands_csv_json", "commands_book", "store"} <= names


def test_cli_offers_library_recipes_as_commands() -> None:
    intent = _intent("cli_tool", "Check ISBN numbers from the shell.", domains=("isbn",))
    builder = CliToolBuilder()
    blueprint = builder.blueprint(intent)
    assert "store" not in {c.name for c in blueprint.components}
    files = builder.write_component(intent, "commands_isbn")
    commands = files[f"{intent.package}/commands_isbn.py"]
    assert 'app.command("isbn10-to-isbn13")' in commands
    assert f"{intent.package}/isbn.py" in files


def test_cli_declares_console_script_and_typer() -> None:
    intent = VARIED[0]
    files = CliToolBuilder().write_component(intent, "scaffold")
    assert f'{intent.name} = "{intent.package}.cli:app"' in files["pyproject.toml"]
    assert files["requirements.txt"].startswith("typer==")


def test_library_has_no_runtime_dependencies_and_documents_its_api() -> None:
    intent = VARIED[3]
    builder = LibraryBuilder()
    assert builder.write_component(intent, "scaffold")["requirements.txt"] == ""
    api = builder.write_component(intent, "docs")["API.md"]
    assert "### `isbn10_to_isbn13(text: str) -> str`" in api
    assert "class InvalidIsbnError(ValueError)" in api


def test_unknown_components_are_rejected_with_the_valid_names() -> None:
    with pytest.raises(IntentError, match="scaffold"):
        CliToolBuilder().write_component(VARIED[0], "nope")
    with pytest.raises(IntentError, match="no component 'store'"):
        CliToolBuilder().write_component(VARIED[0], "store")
    with pytest.raises(IntentError, match="core"):
        LibraryBuilder().write_component(VARIED[3], "nope")


def test_unmapped_commands_are_reported_in_notes() -> None:
    intent = _intent("cli_tool", "Track plants.", commands=("add", "water"))
    assert any("water" in note for note in CliToolBuilder().blueprint(intent).notes)


# -- generated-source helpers ---------------------------------------------------------------


def test_py_literal_explodes_long_values_with_trailing_commas() -> None:
    assert py_literal(["a", 1]) == '["a", 1]'
    long = py_literal(["x" * 30, "y" * 30, "z" * 30])
    assert long.splitlines()[1] == f'    "{"x" * 30}",'
    assert long.endswith("\n]")


def test_docstring_is_safe_and_wrapped() -> None:
    assert docstring('Say "hi" \\ now', 0) == '"""Say \'hi\' / now."""'
    wrapped = docstring("word " * 40, 4)
    assert all(len(line) <= 88 for line in wrapped.splitlines())
    assert ast.parse(f"def f():\n    {wrapped}\n")
