"""Library recipe: descriptive statistics over sequences of numbers."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="statistics",
    summary="Mean, median, mode, variance, standard deviation, percentiles and a summary.",
    project_types=frozenset({ProjectType.LIBRARY}),
    domain_sets=(
        frozenset({"statistics"}),
        frozenset({"stats"}),
        frozenset({"descriptive_statistics"}),
    ),
    keywords=(
        r"\bstatistic(?:s|al)\b",
        r"\bmedian\b",
        r"\bstandard deviation\b",
        r"\bpercentiles?\b",
    ),
    modules=(RecipeFile("statistics.py", "library/recipes/statistics.py.j2"),),
    tests=(RecipeFile("test_statistics.py", "library/recipes/test_statistics.py.j2"),),
    api=(
        "mean",
        "median",
        "mode",
        "variance",
        "stdev",
        "percentile",
        "summarize",
        "EmptyDataError",
    ),
    usage=(
        "from {package} import mean, median, percentile",
        "",
        "mean([1, 2, 3, 4])  # 2.5",
        "median([3, 1, 2])  # 2.0",
        "percentile([1, 2, 3, 4], 50)  # 2.5",
    ),
    cli_examples=(
        (("mean", "1", "2", "3", "4"), "2.5", 0),
        (("percentile", "1", "2", "3", "4", "50"), "2.5", 0),
        (("stdev", "5"), "at least 2", 1),
    ),
)
