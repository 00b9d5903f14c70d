"""CLI recipe: line/word/character counts and the most frequent words of text files."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="text_stats",
    summary="Count lines, words and characters of text files and list the most frequent words.",
    project_types=frozenset({ProjectType.CLI_TOOL}),
    domain_sets=(
        frozenset({"word_count"}),
        frozenset({"text_stats"}),
        frozenset({"text_statistics"}),
        frozenset({"word_frequency"}),
    ),
    keywords=(
        r"\bword[ -]?counts?\b",
        r"\bcount(?:s|ing)?\b[^.]{0,30}\bwords\b",
        r"\bword frequenc",
        r"\btext stat",
        r"\b(?:most )?(?:common|frequent) words\b",
    ),
    modules=(
        RecipeFile("text_stats.py", "cli_tool/recipes/text_stats/text_stats.py.j2"),
        RecipeFile("commands_text_stats.py", "cli_tool/recipes/text_stats/commands.py.j2"),
    ),
    tests=(RecipeFile("test_text_stats.py", "cli_tool/recipes/text_stats/test_text_stats.py.j2"),),
    api=("count", "top-words"),
    command_modules=("commands_text_stats",),
    usage=("{prog} count notes.txt", "{prog} top-words notes.txt --top 5"),
)
