"""POST /api/auth/token (JSON or OAuth2 password form) and GET /api/auth/me."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from codeguild.api.deps import CurrentPrincipal, State
from codeguild.api.errors import AuthenticationError, error_responses
from codeguild.api.passwords import DUMMY_HASH, verify_password
from codeguild.api.schemas import TokenRequest, TokenResponse, UserOut

router = APIRouter(prefix="/api/auth", tags=["auth"])

_FORM = "application/x-www-form-urlencoded"
_TOKEN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/TokenRequest"}},
            _FORM: {
                "schema": {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["password"]},
                        "username": {"type": "string", "minLength": 1, "maxLength": 64},
                        "password": {"type": "string", "minLength": 1, "maxLength": 256},
                    },
                }
            },
        },
    }
}


async def _credentials(request: Request) -> TokenRequest:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/json":
            return TokenRequest.model_validate_json(await request.body())
        form = await request.form()
        return TokenRequest.model_validate(
            {"username": form.get("username"), "password": form.get("password")}
        )
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc


@router.post(
    "/token",
    response_model=TokenResponse,
    summary="Log in: exchange a username and password for a JWT",
    description="Accepts a JSON body or an OAuth2 password form (`grant_type=password`).",
    openapi_extra=_TOKEN_BODY,
    responses=error_responses(401, 422),
)
async def issue_token(request: Request, state: State) -> TokenResponse:
    body = await _credentials(request)
    found = await state.users.credentials(body.username)
    # scrypt costs ~50 ms: off the event loop, and also for unknown users (equal timing)
    stored = found[1] if found else DUMMY_HASH
    ok = await asyncio.to_thread(verify_password, body.password, stored)
    if found is None or not ok:
        raise AuthenticationError(
            "Wrong username or password.", hint="Check both; ask an admin to reset the password."
        )
    user = found[0]
    token, ttl = state.tokens.issue(user.id, user.username, user.role)
    return TokenResponse(
        access_token=token,
        expires_in=ttl,
        username=user.username,
        role=user.role,  # type: ignore[arg-type]
    )


@router.get("/me", response_model=UserOut, responses=error_responses(401))
async def me(principal: CurrentPrincipal, state: State) -> UserOut:
    """The caller's own account."""
    user = await state.users.get(principal.user_id)
    if user is None:
        raise AuthenticationError("Your account no longer exists.", hint="Log in again.")
    return UserOut(id=user.id, username=user.username, role=user.role, created_at=user.created_at)  # type: ignore[arg-type]
