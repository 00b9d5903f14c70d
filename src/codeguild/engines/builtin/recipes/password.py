"""Library recipe: password strength scoring with actionable feedback."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="password",
    summary="Score password strength (0-4) with entropy estimate and feedback.",
    project_types=frozenset({ProjectType.LIBRARY}),
    domain_sets=(
        frozenset({"password"}),
        frozenset({"password_strength"}),
        frozenset({"passwords"}),
    ),
    keywords=(
        r"\bpassword strength\b",
        r"\bstrength of (?:a |the )?passwords?\b",
        r"\bpasswords?\b[^.]{0,40}\b(?:strength|strong|weak|scor)",
    ),
    modules=(RecipeFile("password.py", "library/recipes/password.py.j2"),),
    tests=(RecipeFile("test_password.py", "library/recipes/test_password.py.j2"),),
    api=(
        "score_password",
        "check_password",
        "estimate_entropy",
        "is_strong_password",
        "PasswordReport",
    ),
    usage=(
        "from {package} import check_password",
        "",
        'report = check_password("correct horse battery staple")',
        "print(report.score, report.label, report.feedback)",
    ),
    cli_examples=(
        (("check-password", "T7#kq!Vz2@pL9$wR"), "very strong", 0),
        (("is-strong-password", "abc"), "False", 1),
        (("is-strong-password", "abc", "--min-score", "9"), "min_score", 1),
    ),
)
