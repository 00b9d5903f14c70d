"""The web_api builder's blueprint and synthesis rules (pure: no generated project is run here)."""

from __future__ import annotations

import ast
import json

import pytest

from codeguild.engines.builtin import web_api_pycode as pycode
from codeguild.engines.builtin.web_api import WebApiBuilder, endpoints
from codeguild.engines.builtin.web_api_fields import rules_for
from codeguild.engines.builtin.web_api_spec import build_spec
from codeguild.errors import CodeguildError, IntentError
from codeguild.intent.models import AuthSpec, Entity, EntityField, ProjectIntent


def _intent(
    entities: list[Entity], auth: AuthSpec | None = None, name: str = "bookstore-api"
) -> ProjectIntent:
    return ProjectIntent(
        requirement="A REST API.",
        project_type="web_api",
        name=name,
        summary="A REST API.",
        entities=entities,
        auth=auth,
    )


def _bookstore(auth: AuthSpec | None = None) -> ProjectIntent:
    return _intent(
        [
            Entity(
                name="Book",
                plural="books",
                fields=[
                    EntityField(name="title"),
                    EntityField(name="author_id", type="int", references="Author"),
                    EntityField(name="price", type="decimal"),
                    EntityField(name="published_year", type="int"),
                ],
            ),
            Entity(
                name="Author",
                plural="authors",
                fields=[EntityField(name="name"), EntityField(name="country")],
            ),
        ],
        auth=auth,
    )


@pytest.fixture
def builder() -> WebApiBuilder:
    return WebApiBuilder()


def test_blueprint_components_follow_the_project_boundaries(builder: WebApiBuilder) -> None:
    blueprint = builder.blueprint(_bookstore(AuthSpec()))
    kinds = {c.name: c.kind for c in blueprint.components}
    assert kinds == {
        "scaffold": "config",
        "core": "code",
        "models": "code",
        "auth": "code",
        "api_authors": "code",
        "api_books": "code",
        "app": "code",
        "tests_common": "tests",
        "tests_authors": "tests",
        "tests_books": "tests",
        "tests_auth": "tests",
        "docs": "docs",
    }
    assert set(blueprint.component("api_books").needs) == {"models", "auth"}
    assert set(blueprint.component("app").needs) >= {"api_books", "api_authors", "auth"}
    assert set(blueprint.component("tests_books").needs) == {"tests_common", "api_books"}
    # the two resources' API modules do not depend on each other: they can be written in parallel
    assert "api_authors" not in blueprint.component("api_books").needs


def test_blueprint_needs_name_existing_components_and_form_no_cycle(
    builder: WebApiBuilder,
) -> None:
    blueprint = builder.blueprint(_bookstore(AuthSpec()))
    names = [c.name for c in blueprint.components]
    for position, component in enumerate(blueprint.components):
        # listed in an order where every need comes first, so there is no cycle
        assert set(component.needs) <= set(names[:position]), component.name


def test_blueprint_files_are_unique_and_match_what_is_written(builder: WebApiBuilder) -> None:
    intent = _bookstore(AuthSpec())
    blueprint = builder.blueprint(intent)
    all_files = [f for c in blueprint.components for f in c.files]
    assert len(all_files) == len(set(all_files))
    for component in blueprint.components:
        assert set(builder.write_component(intent, component.name)) == set(component.files)


def test_blueprint_commands(builder: WebApiBuilder) -> None:
    blueprint = builder.blueprint(_bookstore())
    assert blueprint.package == "bookstore_api"
    assert blueprint.run_command == "uvicorn bookstore_api.main:app --reload"
    assert blueprint.test_command == "pytest"
    assert blueprint.openapi_export is not None
    assert blueprint.openapi_export[:2] == ("python", "-c")
    assert "from bookstore_api.main import app" in blueprint.openapi_export[2]


def test_without_auth_there_is_no_auth_code_nor_jwt_dependency(builder: WebApiBuilder) -> None:
    intent = _bookstore(auth=None)
    names = {c.name for c in builder.blueprint(intent).components}
    assert "auth" not in names
    assert "tests_auth" not in names
    scaffold = builder.write_component(intent, "scaffold")
    assert "pyjwt" not in scaffold["requirements.txt"].lower()
    with_auth = builder.write_component(_bookstore(AuthSpec()), "scaffold")
    assert "pyjwt==" in with_auth["requirements.txt"].lower()


def test_writing_is_deterministic(builder: WebApiBuilder) -> None:
    intent = _bookstore(AuthSpec())
    for component in builder.blueprint(intent).components:
        first = builder.write_component(intent, component.name)
        second = WebApiBuilder().write_component(intent.model_copy(deep=True), component.name)
        assert first == second, component.name


def test_every_generated_python_file_parses(builder: WebApiBuilder) -> None:
    intent = _bookstore(AuthSpec(protect_reads=True))
    for component in builder.blueprint(intent).components:
        for path, text in builder.write_component(intent, component.name).items():
            if path.endswith(".py"):
                ast.parse(text, filename=path)
                assert all(len(line) <= 100 for line in text.splitlines()), path


def test_referenced_entities_come_first(builder: WebApiBuilder) -> None:
    intent = _bookstore()
    models = builder.write_component(intent, "models")["bookstore_api/models.py"]
    assert models.index("class Author(") < models.index("class Book(")
    assert 'sa.ForeignKey("authors.id")' in models
    main = builder.write_component(intent, "app")["bookstore_api/main.py"]
    assert main.index("authors_router)") < main.index("books_router)")


def test_unknown_component_is_an_intent_error(builder: WebApiBuilder) -> None:
    with pytest.raises(IntentError, match="no component 'frontend'") as caught:
        builder.write_component(_bookstore(), "frontend")
    assert isinstance(caught.value, CodeguildError)
    assert "api_books" in str(caught.value)


def test_routes_are_protected_as_the_auth_spec_says(builder: WebApiBuilder) -> None:
    writes_only = builder.write_component(_bookstore(AuthSpec()), "api_books")
    router = writes_only["bookstore_api/routers/books.py"]
    assert '@router.post("", status_code=status.HTTP_201_CREATED, dependencies=PROTECTED)' in router
    assert '@router.get("")\n' in router
    everything = builder.write_component(_bookstore(AuthSpec(protect_reads=True)), "api_books")
    assert '@router.get("", dependencies=PROTECTED)' in everything["bookstore_api/routers/books.py"]
    open_api = builder.write_component(_bookstore(), "api_books")
    assert "PROTECTED" not in open_api["bookstore_api/routers/books.py"]


def test_schemas_validate_from_field_names_and_types(builder: WebApiBuilder) -> None:
    schemas = builder.write_component(_bookstore(), "api_books")["bookstore_api/schemas/books.py"]
    assert "title: str = Field(min_length=1, max_length=255)" in schemas
    assert "price: decimal.Decimal = Field(ge=0, max_digits=12, decimal_places=2)" in schemas
    assert "published_year: int = Field(ge=0, le=2100)" in schemas
    assert "author_id: int = Field(ge=1" in schemas
    # PATCH bodies: every field optional
    assert "title: str | None = Field(default=None, min_length=1, max_length=255)" in schemas


def test_generated_code_has_no_hard_coded_secret(builder: WebApiBuilder) -> None:
    intent = _bookstore(AuthSpec())
    config = builder.write_component(intent, "core")["bookstore_api/config.py"]
    assert "APP_SECRET_KEY" in config
    assert "secrets.token_urlsafe" in config
    auth = builder.write_component(intent, "auth")
    assert "pbkdf2_hmac" in auth["bookstore_api/auth/passwords.py"]
    assert "passlib" not in "".join(auth.values())


def test_reference_cycles_and_self_references_become_optional() -> None:
    intent = _intent(
        [
            Entity(
                name="Department",
                plural="departments",
                fields=[EntityField(name="manager_id", type="int", references="Employee")],
            ),
            Entity(
                name="Employee",
                plural="employees",
                fields=[
                    EntityField(name="department_id", type="int", references="Department"),
                    EntityField(name="mentor_id", type="int", references="Employee"),
                ],
            ),
        ]
    )
    spec = build_spec(intent)
    fields = {(r.cls, f.name): f for r in spec.resources for f in r.fields}
    assert [r.cls for r in spec.resources] == ["Employee", "Department"]
    assert not fields[("Employee", "department_id")].required
    assert not fields[("Employee", "mentor_id")].required
    assert fields[("Department", "manager_id")].required


def test_names_are_made_safe_and_odd_inputs_leave_notes() -> None:
    intent = _intent(
        [
            Entity(
                name="Record",
                plural="records",
                fields=[
                    EntityField(name="id", type="int"),
                    EntityField(name="class"),
                    EntityField(name="metadata", type="text"),
                    EntityField(name="owner", type="int", references="Nobody"),
                ],
            ),
            Entity(name="User", plural="users", fields=[EntityField(name="nickname")]),
        ],
        auth=AuthSpec(),
    )
    spec = build_spec(intent)
    record = spec.resources[0]
    assert [f.name for f in record.fields] == ["class_", "metadata_value", "owner"]
    assert record.fields[-1].reference is None
    assert spec.user is not None
    assert spec.user.table == "accounts"  # the 'users' table belongs to the User entity
    assert any("Nobody" in note for note in spec.notes)
    assert any("'id'" in note for note in spec.notes)


def test_an_intent_without_entities_gets_an_example_resource(builder: WebApiBuilder) -> None:
    blueprint = builder.blueprint(_intent([]))
    assert "api_items" in {c.name for c in blueprint.components}
    assert any("Item" in note for note in blueprint.notes)


def test_references_to_user_point_at_the_login_table() -> None:
    intent = _intent(
        [
            Entity(
                name="Post",
                plural="posts",
                fields=[EntityField(name="author_id", type="int", references="User")],
            )
        ],
        auth=AuthSpec(),
    )
    ref = build_spec(intent).resources[0].fields[0].reference
    assert ref is not None
    assert (ref.table, ref.resource) == ("users", None)


@pytest.mark.parametrize(
    ("name", "kind", "lower", "upper"),
    [
        ("published_year", "int", 0, 2100),
        ("price", "decimal", 0, None),
        ("stock_quantity", "int", 0, None),
        ("latitude", "float", -90, 90),
        ("title", "str", None, None),
        ("temperature", "float", None, None),
    ],
)
def test_field_bounds_come_from_the_name(
    name: str, kind: str, lower: int | None, upper: int | None
) -> None:
    rules = rules_for(name, kind)  # type: ignore[arg-type]
    assert (rules.lower, rules.upper) == (lower, upper)


@pytest.mark.parametrize(
    "kind", ["str", "text", "int", "float", "decimal", "bool", "date", "datetime", "email", "url"]
)
@pytest.mark.parametrize("name", ["published_year", "month", "price", "percent", "latitude", "x"])
def test_samples_are_valid_and_distinct_for_many_n(kind: str, name: str) -> None:
    rules = rules_for(name, kind)  # type: ignore[arg-type]
    expr = compile(rules.sample_expr(name), "<sample>", "eval")
    # eval of an expression this package generated, with nothing but n in scope
    values = [eval(expr, {}, {"n": n}) for n in range(1, 300)]
    numeric = [float(v) for v in values] if kind in ("int", "float", "decimal") else []
    for value in numeric:
        assert rules.lower is None or value >= rules.lower
        assert rules.upper is None or value <= rules.upper
    if kind != "bool":
        assert values[0] != values[1] != values[2]
    invalid = rules.invalid_value()
    assert invalid not in values


def test_call_stays_on_one_line_when_it_fits_and_explodes_otherwise() -> None:
    assert pycode.call("f", ["a", "b"]) == "f(a, b)"
    long_args = [f"argument_number_{i}" for i in range(8)]
    exploded = pycode.call("def g", long_args, indent=1, tail=" -> None:")
    lines = exploded.splitlines()
    assert lines[0] == "    def g("
    assert lines[-1] == "    ) -> None:"
    assert all(line.endswith(",") for line in lines[1:-1])


def test_import_from_sorts_like_isort() -> None:
    assert pycode.import_from("m", ["b", "Page", "MAX", "a"]) == "from m import MAX, Page, a, b"
    long = pycode.import_from("package.module", [f"function_{i}" for i in range(9)])
    assert long.startswith("from package.module import (\n")


def test_py_str_prefers_double_quotes_and_escapes() -> None:
    assert pycode.py_str("plain") == '"plain"'
    assert pycode.py_str('say "hi"') == "'say \"hi\"'"
    assert pycode.py_str("a\\b\n") == '"a\\\\b\\n"'
    assert json.loads(pycode.py_str('it\'s "x"')) == 'it\'s "x"'


def test_endpoints_list_every_route_with_its_protection() -> None:
    spec = build_spec(_bookstore(AuthSpec()))
    routes = {(e.method, e.path): e for e in endpoints(spec)}
    assert routes[("POST", "/books")].auth
    assert not routes[("GET", "/books")].auth
    assert "401" in routes[("DELETE", "/authors/{item_id}")].responses
    assert ("POST", "/auth/token") in routes


def test_docs_cover_install_run_test_config_and_auth(builder: WebApiBuilder) -> None:
    docs = builder.write_component(_bookstore(AuthSpec()), "docs")
    readme = docs["README.md"]
    for heading in ("## Install", "## Run", "## Test", "## Configuration", "## Authentication"):
        assert heading in readme
    assert "APP_SECRET_KEY" in readme
    assert "DATABASE_URL" in readme
    assert "| POST | `/books` |" in docs["API.md"]
