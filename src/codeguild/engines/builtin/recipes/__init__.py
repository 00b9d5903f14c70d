"""Domain recipes: specialised, tested implementations the built-in engine drops into projects."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.engines.builtin.recipes.registry import RECIPES, matching_recipes, recipe_named

__all__ = ["RECIPES", "Recipe", "RecipeFile", "matching_recipes", "recipe_named"]
