"""API auth: tokens, expiry, API keys, roles, and the production key check."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from api_support import PASSWORD, Api, api, assert_error, make_settings, start_api

from codeguild.api.app import create_app
from codeguild.api.errors import InsecureConfigError
from codeguild.config import DEFAULT_JWT_SECRET

pytestmark = pytest.mark.integration
__all__ = ["api"]


async def test_token_from_json_and_from_oauth2_form(api: Api) -> None:
    as_json = await api.login("dev")
    assert as_json.status_code == 200
    assert as_json.json()["role"] == "developer"
    as_form = await api.client.post(
        "/api/auth/token",
        data={"grant_type": "password", "username": "dev", "password": PASSWORD},
    )
    assert as_form.status_code == 200, as_form.text
    token = as_form.json()["access_token"]
    me = await api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "dev"


async def test_token_expires_after_its_configured_lifetime(api: Api) -> None:
    claims = jwt.decode(api.tokens["dev"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == api.settings.token_expiry_s
    expired = jwt.encode(
        {**claims, "iat": int(time.time()) - 120, "exp": int(time.time()) - 60},
        api.settings.jwt_secret,
        algorithm="HS256",
    )
    response = await api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {expired}"})
    body = assert_error(response, 401, "unauthenticated")
    assert "expired" in body["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


async def test_wrong_password_unknown_user_forged_and_missing_token_are_401(api: Api) -> None:
    assert_error(await api.login("dev", "not-the-password"), 401, "unauthenticated")
    assert_error(await api.login("nobody"), 401, "unauthenticated")
    claims = jwt.decode(api.tokens["viewer"], options={"verify_signature": False})
    forged = jwt.encode(
        {**claims, "role": "admin"}, "another-signing-key-" + "y" * 40, algorithm="HS256"
    )
    assert_error(
        await api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"}),
        401,
    )
    assert_error(await api.client.get("/api/projects"), 401, "unauthenticated")
    assert_error(await api.client.get("/api/agents/status"), 401)


async def test_login_body_is_validated(api: Api) -> None:
    body = assert_error(
        await api.client.post("/api/auth/token", json={"username": "dev"}), 422, "invalid_request"
    )
    assert "password" in body["detail"]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("admin", True), ("dev", False), ("viewer", False)],
)
async def test_only_admins_manage_agents_users_and_keys(api: Api, who: str, allowed: bool) -> None:
    calls = [
        ("POST", "/api/agents/register", {"name": f"w-{who}", "capabilities": ["code"]}),
        ("POST", "/api/users", {"username": f"u-{who}", "password": "p" * 10, "role": "viewer"}),
        ("GET", "/api/users", None),
        ("POST", "/api/api-keys", {"username": "dev", "name": "ci"}),
        ("GET", "/api/api-keys", None),
    ]
    for method, path, body in calls:
        response = await api.client.request(method, path, json=body, headers=api.auth(who))
        if allowed:
            assert response.status_code in (200, 201), response.text
        else:
            assert_error(response, 403, "forbidden")


async def test_viewer_cannot_generate_or_submit(api: Api) -> None:
    for path in ("/api/projects/generate", "/api/tasks/submit"):
        response = await api.client.post(
            path, json={"requirement": "a library"}, headers=api.auth("viewer")
        )
        assert_error(response, 403, "forbidden")


async def test_api_key_acts_as_its_user_until_revoked(api: Api) -> None:
    created = await api.client.post(
        "/api/api-keys", json={"username": "dev", "name": "ci"}, headers=api.auth("admin")
    )
    assert created.status_code == 201
    key = created.json()["key"]
    listed = await api.client.get("/api/api-keys", headers=api.auth("admin"))
    assert key not in listed.text  # only the hash is stored and shown
    me = await api.client.get("/api/auth/me", headers={"X-API-Key": key})
    assert me.json()["username"] == "dev"
    revoke = await api.client.delete(
        f"/api/api-keys/{created.json()['id']}", headers=api.auth("admin")
    )
    assert revoke.status_code == 204
    assert_error(await api.client.get("/api/auth/me", headers={"X-API-Key": key}), 401)
    again = await api.client.delete(
        f"/api/api-keys/{created.json()['id']}", headers=api.auth("admin")
    )
    assert_error(again, 404, "api_key_not_found")
    assert_error(await api.client.get("/api/auth/me", headers={"X-API-Key": "cg_guess"}), 401)


async def test_api_key_for_unknown_user_is_404(api: Api) -> None:
    response = await api.client.post(
        "/api/api-keys", json={"username": "ghost", "name": "x"}, headers=api.auth("admin")
    )
    assert_error(response, 404, "user_not_found")


async def test_created_user_can_log_in_and_duplicates_conflict(api: Api) -> None:
    body = {"username": "erin", "password": "long-enough-pass", "role": "viewer"}
    created = await api.client.post("/api/users", json=body, headers=api.auth("admin"))
    assert created.status_code == 201
    assert (await api.login("erin", "long-enough-pass")).json()["role"] == "viewer"
    duplicate = await api.client.post("/api/users", json=body, headers=api.auth("admin"))
    assert_error(duplicate, 409, "user_exists")
    bad_role = await api.client.post(
        "/api/users", json={**body, "username": "f", "role": "root"}, headers=api.auth("admin")
    )
    assert_error(bad_role, 422, "invalid_request")


def test_production_mode_refuses_the_default_or_a_short_key(tmp_path: Path) -> None:
    for secret in (DEFAULT_JWT_SECRET, "short"):
        settings = make_settings(tmp_path, production=True, jwt_secret=secret)
        with pytest.raises(InsecureConfigError, match="CODEGUILD_JWT_SECRET"):
            create_app(settings)
    create_app(make_settings(tmp_path, production=True, jwt_secret="k" * 48))
    create_app(make_settings(tmp_path, production=False, jwt_secret=DEFAULT_JWT_SECRET))


async def test_add_user_creates_the_first_admin(tmp_path: Path) -> None:
    from codeguild.api.admin import WeakPasswordError, add_user
    from codeguild.store.db.users import InvalidRoleError, UserExistsError

    url = f"sqlite+aiosqlite:///{tmp_path / 'admin.db'}"
    with pytest.raises(WeakPasswordError, match="at least 8"):
        await add_user("root", "short", "admin", database_url=url)
    with pytest.raises(InvalidRoleError):
        await add_user("root", "long-enough-pw", "owner", database_url=url)
    created = await add_user("root", "long-enough-pw", "admin", database_url=url)
    assert created.role == "admin"
    with pytest.raises(UserExistsError):
        await add_user("root", "another-password", "admin", database_url=url)
    async for running in start_api(make_settings(tmp_path, database_url=url)):
        token = await running.login("root", "long-enough-pw")
        assert token.json()["role"] == "admin"
