"""Library recipe: URL slugs from arbitrary (unicode) titles."""

from codeguild.engines.builtin.recipes.base import Recipe, RecipeFile
from codeguild.intent.models import ProjectType

RECIPE = Recipe(
    name="slug",
    summary="Turn titles into URL-safe slugs (unicode folding, max length, unique).",
    project_types=frozenset({ProjectType.LIBRARY}),
    domain_sets=(
        frozenset({"slug"}),
        frozenset({"slugify"}),
        frozenset({"slugs"}),
    ),
    keywords=(r"\bslug",),
    modules=(RecipeFile("slug.py", "library/recipes/slug.py.j2"),),
    tests=(RecipeFile("test_slug.py", "library/recipes/test_slug.py.j2"),),
    api=("slugify", "is_slug", "unique_slug"),
    usage=(
        "from {package} import slugify, unique_slug",
        "",
        'slugify("Hello, World!")  # "hello-world"',
        'slugify("Crème Brûlée", separator="_")  # "creme_brulee"',
        'unique_slug("Hello", existing={{"hello"}})  # "hello-2"',
    ),
    cli_examples=(
        (("slugify", "Hello, World!"), "hello-world", 0),
        (("slugify", "Hello World", "--separator", "_"), "hello_world", 0),
        (("slugify", "x", "--separator", "a"), "separator", 1),
    ),
)
