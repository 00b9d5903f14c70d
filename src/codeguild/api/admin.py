"""``codeguild users add``: create a user (typically the first admin) straight in the database."""

from __future__ import annotations

import asyncio

from codeguild.api.passwords import hash_password
from codeguild.config import get_settings
from codeguild.errors import CodeguildError
from codeguild.store.db import Store
from codeguild.store.db.users import UserRecord, UserRepository, check_role

MIN_PASSWORD_CHARS = 8


class WeakPasswordError(CodeguildError):
    code = "weak_password"
    exit_code = 2


async def add_user(
    username: str, password: str, role: str = "admin", *, database_url: str | None = None
) -> UserRecord:
    """Create ``username`` with ``role`` (admin, developer or viewer) in the configured database.

    Raises UserExistsError if the name is taken, InvalidRoleError for an unknown role and
    WeakPasswordError for a password shorter than 8 characters.
    """
    check_role(role)
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPasswordError(
            f"The password has {len(password)} characters; at least {MIN_PASSWORD_CHARS} needed.",
            hint="Choose a longer password (a passphrase of a few words works well).",
        )
    url = database_url if database_url is not None else get_settings().database_url
    store = await Store.open(url)
    try:
        hashed = await asyncio.to_thread(hash_password, password)
        return await UserRepository(store.db).create(username, hashed, role)
    finally:
        await store.close()
