"""ProjectIntent: the structured form of a requirement that every later stage reads."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ProjectType(StrEnum):
    """The kinds of project the engines build."""

    WEB_API = "web_api"
    CLI_TOOL = "cli_tool"
    LIBRARY = "library"


class ProjectCategory(StrEnum):
    """What the requirement asks for, including kinds no engine builds yet."""

    WEB_API = "web_api"
    CLI_TOOL = "cli_tool"
    LIBRARY = "library"
    WEB_APP = "web_app"
    DATA_PIPELINE = "data_pipeline"
    UNKNOWN = "unknown"


EntityRole = Literal["record", "type", "data"]
FieldType = Literal[
    "str", "text", "int", "float", "decimal", "bool", "date", "datetime", "email", "url"
]
Priority = Literal["p0", "p1", "p2", "p3"]
FeatureType = Literal["core", "security", "data", "integration", "ui", "ops", "quality"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EntityField(_Model):
    """One attribute of an entity, e.g. ``price: decimal``."""

    name: str = Field(description="snake_case identifier", examples=["published_year"])
    type: FieldType = "str"
    required: bool = True
    unique: bool = False
    references: str | None = Field(
        default=None, description="Entity name this field points to (a foreign key), if any."
    )


class Entity(_Model):
    """A domain noun the project manages, e.g. ``Book``."""

    name: str = Field(description="PascalCase singular", examples=["Book"])
    plural: str = Field(description="snake_case plural used in routes/tables", examples=["books"])
    fields: list[EntityField] = Field(default_factory=list)
    assumed: bool = Field(
        default=False,
        description="Filled in by default because the text named no entity (an assumption "
        "recorded in the intent's assumptions), not extracted from the text.",
    )
    role: EntityRole = Field(
        default="record",
        description="record: the project stores or manages these; type: a data type a library "
        "defines for its callers (a library stores nothing); data: the shape of the data a "
        "pipeline moves without keeping it. Engines model all three; only records are stored.",
    )


class Feature(_Model):
    name: str = Field(examples=["user_authentication"])
    type: FeatureType = "core"
    priority: Priority = "p1"
    description: str = ""
    acceptance_criteria: list[str] = Field(default_factory=list)


class Command(_Model):
    """A command of a CLI tool or a public function of a library, as the requirement names it."""

    name: str = Field(examples=["csv-to-json", "validate_isbn"])
    description: str = ""
    options: list[str] = Field(default_factory=list)


class TechStack(_Model):
    language: list[str] = Field(default_factory=lambda: ["python"])
    backend: list[str] = Field(default_factory=list)
    database: list[str] = Field(default_factory=list)
    testing: list[str] = Field(default_factory=lambda: ["pytest"])
    other: list[str] = Field(default_factory=list)
    defaults: list[str] = Field(
        default_factory=list, description="Entries filled in by default, not asked for."
    )
    versions: dict[str, str] = Field(
        default_factory=dict, description="Versions the requirement named, e.g. postgresql: 16."
    )


class ConstraintValue(_Model):
    """One constraint as data: ``concurrent_users >= 1000``, ``latency_p99 < 200``, ``oauth2``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["performance", "security", "deployment", "other"]
    name: str = Field(description="snake_case metric, standard or target", examples=["latency_p99"])
    op: Literal["<", "<=", ">=", "=", ""] = ""
    value: float | str | None = Field(
        default=None, description="A number (performance) or a label such as '3.12' or 'daily'"
    )
    unit: str = ""

    @property
    def key(self) -> str:
        """A stable comparison key, e.g. ``performance:latency_p99<200ms``."""
        if self.value is None:
            return f"{self.kind}:{self.name}"
        shown = self.value
        if isinstance(shown, float) and shown.is_integer():
            shown = int(shown)
        return f"{self.kind}:{self.name}{self.op}{shown}{self.unit}"


class Constraints(_Model):
    performance: list[str] = Field(default_factory=list)
    security: list[str] = Field(default_factory=list)
    deployment: list[str] = Field(default_factory=list)
    other: list[str] = Field(default_factory=list)
    parsed: list[ConstraintValue] = Field(
        default_factory=list, description="The same constraints as structured values."
    )


class AuthSpec(_Model):
    """Login for a web API: which routes need a bearer token."""

    scheme: Literal["jwt"] = "jwt"
    protect_writes: bool = True
    protect_reads: bool = False


class SimilarRequest(_Model):
    """A near-duplicate of an earlier requirement whose intent was reused."""

    similarity: float
    method: Literal["embedding", "tokens"]
    fingerprint: str = Field(description="Short hash of the earlier requirement")


class Classification(_Model):
    """How the project type was decided."""

    category: ProjectCategory
    method: Literal["keywords", "embedding+keywords", "forced"]
    scores: dict[str, float] = Field(default_factory=dict)
    model_consulted: bool = Field(
        False,
        description="Whether the sentence-embedding model was asked: in auto mode only when the "
        "keywords alone do not decide the category.",
    )


class ProjectIntent(_Model):
    """What the user asked for, made explicit. Anything guessed is listed in ``assumptions``."""

    requirement: str = Field(description="The original requirement text.")
    project_type: ProjectType
    name: str = Field(description="kebab-case project name", examples=["bookstore-api"])
    summary: str
    entities: list[Entity] = Field(default_factory=list)
    features: list[Feature] = Field(default_factory=list)
    commands: list[Command] = Field(default_factory=list)
    auth: AuthSpec | None = Field(default=None, description="Set when the project needs login.")
    domains: list[str] = Field(
        default_factory=list,
        description="Known problem domains recognised in the text (e.g. 'isbn', 'csv_json').",
    )
    tech_stack: TechStack = Field(default_factory=TechStack)
    constraints: Constraints = Field(default_factory=Constraints)
    assumptions: list[str] = Field(default_factory=list)
    confidence: dict[str, float] = Field(default_factory=dict)
    classification: Classification | None = Field(
        default=None, description="The requested kind of project and how it was decided."
    )
    similar_request: SimilarRequest | None = Field(
        default=None, description="Set when the intent was reused from a near-duplicate request."
    )

    @property
    def package(self) -> str:
        """The Python package name of the generated project."""
        return self.name.replace("-", "_")

    def has_feature(self, name: str) -> bool:
        return any(f.name == name for f in self.features)
