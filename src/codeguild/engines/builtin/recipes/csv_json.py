"""CLI recipe: convert CSV files to JSON and back, with column selection and pretty printing."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="csv_json",
    summary="Convert CSV files to JSON and JSON arrays of objects back to CSV.",
    project_types=frozenset({ProjectType.CLI_TOOL}),
    domain_sets=(frozenset({"csv_json"}), frozenset({"csv", "json"}), frozenset({"csv_to_json"})),
    keywords=(
        r"\bcsv\b[^.]{0,40}\bjson\b",
        r"\bjson\b[^.]{0,40}\bcsv\b",
    ),
    modules=(
        RecipeFile("conversion.py", "cli_tool/recipes/csv_json/conversion.py.j2"),
        RecipeFile("commands_csv_json.py", "cli_tool/recipes/csv_json/commands.py.j2"),
    ),
    tests=(RecipeFile("test_csv_json.py", "cli_tool/recipes/csv_json/test_csv_json.py.j2"),),
    api=("csv-to-json", "json-to-csv"),
    command_modules=("commands_csv_json",),
    usage=(
        "{prog} csv-to-json people.csv --pretty",
        "{prog} csv-to-json people.csv --columns name,age --output people.json",
        "{prog} json-to-csv people.json --delimiter ';' --output people.csv",
    ),
)
