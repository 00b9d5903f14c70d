"""Requirement text -> ProjectIntent."""

from codeguild.intent.models import (
    AuthSpec,
    Command,
    Constraints,
    Entity,
    EntityField,
    Feature,
    ProjectIntent,
    ProjectType,
    TechStack,
)

__all__ = [
    "AuthSpec",
    "Command",
    "Constraints",
    "Entity",
    "EntityField",
    "Feature",
    "ProjectIntent",
    "ProjectType",
    "TechStack",
]
