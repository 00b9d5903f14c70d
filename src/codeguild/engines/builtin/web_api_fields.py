"""Rules for one field of a generated resource: column type, validation, sample and invalid values.

The bounds are read from the field's name (``published_year`` gets a year range, ``price`` must
not be negative) so the generated API rejects obviously wrong data without the intent saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

from codeguild.engines.builtin.naming import title, words
from codeguild.intent.models import FieldType

STR_MAX_LENGTH = 255
TEXT_MAX_LENGTH = 100_000
EMAIL_MAX_LENGTH = 320
URL_MAX_LENGTH = 2048

_MONEY_WORDS = (
    "price cost amount total fee salary budget subtotal tax discount wage payment fare revenue "
    "deposit rent tip charge"
)
_NON_NEGATIVE_WORDS = (
    "quantity qty stock count pages capacity size weight height width length depth distance "
    "duration minutes seconds hours days weeks calories copies seats units inventory rating "
    "score stars views likes votes points level floor rooms beds guests servings"
)
_MONEY = frozenset(_MONEY_WORDS.split())
_NON_NEGATIVE = frozenset(_NON_NEGATIVE_WORDS.split())
# (lower, upper) bounds for integers whose name says what range makes sense
_INT_RANGES: tuple[tuple[frozenset[str], tuple[int, int]], ...] = (
    (frozenset({"year"}), (0, 2100)),
    (frozenset({"month"}), (1, 12)),
    (frozenset({"day"}), (1, 31)),
    (frozenset({"hour"}), (0, 23)),
    (frozenset({"minute"}), (0, 59)),
    (frozenset({"age"}), (0, 150)),
    (frozenset({"percent", "percentage", "pct"}), (0, 100)),
)
_FLOAT_RANGES: tuple[tuple[frozenset[str], tuple[int, int]], ...] = (
    (frozenset({"latitude", "lat"}), (-90, 90)),
    (frozenset({"longitude", "lon", "lng"}), (-180, 180)),
    (frozenset({"percent", "percentage", "pct"}), (0, 100)),
)

_SA_TYPES: dict[str, str] = {
    "str": f"sa.String({STR_MAX_LENGTH})",
    "text": "sa.Text()",
    "int": "sa.Integer()",
    "float": "sa.Float()",
    "decimal": "sa.Numeric(12, 2)",
    "bool": "sa.Boolean()",
    "date": "sa.Date()",
    "datetime": "sa.DateTime()",
    "email": f"sa.String({EMAIL_MAX_LENGTH})",
    "url": f"sa.String({URL_MAX_LENGTH})",
}
_PY_TYPES: dict[str, str] = {
    "str": "str",
    "text": "str",
    "int": "int",
    "float": "float",
    "decimal": "decimal.Decimal",
    "bool": "bool",
    "date": "dt.date",
    "datetime": "dt.datetime",
    "email": "str",
    "url": "str",
}
_DOC_TYPES: dict[str, str] = {
    "str": "string",
    "text": "string",
    "int": "integer",
    "float": "number",
    "decimal": "decimal (string)",
    "bool": "boolean",
    "date": "date (YYYY-MM-DD)",
    "datetime": "datetime (ISO 8601)",
    "email": "string (email)",
    "url": "string (URL)",
}


@dataclass(frozen=True)
class FieldRules:
    """Validation and test data for one field, as Python source fragments."""

    kind: FieldType
    lower: int | None = None
    upper: int | None = None
    is_reference: bool = False

    @property
    def sa_type(self) -> str:
        return _SA_TYPES[self.kind]

    @property
    def py_type(self) -> str:
        return _PY_TYPES[self.kind]

    @property
    def doc_type(self) -> str:
        return _DOC_TYPES[self.kind]

    def constraints(self) -> list[str]:
        """Keyword arguments of ``pydantic.Field`` (without ``default``)."""
        args: list[str] = []
        if self.kind in ("str", "text"):
            limit = STR_MAX_LENGTH if self.kind == "str" else TEXT_MAX_LENGTH
            args += ["min_length=1", f"max_length={limit:_}"]
        elif self.kind == "email":
            args += [f"max_length={EMAIL_MAX_LENGTH}", "pattern=EMAIL_PATTERN"]
        elif self.kind == "url":
            args += [f"max_length={URL_MAX_LENGTH:_}", "pattern=URL_PATTERN"]
        if self.lower is not None:
            args.append(f"ge={self.lower}")
        if self.upper is not None:
            args.append(f"le={self.upper}")
        elif self.kind == "int" and not self.is_reference:
            # the largest value every database's INTEGER column holds, instead of a 500 on overflow
            args.append("le=INT_MAX")
        if self.kind == "decimal":
            args += ["max_digits=12", "decimal_places=2"]
        elif self.kind == "float":
            args.append("allow_inf_nan=False")
        return args

    def describe(self) -> str:
        """Human summary of the rules, for the docs: 'integer, 0..2100'."""
        parts = [self.doc_type]
        if self.kind in ("str", "text"):
            parts.append(f"1..{STR_MAX_LENGTH if self.kind == 'str' else TEXT_MAX_LENGTH} chars")
        if self.lower is not None and self.upper is not None:
            parts.append(f"{self.lower}..{self.upper}")
        elif self.lower is not None:
            parts.append(f">= {self.lower}")
        if self.kind == "decimal":
            parts.append("2 decimal places")
        return ", ".join(parts)

    @property
    def validation_imports(self) -> frozenset[str]:
        """Constants the schema module must import from the project's validation module."""
        values = (arg.split("=", 1)[1] for arg in self.constraints())
        return frozenset(v for v in values if v.endswith(("_PATTERN", "INT_MAX")))

    def sample_expr(self, name: str) -> str:
        """A Python expression of a valid value that differs for every ``n`` (1, 2, 3, ...)."""
        label = title(name) or "Value"
        if self.kind == "str":
            return f'f"{label} {{n}}"'
        if self.kind == "text":
            return f'f"{label} number {{n}}."'
        if self.kind == "email":
            return 'f"user{n}@example.com"'
        if self.kind == "url":
            return 'f"https://example.com/items/{n}"'
        if self.kind == "bool":
            return "n % 2 == 1"
        if self.kind == "date":
            return 'f"2024-01-{n % 28 + 1:02d}"'
        if self.kind == "datetime":
            return 'f"2024-01-{n % 28 + 1:02d}T10:30:00"'
        if self.kind == "decimal":
            whole = f"n % {self.upper}" if self.upper is not None else "10 + n"
            return f'f"{{{whole}}}.50"'
        if self.kind == "float":
            # every float range starts at or below zero, so this stays inside it
            return f"n % {self.upper} + 0.5" if self.upper is not None else "n + 0.5"
        if self.upper is not None:
            base = 2000 if "year" in words(name) else (self.lower or 0)
            spread = f"n % {self.upper - base}"
            return f"{base} + {spread}" if base else spread
        return f"{self.lower} + n" if self.lower else "n"

    def invalid_value(self) -> str | int | float:
        """A value the API must reject with 422 (just outside a bound when there is one)."""
        if self.kind in ("str", "text"):
            return ""
        if self.lower is not None and self.kind in ("int", "float", "decimal"):
            below = self.lower - 1
            return f"{below}.00" if self.kind == "decimal" else below
        invalid: dict[str, str] = {
            "email": "not-an-email",
            "url": "not a url",
            "bool": "not-a-bool",
            "date": "not-a-date",
            "datetime": "not-a-datetime",
        }
        return invalid.get(self.kind, "not-a-number")


def rules_for(name: str, kind: FieldType, *, is_reference: bool = False) -> FieldRules:
    """The rules of field ``name`` of type ``kind``; a foreign key is a positive integer id."""
    if is_reference:
        return FieldRules(kind="int", lower=1, is_reference=True)
    name_words = set(words(name))
    if kind in ("int", "float", "decimal"):
        ranges = _INT_RANGES if kind == "int" else _FLOAT_RANGES
        for keys, (lower, upper) in ranges:
            if name_words & keys:
                return FieldRules(kind=kind, lower=lower, upper=upper)
        if name_words & (_MONEY | _NON_NEGATIVE):
            return FieldRules(kind=kind, lower=0)
    return FieldRules(kind=kind)
