"""The pytest suite of a generated web API: fixtures, payload factories and one module per resource.

Test data comes from the field rules (a valid sample and an invalid value per type), so every
resource gets the same coverage whatever its fields are.
"""

from __future__ import annotations

from codeguild.engines.builtin import web_api_pycode as pycode
from codeguild.engines.builtin.rendering import render
from codeguild.engines.builtin.web_api_spec import ApiSpec, Resource

_CLIENT_ARGS = ("client: TestClient", "auth_headers: dict[str, str]")


def test_def(name: str, *extra: str) -> str:
    """``def test_x(client, auth_headers, ...) -> None:`` in formatter shape."""
    return pycode.call(f"def {name}", [*_CLIENT_ARGS, *extra], tail=" -> None:")


def _payload_body(r: Resource) -> str:
    """The factory's body: create the referenced rows, then return a payload numbered ``n``."""
    lines: list[str] = []
    items: list[tuple[str, str]] = []
    for index, f in enumerate(r.fields, start=1):
        ref = f.reference
        if ref is None:
            items.append((f.name, f.rules.sample_expr(f.name)))
        elif ref.cyclic:
            # a row in a reference cycle cannot require its partner to exist first
            items.append((f.name, "None"))
        elif ref.resource is None:
            items.append((f.name, "current_user_id(client, headers)"))
        else:
            variable = f"referenced_{index}"
            args = ["client", "headers", "next(SEQUENCE)"]
            lines.append(pycode.call(f"{variable} = {ref.factory}", args, indent=1))
            items.append((f.name, f'{variable}["id"]'))
    return "\n".join([*lines, _return_dict(items)])


def _literal_dict(name: str, items: list[tuple[str, str]]) -> str:
    """``NAME = {"key": value, ...}`` exploded one entry per line (a stable formatter shape)."""
    if not items:
        return f"{name}: dict[str, object] = {{}}"
    body = "".join(f"    {pycode.py_str(key)}: {value},\n" for key, value in items)
    return f"{name} = {{\n{body}}}"


def _return_dict(items: list[tuple[str, str]]) -> str:
    if not items:
        return "    return {}"
    body = "".join(f"        {pycode.py_str(key)}: {value},\n" for key, value in items)
    return f"    return {{\n{body}    }}"


def _literal_list(name: str, values: list[str]) -> str:
    if not values:
        return f"{name}: list[str] = []"
    body = "".join(f"    {pycode.py_str(v)},\n" for v in values)
    return f"{name} = [\n{body}]"


class TestWriter:
    """Renders the test modules of one :class:`ApiSpec`."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec
        self.pkg = spec.package

    def _render(self, template: str, **context: object) -> str:
        return render(
            f"web_api/tests/{template}",
            spec=self.spec,
            pkg=self.pkg,
            pycode=pycode,
            test_def=test_def,
            **context,
        )

    def common(self) -> dict[str, str]:
        factories = []
        for r in self.spec.resources:
            factories.append(
                {
                    "r": r,
                    "payload_def": self._factory_def(f"{r.snake}_payload", "Payload"),
                    "create_def": self._factory_def(f"create_{r.snake}", "Payload"),
                    "body": _payload_body(r),
                }
            )
        user_refs = any(
            f.reference is not None and f.reference.resource is None
            for r in self.spec.resources
            for f in r.fields
        )
        return {
            "tests/__init__.py": "",
            "tests/conftest.py": self._render("conftest.py.j2"),
            "tests/factories.py": self._render(
                "factories.py.j2", factories=factories, user_refs=user_refs
            ),
            "tests/test_app.py": self._render("test_app.py.j2"),
        }

    @staticmethod
    def _factory_def(name: str, returns: str) -> str:
        args = ["client: TestClient", "headers: Headers", "n: int = 1"]
        return pycode.call(f"def {name}", args, tail=f" -> {returns}:")

    def resource(self, r: Resource) -> dict[str, str]:
        invalid = [(f.name, pycode.py_literal(f.rules.invalid_value())) for f in r.fields]
        patch_fields = [f.name for f in r.fields if f.reference is None][:1] or [
            f.name for f in r.fields
        ][:1]
        refs = [(f.name, f.reference) for f in r.references if f.reference is not None]
        deletable = [
            (name, pycode.py_str(ref.path))
            for name, ref in refs
            if ref.path is not None and not ref.cyclic
        ]
        return {
            f"tests/test_{r.module}.py": self._render(
                "test_resource.py.j2",
                r=r,
                payload_fn=f"{r.snake}_payload",
                create_fn=f"create_{r.snake}",
                factories_import=pycode.import_from(
                    "tests.factories", [f"{r.snake}_payload", f"create_{r.snake}"]
                ),
                invalid_values=_literal_dict("INVALID_VALUES", invalid) if invalid else "",
                required_fields=_literal_list(
                    "REQUIRED_FIELDS", [f.name for f in r.required_fields]
                ),
                patch_fields=_literal_list("PATCH_FIELDS", patch_fields),
                refs=refs,
                references=_literal_list("REFERENCE_FIELDS", [name for name, _ in refs]),
                deletable=_literal_dict("REFERENCED_PATHS", deletable) if deletable else "",
                unique_fields=_literal_list("UNIQUE_FIELDS", [f.name for f in r.unique_fields]),
                guarded_writes=self.spec.protect_writes or self.spec.protect_reads,
            )
        }

    def auth(self) -> dict[str, str]:
        return {"tests/test_auth.py": self._render("test_auth.py.j2")}
