"""ProjectIntent: the structured form of a requirement that every later stage reads."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ProjectType(StrEnum):
    WEB_API = "web_api"
    CLI_TOOL = "cli_tool"
    LIBRARY = "library"


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


class Constraints(_Model):
    performance: list[str] = Field(default_factory=list)
    security: list[str] = Field(default_factory=list)
    deployment: list[str] = Field(default_factory=list)
    other: list[str] = Field(default_factory=list)


class AuthSpec(_Model):
    """Login for a web API: which routes need a bearer token."""

    scheme: Literal["jwt"] = "jwt"
    protect_writes: bool = True
    protect_reads: bool = False


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

    @property
    def package(self) -> str:
        """The Python package name of the generated project."""
        return self.name.replace("-", "_")

    def has_feature(self, name: str) -> bool:
        return any(f.name == name for f in self.features)
