"""The recipe registry: every recipe that matches an intent, in a stable order."""

from __future__ import annotations

import logging

from codeguild.engines.builtin.recipes import (
    checksum,
    csv_json,
    email_url,
    isbn,
    luhn,
    password,
    roman,
    slug,
    statistics,
    text_stats,
    units,
)
from codeguild.engines.builtin.recipes.base import Recipe
from codeguild.intent.models import ProjectIntent

logger = logging.getLogger(__name__)

RECIPES: tuple[Recipe, ...] = (
    csv_json.RECIPE,
    text_stats.RECIPE,
    checksum.RECIPE,
    units.CLI_RECIPE,
    units.LIBRARY_RECIPE,
    isbn.RECIPE,
    roman.RECIPE,
    slug.RECIPE,
    luhn.RECIPE,
    password.RECIPE,
    statistics.RECIPE,
    email_url.RECIPE,
)


def matching_recipes(intent: ProjectIntent) -> list[Recipe]:
    """Every recipe for the intent's project type whose domains or keywords match, in order."""
    found = [r for r in RECIPES if r.matches(intent)]
    logger.debug("recipes matched project=%s recipes=%s", intent.name, [r.name for r in found])
    return found


def recipe_named(name: str) -> Recipe:
    for recipe in RECIPES:
        if recipe.name == name:
            return recipe
    raise KeyError(name)
