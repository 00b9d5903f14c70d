"""The generated web API's shape, derived from an intent: resources, fields, foreign keys, order.

Everything the templates need is decided here once (names safe in Python and SQL, which fields
reference which table, the order tables must be created in), so templates only lay text out.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass

from codeguild.engines.builtin.naming import kebab, pascal, safe_identifier, snake, title, words
from codeguild.engines.builtin.web_api_fields import FieldRules, rules_for
from codeguild.intent.models import AuthSpec, Entity, EntityField, ProjectIntent

# attribute names SQLAlchemy's declarative classes or pydantic's BaseModel already use
_TAKEN_FIELD_NAMES = frozenset(
    {"metadata", "registry", "copy", "dict", "json", "schema", "schema_json", "construct"}
    | {"validate", "fields", "from_orm", "parse_obj", "parse_raw", "parse_file"}
)
# module names the project uses for its own components and routes
_TAKEN_MODULES = frozenset({"auth", "common", "health", "app", "main", "docs"})
_ACRONYMS = frozenset({"api", "crm", "erp", "hr", "id", "iot", "url", "http", "rest", "sql"})


@dataclass(frozen=True)
class Reference:
    """Where a foreign-key field points: another resource, or the login user table."""

    model: str  # attribute path from the router module, e.g. "models.Author"
    table: str
    label: str  # human name, e.g. "Author"
    resource: str | None  # module of the referenced resource; None for the user table
    path: str | None  # route of the referenced resource; None for the user table
    factory: str | None  # tests.factories function creating a referenced row
    cyclic: bool = False  # part of a reference cycle: made optional so rows can be created


@dataclass(frozen=True)
class ApiField:
    name: str
    rules: FieldRules
    required: bool
    unique: bool
    reference: Reference | None = None

    @property
    def nullable(self) -> bool:
        return not self.required


@dataclass(frozen=True)
class Resource:
    """One entity exposed as a CRUD resource."""

    cls: str  # model class, e.g. "Book"
    module: str  # module/table name, e.g. "books"
    snake: str  # singular identifier, e.g. "book"
    path: str  # route prefix, e.g. "/books"
    label: str  # "Book"
    label_plural: str  # "books"
    fields: tuple[ApiField, ...]

    @property
    def one(self) -> str:
        """The label with its article: 'a book', 'an author'."""
        low = self.label.lower()
        return f"{'an' if low[:1] in 'aeiou' else 'a'} {low}"

    @property
    def references(self) -> tuple[ApiField, ...]:
        return tuple(f for f in self.fields if f.reference is not None)

    @property
    def required_fields(self) -> tuple[ApiField, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def unique_fields(self) -> tuple[ApiField, ...]:
        return tuple(f for f in self.fields if f.unique)


@dataclass(frozen=True)
class UserTable:
    """The login users of an API with auth (renamed when an entity already is a 'User')."""

    cls: str
    table: str


@dataclass(frozen=True)
class ApiSpec:
    package: str
    title: str
    resources: tuple[Resource, ...]
    auth: AuthSpec | None
    user: UserTable | None
    notes: tuple[str, ...] = ()

    @property
    def protect_writes(self) -> bool:
        return self.auth is not None and self.auth.protect_writes

    @property
    def protect_reads(self) -> bool:
        return self.auth is not None and self.auth.protect_reads


def package_name(intent: ProjectIntent) -> str:
    """The project's import name: the intent's, unless that is not a valid identifier."""
    pkg = intent.package
    if pkg.isidentifier() and not keyword.iskeyword(pkg) and pkg.islower():
        return pkg
    return safe_identifier(intent.name) or "app"


def _key(text: str) -> str:
    return snake(text).replace("_", "")


def _order(entities: list[Entity]) -> tuple[list[Entity], set[tuple[str, str]]]:
    """Entities with referenced ones first; also the (entity, field) references closing a cycle."""
    by_key: dict[str, Entity] = {}
    for e in entities:
        by_key.setdefault(_key(e.name), e)
        by_key.setdefault(_key(e.plural), e)
    ordered: list[Entity] = []
    state: dict[str, str] = {}
    cyclic: set[tuple[str, str]] = set()

    def visit(entity: Entity) -> None:
        state[entity.name] = "visiting"
        for f in entity.fields:
            target = by_key.get(_key(f.references)) if f.references else None
            if target is None:
                continue
            if state.get(target.name) == "visiting":
                cyclic.add((entity.name, f.name))
            elif target.name not in state:
                visit(target)
        state[entity.name] = "done"
        ordered.append(entity)

    for entity in entities:
        if entity.name not in state:
            visit(entity)
    return ordered, cyclic


def _unique_entities(intent: ProjectIntent, notes: list[str]) -> list[Entity]:
    seen: set[str] = set()
    result: list[Entity] = []
    for entity in intent.entities:
        cls = pascal(entity.name)
        if not cls or cls in seen:
            notes.append(f"Skipped entity {entity.name!r}: empty or duplicate name.")
            continue
        seen.add(cls)
        result.append(entity)
    if not result:
        notes.append("The intent names no entities; generated an example 'Item' resource.")
        result.append(
            Entity(
                name="Item",
                plural="items",
                fields=[EntityField(name="name"), EntityField(name="description", type="text")],
            )
        )
    return result


def _module_names(entities: list[Entity]) -> dict[str, str]:
    modules: dict[str, str] = {}
    used: set[str] = set()
    for entity in entities:
        module = safe_identifier(entity.plural or f"{snake(entity.name)}s").rstrip("_")
        if module in _TAKEN_MODULES or keyword.iskeyword(module) or module in used:
            module = f"{module}_records"
        while module in used:
            module = f"{module}_x"
        used.add(module)
        modules[entity.name] = module
    return modules


def _field_name(raw: str, taken: set[str]) -> str | None:
    name = safe_identifier(raw)
    if name == "id_":
        return None  # every resource has its own primary key
    if name in _TAKEN_FIELD_NAMES or name.startswith("model_"):
        name = f"{name}_value"
    while name in taken:
        name = f"{name}_2"
    taken.add(name)
    return name


class _SpecBuilder:
    def __init__(self, intent: ProjectIntent) -> None:
        self.intent = intent
        self.notes: list[str] = []
        entities = _unique_entities(intent, self.notes)
        self.entities, self.cyclic = _order(entities)
        self.modules = _module_names(self.entities)
        self.by_key: dict[str, Entity] = {}
        for e in self.entities:
            self.by_key.setdefault(_key(e.name), e)
            self.by_key.setdefault(_key(e.plural), e)
        self.user = self._user_table()

    def _user_table(self) -> UserTable | None:
        if self.intent.auth is None:
            return None
        if any(_key(e.name) == "user" or self.modules[e.name] == "users" for e in self.entities):
            return UserTable(cls="Account", table="accounts")
        return UserTable(cls="User", table="users")

    def _reference(self, entity: Entity, f: EntityField) -> Reference | None:
        if not f.references:
            return None
        target = self.by_key.get(_key(f.references))
        if target is not None:
            module = self.modules[target.name]
            return Reference(
                model=f"models.{pascal(target.name)}",
                table=module,
                label=title(target.name),
                resource=module,
                path="/" + kebab(module),
                factory=f"create_{snake(target.name)}",
                cyclic=(entity.name, f.name) in self.cyclic,
            )
        if self.user is not None and _key(f.references) in {"user", "users", "account"}:
            return Reference(
                model=self.user.cls,
                table=self.user.table,
                label="User",
                resource=None,
                path=None,
                factory="current_user_id",
            )
        self.notes.append(
            f"{entity.name}.{f.name} references unknown entity {f.references!r}; "
            "kept as a plain integer field."
        )
        return None

    def _fields(self, entity: Entity) -> tuple[ApiField, ...]:
        taken: set[str] = set()
        fields: list[ApiField] = []
        for f in entity.fields:
            name = _field_name(f.name, taken)
            if name is None:
                self.notes.append(f"Dropped {entity.name}.{f.name}: 'id' is the primary key.")
                continue
            ref = self._reference(entity, f)
            kind = "int" if f.references and ref is None else f.type
            required = f.required and not (ref is not None and ref.cyclic)
            rules = rules_for(name, kind, is_reference=ref is not None)
            # a unique yes/no column could hold two rows at most: surely not what was meant
            unique = f.unique and rules.kind != "bool"
            fields.append(ApiField(name, rules, required, unique, ref))
        return tuple(fields)

    def build(self) -> ApiSpec:
        resources = []
        for entity in self.entities:
            module = self.modules[entity.name]
            label = title(entity.name)
            resources.append(
                Resource(
                    cls=pascal(entity.name),
                    module=module,
                    snake=snake(entity.name),
                    path="/" + kebab(module),
                    label=label,
                    label_plural=" ".join(words(module)),
                    fields=self._fields(entity),
                )
            )
        pkg = package_name(self.intent)
        return ApiSpec(
            package=pkg,
            title=" ".join(w.upper() if w in _ACRONYMS else w.capitalize() for w in words(pkg))
            or "API",
            resources=tuple(resources),
            auth=self.intent.auth,
            user=self.user,
            notes=tuple(self.notes),
        )


def build_spec(intent: ProjectIntent) -> ApiSpec:
    """The API the builder generates for ``intent`` (pure and deterministic)."""
    return _SpecBuilder(intent).build()
