"""Library recipe: Roman numerals (1..3999) with strict validation."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="roman",
    summary="Convert integers 1..3999 to Roman numerals and back, with strict validation.",
    project_types=frozenset({ProjectType.LIBRARY}),
    domain_sets=(
        frozenset({"roman_numerals"}),
        frozenset({"roman"}),
        frozenset({"roman_numeral"}),
    ),
    keywords=(r"\broman\b",),
    modules=(RecipeFile("roman.py", "library/recipes/roman.py.j2"),),
    tests=(RecipeFile("test_roman.py", "library/recipes/test_roman.py.j2"),),
    api=("to_roman", "from_roman", "is_roman", "InvalidRomanNumeralError"),
    usage=(
        "from {package} import from_roman, to_roman",
        "",
        'to_roman(1994)  # "MCMXCIV"',
        'from_roman("MMXXIV")  # 2024',
    ),
    cli_examples=(
        (("to-roman", "1994"), "MCMXCIV", 0),
        (("from-roman", "MMXXIV"), "2024", 0),
        (("from-roman", "IIII"), "canonical", 1),
        (("to-roman", "4000"), "1..3999", 1),
    ),
)
