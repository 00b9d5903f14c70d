"""Library recipe: the Luhn (mod 10) checksum used by card and identification numbers."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="luhn",
    summary="Validate numbers with the Luhn (mod 10) checksum and compute check digits.",
    project_types=frozenset({ProjectType.LIBRARY}),
    domain_sets=(
        frozenset({"luhn"}),
        frozenset({"credit_card"}),
        frozenset({"checksum_digit"}),
    ),
    keywords=(
        r"\bluhn\b",
        r"\bcredit[ -]?card numbers?\b",
        r"\bmod(?:ulus)?[ -]?10\b",
    ),
    modules=(RecipeFile("luhn.py", "library/recipes/luhn.py.j2"),),
    tests=(RecipeFile("test_luhn.py", "library/recipes/test_luhn.py.j2"),),
    api=("is_valid_luhn", "luhn_checksum", "luhn_check_digit", "append_check_digit"),
    usage=(
        "from {package} import is_valid_luhn, luhn_check_digit",
        "",
        'is_valid_luhn("4539 1488 0343 6467")  # True',
        'luhn_check_digit("7992739871")  # 3',
    ),
    cli_examples=(
        (("is-valid-luhn", "79927398713"), "True", 0),
        (("is-valid-luhn", "79927398710"), "False", 1),
        (("luhn-check-digit", "7992739871"), "3", 0),
        (("luhn-check-digit", "12x"), "digits", 1),
    ),
)
