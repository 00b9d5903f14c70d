"""CLI recipe: checksums of files (sha256, md5, ...) and verification against a checksum file."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="checksum",
    summary="Compute file checksums (sha256, sha1, sha512, md5) and verify them.",
    project_types=frozenset({ProjectType.CLI_TOOL}),
    domain_sets=(
        frozenset({"checksum"}),
        frozenset({"checksums"}),
        frozenset({"hashing"}),
        frozenset({"file_hash"}),
    ),
    keywords=(
        r"\bchecksums?\b",
        r"\bsha-?256\b",
        r"\bmd5\b",
        r"\bhash(?:es|ing)? (?:of )?files?\b",
    ),
    modules=(
        RecipeFile("checksums.py", "cli_tool/recipes/checksum/checksums.py.j2"),
        RecipeFile("commands_checksum.py", "cli_tool/recipes/checksum/commands.py.j2"),
    ),
    tests=(RecipeFile("test_checksum.py", "cli_tool/recipes/checksum/test_checksum.py.j2"),),
    api=("hash",),
    command_modules=("commands_checksum",),
    usage=(
        "{prog} hash report.pdf photo.jpg",
        "{prog} hash report.pdf --algorithm md5",
        "{prog} hash report.pdf > SHA256SUMS && {prog} hash --verify SHA256SUMS",
    ),
)
