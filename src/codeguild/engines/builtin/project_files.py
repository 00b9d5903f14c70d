"""The generic files every generated project has: pyproject, pinned requirements, .gitignore."""

from __future__ import annotations

from codeguild.engines.builtin.pins import pin
from codeguild.engines.builtin.rendering import render
from codeguild.intent.models import ProjectIntent

DEV_DEPENDENCIES = ("pytest", "pytest-cov", "ruff")


def pyproject_toml(
    intent: ProjectIntent,
    dependencies: list[str],
    dev_dependencies: list[str] | None = None,
    scripts: dict[str, str] | None = None,
) -> str:
    """A pyproject.toml with exact pins, ruff/pytest/bandit config for a flat-layout project.

    ``dependencies`` are distribution names (``"fastapi"``), pinned here to the installed versions.
    ``scripts`` maps console-script names to ``module:function`` targets.
    """
    dev = list(dev_dependencies if dev_dependencies is not None else DEV_DEPENDENCIES)
    return render(
        "common/pyproject.toml.j2",
        intent=intent,
        dependencies=[pin(d) for d in dependencies],
        dev_dependencies=[pin(d) for d in dev],
        scripts=scripts or {},
    )


def requirements_txt(dependencies: list[str]) -> str:
    return "".join(f"{pin(d)}\n" for d in dependencies)


def requirements_dev_txt(dev_dependencies: list[str] | None = None) -> str:
    dev = list(dev_dependencies if dev_dependencies is not None else DEV_DEPENDENCIES)
    return "-r requirements.txt\n" + "".join(f"{pin(d)}\n" for d in dev)


def gitignore() -> str:
    return render("common/gitignore.j2")


def common_files(
    intent: ProjectIntent,
    dependencies: list[str],
    dev_dependencies: list[str] | None = None,
    scripts: dict[str, str] | None = None,
) -> dict[str, str]:
    """pyproject.toml, requirements.txt, requirements-dev.txt and .gitignore together."""
    return {
        "pyproject.toml": pyproject_toml(intent, dependencies, dev_dependencies, scripts),
        "requirements.txt": requirements_txt(dependencies),
        "requirements-dev.txt": requirements_dev_txt(dev_dependencies),
        ".gitignore": gitignore(),
    }
