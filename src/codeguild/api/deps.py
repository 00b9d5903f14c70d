"""Who is calling, and what their role lets them do: the API's auth dependencies.

Credentials, in order: ``Authorization: Bearer <jwt>``, then ``X-API-Key: <key>``. Roles rank
admin > developer > viewer; a route names the lowest role it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from codeguild.api.broadcast import Broadcaster
from codeguild.api.caching import FinalResponses
from codeguild.api.errors import AuthenticationError, PermissionDeniedError
from codeguild.api.jobs import GenerationJobs
from codeguild.api.passwords import hash_api_key
from codeguild.api.ratelimit import RateLimiter
from codeguild.api.tokens import TokenCodec
from codeguild.config import Settings
from codeguild.store.db import Store
from codeguild.store.db.projects import ProjectRepository
from codeguild.store.db.users import UserRepository

RANK = {"viewer": 0, "developer": 1, "admin": 2}


@dataclass
class AppState:
    """Everything the routes share, built once by ``create_app``."""

    settings: Settings
    store: Store
    users: UserRepository
    projects: ProjectRepository
    tokens: TokenCodec
    jobs: GenerationJobs
    broadcaster: Broadcaster
    generate_limit: RateLimiter
    data_dir: Path
    final_responses: FinalResponses = field(default_factory=FinalResponses)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    user_id: str
    username: str
    role: str
    via: str  # "token" | "api_key"

    def at_least(self, role: str) -> bool:
        return RANK.get(self.role, -1) >= RANK[role]


async def get_state(request: Request) -> AppState:
    # async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, a thread hop
    # that cost more than the rest of a status request
    state: AppState = request.app.state.codeguild
    return state


State = Annotated[AppState, Depends(get_state)]

bearer_scheme = HTTPBearer(auto_error=False, description="A JWT from POST /api/auth/token")
api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A machine key created by an admin"
)


async def authenticate(state: AppState, token: str | None, api_key: str | None) -> Principal:
    """The caller of a bearer ``token`` or else an ``api_key``; AuthenticationError otherwise."""
    if token is not None:
        claims = state.tokens.decode(token)
        # the user (and role) comes from the database, not the token, through a cache of at most
        # USER_TTL_S: a demoted or deleted user loses access within that time
        user = await state.users.get(claims.user_id)
        if user is None:
            raise AuthenticationError(
                "The token's user no longer exists.", hint="Log in again as an existing user."
            )
        return Principal(user.id, user.username, user.role, "token")
    if api_key:
        user = await state.users.user_for_key(hash_api_key(api_key))
        if user is None:
            raise AuthenticationError(
                "The API key is unknown or was revoked.", hint="Ask an admin for a new key."
            )
        return Principal(user.id, user.username, user.role, "api_key")
    raise AuthenticationError(
        "This endpoint needs credentials.",
        hint="Send 'Authorization: Bearer <token>' (POST /api/auth/token) or 'X-API-Key: <key>'.",
    )


async def current_principal(
    state: State,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Principal:
    return await authenticate(state, bearer.credentials if bearer else None, api_key)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(role: str) -> object:
    """A dependency that lets through callers with ``role`` or a higher one."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.at_least(role):
            raise PermissionDeniedError(
                f"Your role ({principal.role}) cannot do this; it needs {role} or higher.",
                hint="Ask an admin to change your role.",
            )
        return principal

    return Depends(check)


Viewer = Annotated[Principal, require("viewer")]
Developer = Annotated[Principal, require("developer")]
Admin = Annotated[Principal, require("admin")]
