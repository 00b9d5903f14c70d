"""Library recipe: e-mail address and URL validation."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="email_url",
    summary="Validate and normalise e-mail addresses and http(s) URLs.",
    project_types=frozenset({ProjectType.LIBRARY}),
    domain_sets=(
        frozenset({"email"}),
        frozenset({"url"}),
        frozenset({"email_validation"}),
        frozenset({"url_validation"}),
        frozenset({"emails"}),
        frozenset({"urls"}),
    ),
    keywords=(
        r"\bvalidat\w*\b[^.]{0,40}\b(?:e-?mails?|urls?)\b",
        r"\b(?:e-?mail|url)s?\b[^.]{0,20}\bvalidat",
    ),
    modules=(RecipeFile("email_url.py", "library/recipes/email_url.py.j2"),),
    tests=(RecipeFile("test_email_url.py", "library/recipes/test_email_url.py.j2"),),
    api=(
        "is_valid_email",
        "validate_email",
        "normalize_email",
        "is_valid_url",
        "validate_url",
        "InvalidEmailError",
        "InvalidUrlError",
    ),
    usage=(
        "from {package} import is_valid_email, validate_url",
        "",
        'is_valid_email("ada@example.com")  # True',
        'validate_url("https://example.com/a?b=1")  # returns the URL or raises',
    ),
    cli_examples=(
        (("is-valid-email", "ada@example.com"), "True", 0),
        (("normalize-email", "Ada@Example.COM"), "Ada@example.com", 0),
        (("validate-url", "ftp://example.com"), "scheme", 1),
    ),
)
