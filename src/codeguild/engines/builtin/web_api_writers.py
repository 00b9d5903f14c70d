"""The application code of a generated web API: core modules, models, auth, routers, main."""

from __future__ import annotations

from codeguild.engines.builtin import web_api_pycode as pycode
from codeguild.engines.builtin.rendering import render
from codeguild.engines.builtin.web_api_spec import ApiField, ApiSpec, Resource

_CORE_MODULES = ("config", "database", "pagination", "repository", "validation")
_AUTH_MODULES = ("__init__", "models", "passwords", "tokens", "schemas", "dependencies", "router")


def _column(f: ApiField) -> str:
    """The model attribute of one field, e.g. ``price: orm.Mapped[decimal.Decimal] = ...``."""
    py_type = f.rules.py_type + (" | None" if f.nullable else "")
    args: list[str] = []
    if f.reference is not None:
        args.append(f'sa.ForeignKey("{f.reference.table}.id")')
    else:
        args.append(f.rules.sa_type)
    if f.unique:
        args.append("unique=True")
    if f.reference is not None or f.unique:
        args.append("index=True")
    return pycode.call(f"{f.name}: orm.Mapped[{py_type}] = orm.mapped_column", args, indent=1)


def _schema_field(f: ApiField, *, optional: bool) -> str:
    """A pydantic field of a Create (``optional`` False) or Update (True) body."""
    nullable = optional or f.nullable
    py_type = f.rules.py_type + (" | None" if nullable else "")
    args = (["default=None"] if nullable else []) + f.rules.constraints()
    if f.reference is not None:
        args.append("description=" + pycode.py_str(f"Id of an existing {f.reference.label}."))
    if not args:
        return f"    {f.name}: {py_type}"
    if args == ["default=None"]:
        return f"    {f.name}: {py_type} = None"
    return pycode.call(f"{f.name}: {py_type} = Field", args, indent=1)


def _read_field(f: ApiField) -> str:
    return f"    {f.name}: {f.rules.py_type}" + (" | None" if f.nullable else "")


def _type_imports(fields: tuple[ApiField, ...]) -> list[str]:
    """``import datetime as dt`` / ``import decimal`` when the fields need them."""
    kinds = {f.rules.kind for f in fields}
    lines = []
    if kinds & {"date", "datetime"}:
        lines.append("import datetime as dt")
    if "decimal" in kinds:
        lines.append("import decimal")
    return lines


class CodeWriter:
    """Renders the package modules of one :class:`ApiSpec`."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec
        self.pkg = spec.package

    def _render(self, template: str, **context: object) -> str:
        return render(f"web_api/{template}", spec=self.spec, pkg=self.pkg, pycode=pycode, **context)

    # -- file lists (the blueprint needs them without rendering anything) -----------------

    def core_files(self) -> tuple[str, ...]:
        return (
            f"{self.pkg}/__init__.py",
            *(f"{self.pkg}/{m}.py" for m in _CORE_MODULES),
            f"{self.pkg}/schemas/__init__.py",
            f"{self.pkg}/routers/__init__.py",
        )

    def auth_files(self) -> tuple[str, ...]:
        return tuple(f"{self.pkg}/auth/{m}.py" for m in _AUTH_MODULES)

    # -- components ------------------------------------------------------------------------

    def core(self) -> dict[str, str]:
        files = {f"{self.pkg}/__init__.py": self._render("package_init.py.j2")}
        for module in _CORE_MODULES:
            files[f"{self.pkg}/{module}.py"] = self._render(f"core/{module}.py.j2")
        files[f"{self.pkg}/schemas/__init__.py"] = (
            '"""Request and response bodies, one module per resource."""\n'
        )
        files[f"{self.pkg}/routers/__init__.py"] = '"""HTTP routes, one module per resource."""\n'
        return files

    def models(self) -> dict[str, str]:
        fields = tuple(f for r in self.spec.resources for f in r.fields)
        columns = {r.cls: [_column(f) for f in r.fields] for r in self.spec.resources}
        return {
            f"{self.pkg}/models.py": self._render(
                "models.py.j2",
                type_imports=_type_imports(fields),
                needs_sa=bool(fields),
                columns=columns,
            )
        }

    def auth(self) -> dict[str, str]:
        return {
            f"{self.pkg}/auth/{m}.py": self._render(
                f"auth/{m.strip('_')}.py.j2", user=self.spec.user
            )
            for m in _AUTH_MODULES
        }

    def resource(self, r: Resource) -> dict[str, str]:
        return {
            f"{self.pkg}/schemas/{r.module}.py": self._schemas(r),
            f"{self.pkg}/routers/{r.module}.py": self._router(r),
        }

    def _schemas(self, r: Resource) -> str:
        validation: set[str] = {"PartialUpdate"}
        for f in r.fields:
            validation |= f.rules.validation_imports
        create_fields = [_schema_field(f, optional=False) for f in r.fields]
        update_fields = [_schema_field(f, optional=True) for f in r.fields]
        return self._render(
            "schemas.py.j2",
            r=r,
            type_imports=_type_imports(r.fields),
            validation_import=pycode.import_from(f"{self.pkg}.validation", sorted(validation)),
            uses_field=any("= Field(" in line for line in create_fields + update_fields),
            create_fields=create_fields,
            update_fields=update_fields,
            read_fields=[_read_field(f) for f in r.fields],
        )

    def _router(self, r: Resource) -> str:
        spec = self.spec
        guard_reads = spec.protect_reads
        guard_writes = spec.protect_writes or spec.protect_reads
        user_refs = [f for f in r.references if f.reference and f.reference.resource is None]
        checks = [
            pycode.call(
                "ensure_exists",
                ["db", f.reference.model, "data", pycode.py_str(f.name)],
                indent=1,
            )
            for f in r.references
            if f.reference is not None
        ]
        schemas_import = pycode.import_from(
            f"{self.pkg}.schemas.{r.module}",
            [f"{r.cls}Create", f"{r.cls}Read", f"{r.cls}Update"],
            importer=f"{self.pkg}.routers.{r.module}",
        )
        if pycode.is_relative(schemas_import):
            schemas_import = f"\n{schemas_import}"  # the last import: a section of its own
        return self._render(
            "router.py.j2",
            r=r,
            read_guard=", dependencies=PROTECTED" if guard_reads else "",
            write_guard=", dependencies=PROTECTED" if guard_writes else "",
            guarded=guard_writes,
            user_import=bool(user_refs),
            checks=checks,
            repository_import=pycode.import_from(
                f"{self.pkg}.repository",
                ["commit_or_conflict", "get_or_404", "paginate"]
                + (["ensure_exists"] if checks else []),
            ),
            schemas_import=schemas_import,
        )

    def app(self) -> dict[str, str]:
        router_imports = sorted(
            pycode.import_from(
                f"{self.pkg}.routers.{r.module}",
                [f"router as {r.module}_router"],
                importer=f"{self.pkg}.main",
            )
            for r in self.spec.resources
        )
        relative = [line for line in router_imports if pycode.is_relative(line)]
        if relative:
            absolute = [line for line in router_imports if not pycode.is_relative(line)]
            router_imports = [*absolute, "", *relative]
        return {f"{self.pkg}/main.py": self._render("main.py.j2", router_imports=router_imports)}
