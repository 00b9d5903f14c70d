"""Recipes: temperature, length and mass conversion, as a library module and as a CLI."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

_DOMAINS = (
    frozenset({"temperature"}),
    frozenset({"units"}),
    frozenset({"unit_conversion"}),
    frozenset({"unit_converter"}),
)
_KEYWORDS = (
    r"\btemperatures?\b",
    r"\bcelsius\b",
    r"\bfahrenheit\b",
    r"\bkelvin\b",
    r"\bunit(?:s)? conver",
    r"\bconvert\w*\b[^.]{0,30}\bunits\b",
)
_LOGIC = RecipeFile("units.py", "library/recipes/units.py.j2")

CLI_RECIPE = Recipe(
    name="units_cli",
    summary="Convert temperatures (C/F/K), lengths and masses from the command line.",
    project_types=frozenset({ProjectType.CLI_TOOL}),
    domain_sets=_DOMAINS,
    keywords=_KEYWORDS,
    modules=(_LOGIC, RecipeFile("commands_units.py", "cli_tool/recipes/units/commands.py.j2")),
    tests=(RecipeFile("test_units_cli.py", "cli_tool/recipes/units/test_units_cli.py.j2"),),
    api=("convert", "units"),
    command_modules=("commands_units",),
    usage=(
        "{prog} convert 100 --from C --to F",
        "{prog} convert 5 --from km --to mi",
        "{prog} units",
    ),
)

LIBRARY_RECIPE = Recipe(
    name="units",
    summary="Convert temperatures (C/F/K), lengths and masses.",
    project_types=frozenset({ProjectType.LIBRARY}),
    domain_sets=_DOMAINS,
    keywords=_KEYWORDS,
    modules=(_LOGIC,),
    tests=(RecipeFile("test_units.py", "library/recipes/test_units.py.j2"),),
    api=("convert", "celsius_to_fahrenheit", "fahrenheit_to_celsius", "celsius_to_kelvin"),
    usage=(
        "from {package} import celsius_to_fahrenheit, convert",
        "",
        "celsius_to_fahrenheit(100)  # 212.0",
        'convert(5, "km", "mi")  # 3.1068...',
    ),
)
