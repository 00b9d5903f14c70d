"""The API's errors and their mapping to HTTP: every error is ``{"error": code, "detail": ...}``.

Errors raised anywhere below the API (CodeguildError subclasses) are mapped by kind, so the
engine, store and pipeline never need to know about HTTP.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from codeguild.errors import (
    CodeguildError,
    IntentError,
    OutputExistsError,
    RequirementError,
    StoreUnavailableError,
)
from codeguild.metrics import record_error
from codeguild.store.db.errors import (
    ArtifactNotFoundError,
    ContextConflictError,
    RunNotFoundError,
    TaskNotFoundError,
)
from codeguild.store.db.projects import ProjectNotFoundError
from codeguild.store.db.users import (
    ApiKeyNotFoundError,
    InvalidRoleError,
    UserExistsError,
    UserNotFoundError,
)

log = logging.getLogger(__name__)


class ApiError(CodeguildError):
    """An error the API answers with ``status``; subclasses fix the status and code."""

    status: int = 400
    headers: dict[str, str] | None = None


class AuthenticationError(ApiError):
    """No credentials, or credentials that are wrong, expired or revoked."""

    code = "unauthenticated"
    status = 401
    headers = {"WWW-Authenticate": "Bearer"}


class PermissionDeniedError(ApiError):
    """The caller is known but their role does not allow this."""

    code = "forbidden"
    status = 403


class NotFoundError(ApiError):
    code = "not_found"
    status = 404


class ConflictError(ApiError):
    """The request contradicts the current state (e.g. cancelling a finished project)."""

    code = "conflict"
    status = 409


class RequestTooLargeError(ApiError):
    code = "request_too_large"
    status = 413


class InvalidRequestError(ApiError):
    code = "invalid_request"
    status = 422


class RateLimitedError(ApiError):
    """Too many requests: ``retry_after_s`` says when to try again (sent as Retry-After)."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after_s: float, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after_s = max(1, int(retry_after_s + 0.999))
        self.headers = {"Retry-After": str(self.retry_after_s)}


class InsecureConfigError(CodeguildError):
    """The API refuses to start with settings that are unsafe in production."""

    code = "insecure_config"
    exit_code = 2


#: status codes of errors raised below the API, most specific class first
_STATUS_BY_KIND: tuple[tuple[type[CodeguildError], int], ...] = (
    (ProjectNotFoundError, 404),
    (RunNotFoundError, 404),
    (TaskNotFoundError, 404),
    (ArtifactNotFoundError, 404),
    (UserNotFoundError, 404),
    (ApiKeyNotFoundError, 404),
    (UserExistsError, 409),
    (OutputExistsError, 409),
    (ContextConflictError, 409),
    (InvalidRoleError, 422),
    (RequirementError, 422),
    (IntentError, 422),
    (StoreUnavailableError, 503),  # the database or the shared memory (Redis)
)


def status_of(exc: CodeguildError) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    for kind, status in _STATUS_BY_KIND:
        if isinstance(exc, kind):
            return status
    return 500


def error_body(code: str, detail: str) -> dict[str, Any]:
    return {"error": code, "detail": detail}


def _respond(
    code: str, detail: str, status: int, headers: dict[str, str] | None = None
) -> JSONResponse:
    record_error(code)
    return JSONResponse(error_body(code, detail), status_code=status, headers=headers)


async def _codeguild_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CodeguildError)
    status = status_of(exc)
    if status >= 500:
        log.error("request failed code=%s detail=%s", exc.code, exc)
    headers = exc.headers if isinstance(exc, ApiError) else None
    return _respond(exc.code, str(exc), status, headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors()[:5]:
        where = ".".join(str(part) for part in err.get("loc", ()) if part != "body") or "body"
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    detail = "Invalid request: " + "; ".join(problems) + ". Fix these fields and send it again."
    return _respond("invalid_request", detail, 422)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
}


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return _respond(code, detail, exc.status_code, dict(exc.headers or {}) or None)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error in the API", exc_info=exc)
    return _respond(
        "internal_error", "The server failed on this request; the error is logged.", 500
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CodeguildError, _codeguild_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


#: OpenAPI description of the error responses, reused by the routers
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {"error": {"type": "string"}, "detail": {"type": "string"}},
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        401: "Missing, wrong or expired credentials",
        403: "Your role does not allow this",
        404: "Not found (or not visible to you)",
        409: "Conflicts with the current state",
        413: "Request body too large",
        422: "Invalid request",
        429: "Rate limited; see the Retry-After header",
        503: "Database unreachable",
    }
    return {
        s: {
            "description": descriptions.get(s, "Error"),
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
        for s in statuses
    }
