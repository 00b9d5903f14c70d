"""JWTs: access tokens for users, and short-lived stream tickets for EventSource.

A browser's EventSource cannot send an Authorization header, so the page trades its access
token for a ticket bound to one project, valid for a minute, and passes it as ``?ticket=``.
Access tokens are never accepted in a URL (URLs end up in logs and browser history).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import jwt

from codeguild.api.errors import AuthenticationError

ALGORITHM = "HS256"
ACCESS = "access"
STREAM = "stream"
STREAM_TICKET_S = 60
#: verified tokens remembered (oldest forgotten first); a client reuses one token many times
VERIFIED_CACHE_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: str
    username: str
    role: str
    kind: str
    expires_at: int
    project_id: str | None = None


class TokenCodec:
    """Issues and checks the API's JWTs with one signing key."""

    def __init__(self, secret: str, access_ttl_s: int) -> None:
        self._secret = secret
        self.access_ttl_s = access_ttl_s
        # a token's claims never change once signed, so a verified one need not be verified
        # again: only its expiry is checked on every use
        self._verified: OrderedDict[tuple[str, str], TokenClaims] = OrderedDict()

    def issue(
        self,
        user_id: str,
        username: str,
        role: str,
        *,
        kind: str = ACCESS,
        project_id: str | None = None,
        ttl_s: int | None = None,
    ) -> tuple[str, int]:
        """A signed token and its lifetime in seconds."""
        now = int(time.time())
        ttl = ttl_s if ttl_s is not None else self.access_ttl_s
        claims: dict[str, Any] = {
            "sub": user_id,
            "name": username,
            "role": role,
            "typ": kind,
            "iat": now,
            "exp": now + ttl,
        }
        if project_id is not None:
            claims["pid"] = project_id
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), ttl

    def decode(self, token: str, *, kind: str = ACCESS) -> TokenClaims:
        """The claims of a valid, unexpired token of ``kind``; AuthenticationError otherwise."""
        known = self._verified.get((kind, token))
        if known is not None:
            if known.expires_at > time.time():
                return known
            del self._verified[(kind, token)]  # expired: the full check below says so
        claims = self._verify(token, kind)
        self._verified[(kind, token)] = claims
        if len(self._verified) > VERIFIED_CACHE_SIZE:
            self._verified.popitem(last=False)
        return claims

    def _verify(self, token: str, kind: str) -> TokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "sub", "typ"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthenticationError(
                "The token has expired.", hint="Get a new one from POST /api/auth/token."
            ) from exc
        except jwt.InvalidTokenError as exc:
            raise AuthenticationError(
                f"The token is not valid ({exc}).", hint="Get one from POST /api/auth/token."
            ) from exc
        if claims.get("typ") != kind:
            raise AuthenticationError(
                f"A {claims.get('typ')} token cannot be used here; a {kind} token is needed.",
                hint="Send the access token as 'Authorization: Bearer <token>'.",
            )
        return TokenClaims(
            user_id=str(claims["sub"]),
            username=str(claims.get("name", "")),
            role=str(claims.get("role", "viewer")),
            kind=kind,
            expires_at=int(claims["exp"]),
            project_id=claims.get("pid"),
        )
