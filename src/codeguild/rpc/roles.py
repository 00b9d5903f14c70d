"""The roles a worker can serve: each is one of the team's local agents, built the same way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from codeguild.agents.base import (
    CODE,
    DOCUMENT,
    REVIEW,
    RUN_TESTS,
    SECURITY,
    WRITE_TESTS,
    Agent,
)
from codeguild.config import Settings
from codeguild.quality.sandbox import Sandbox
from codeguild.rpc.errors import UnknownRoleError

#: role name -> the AgentTeam attribute holding that agent (the role is the agent's name)
_TEAM_ATTRIBUTES = {
    "coder": "coder",
    "tester": "tester",
    "reviewer": "reviewer",
    "security": "security",
    "documenter": "docs",
}
KNOWN_ROLES: tuple[str, ...] = tuple(sorted(_TEAM_ATTRIBUTES))
#: what the orchestrator routes to a role; a unit test keeps it equal to the agents' own
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    "coder": frozenset({CODE}),
    "tester": frozenset({WRITE_TESTS, RUN_TESTS}),
    "reviewer": frozenset({REVIEW}),
    "security": frozenset({SECURITY}),
    "documenter": frozenset({DOCUMENT}),
}


def parse_roles(text: str | Iterable[str]) -> list[str]:
    """``"tester, reviewer"`` (or a list) -> ``["tester", "reviewer"]``, duplicates dropped."""
    items = text.split(",") if isinstance(text, str) else list(text)
    return list(dict.fromkeys(r.strip() for r in items if r.strip()))


def check_roles(roles: Sequence[str], known: Iterable[str] = KNOWN_ROLES) -> None:
    """Raise UnknownRoleError naming the first unknown role and the known ones."""
    known = sorted(known)
    if not roles:
        raise UnknownRoleError(
            "No role given.", hint=f"Name at least one of the known roles: {', '.join(known)}."
        )
    for role in roles:
        if role not in known:
            raise UnknownRoleError(unknown_role_message(role, known))


def unknown_role_message(role: str, known: Iterable[str]) -> str:
    return f"Unknown role {role!r}; known roles: {', '.join(sorted(known))}."


def local_agents(roles: Sequence[str], settings: Settings) -> dict[str, Agent]:
    """The in-process agents of ``roles``, configured exactly as a local run configures them."""
    from codeguild.team import AgentTeam  # the team pulls in every agent; only workers need it

    check_roles(roles)
    team = AgentTeam(settings, Sandbox())
    return {role: getattr(team, _TEAM_ATTRIBUTES[role]) for role in roles}
