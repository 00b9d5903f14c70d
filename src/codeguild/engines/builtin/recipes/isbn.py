"""Library recipe: parse, validate and convert ISBN-10 and ISBN-13 numbers."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="isbn",
    summary="Parse, normalise, validate and convert ISBN-10/ISBN-13 numbers.",
    project_types=frozenset({ProjectType.LIBRARY}),
    domain_sets=(
        frozenset({"isbn"}),
        frozenset({"isbn10"}),
        frozenset({"isbn13"}),
    ),
    keywords=(r"\bisbn",),
    modules=(RecipeFile("isbn.py", "library/recipes/isbn.py.j2"),),
    tests=(RecipeFile("test_isbn.py", "library/recipes/test_isbn.py.j2"),),
    api=(
        "parse_isbn",
        "normalize_isbn",
        "validate_isbn10",
        "validate_isbn13",
        "is_valid_isbn",
        "isbn10_to_isbn13",
        "isbn13_to_isbn10",
        "Isbn",
        "InvalidIsbnError",
    ),
    usage=(
        "from {package} import Isbn, isbn10_to_isbn13, validate_isbn13",
        "",
        'validate_isbn13("978-0-306-40615-7")  # True',
        'isbn10_to_isbn13("0-306-40615-2")  # "9780306406157"',
        'Isbn.parse("0 306 40615 2").isbn13  # "9780306406157"',
    ),
    cli_examples=(
        (("isbn10-to-isbn13", "0-306-40615-2"), "9780306406157", 0),
        (("validate-isbn13", "9780306406158"), "False", 1),
        (("parse-isbn", "12345"), "10 or 13", 1),
        (("isbn13-to-isbn10", "979-10-90636-07-1"), "979", 1),
    ),
)
