"""Requirement text -> ProjectIntent."""

from codeguild.intent.models import (
    AuthSpec,
    Classification,
    Command,
    Constraints,
    ConstraintValue,
    Entity,
    EntityField,
    Feature,
    ProjectCategory,
    ProjectIntent,
    ProjectType,
    SimilarRequest,
    TechStack,
)

__all__ = [
    "AuthSpec",
    "Classification",
    "Command",
    "ConstraintValue",
    "Constraints",
    "Entity",
    "EntityField",
    "Feature",
    "ProjectCategory",
    "ProjectIntent",
    "ProjectType",
    "SimilarRequest",
    "TechStack",
]
