"""Admin endpoints for accounts: users and machine API keys."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response

from codeguild.api.deps import Admin, State
from codeguild.api.errors import error_responses
from codeguild.api.passwords import api_key_prefix, hash_api_key, hash_password, new_api_key
from codeguild.api.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut, UserCreate, UserOut
from codeguild.store.db.users import ApiKeyRecord

router = APIRouter(prefix="/api", tags=["admin"])


def _key_out(record: ApiKeyRecord) -> ApiKeyOut:
    return ApiKeyOut(
        id=record.id,
        name=record.name,
        prefix=record.prefix,
        user_id=record.user_id,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


@router.post(
    "/users",
    status_code=201,
    response_model=UserOut,
    summary="Create a user (admin)",
    responses=error_responses(401, 403, 409, 422),
)
async def create_user(body: UserCreate, _admin: Admin, state: State) -> UserOut:
    hashed = await asyncio.to_thread(hash_password, body.password)
    user = await state.users.create(body.username, hashed, body.role)
    return UserOut(id=user.id, username=user.username, role=body.role, created_at=user.created_at)


@router.get(
    "/users",
    response_model=list[UserOut],
    summary="List users (admin)",
    responses=error_responses(401, 403),
)
async def list_users(_admin: Admin, state: State) -> list[UserOut]:
    return [
        UserOut(id=u.id, username=u.username, role=u.role, created_at=u.created_at)  # type: ignore[arg-type]
        for u in await state.users.list()
    ]


@router.post(
    "/api-keys",
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Create an API key for a user (admin); the key is shown only in this response",
    responses=error_responses(401, 403, 404, 422),
)
async def create_api_key(body: ApiKeyCreate, _admin: Admin, state: State) -> ApiKeyCreated:
    user = await state.users.require_by_name(body.username)
    key = new_api_key()
    record = await state.users.add_api_key(
        user.id, body.name, hash_api_key(key), api_key_prefix(key)
    )
    return ApiKeyCreated(key=key, **_key_out(record).model_dump())


@router.get(
    "/api-keys",
    response_model=list[ApiKeyOut],
    summary="List API keys (admin); never the keys themselves",
    responses=error_responses(401, 403),
)
async def list_api_keys(_admin: Admin, state: State) -> list[ApiKeyOut]:
    return [_key_out(k) for k in await state.users.list_api_keys()]


@router.delete(
    "/api-keys/{key_id}",
    status_code=204,
    summary="Revoke an API key (admin)",
    responses=error_responses(401, 403, 404),
)
async def revoke_api_key(key_id: str, _admin: Admin, state: State) -> Response:
    await state.users.revoke_api_key(key_id)
    return Response(status_code=204)
