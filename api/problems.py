"""RFC 9457 problem details for every error under /api: the CLI's one-line messages, never a traceback."""

from __future__ import annotations

import logging
import math
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from inbox.errors import (
    Conflict,
    InboxError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    Problems,
    StoreUnavailable,
    Throttled,
    TokenRefused,
    WriteFailed,
)

PROBLEM = "application/problem+json"
TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}  # RFC 9110's names (Python 3.11 has older)
LOG = logging.getLogger("inbox.api")
# The most specific class first: TokenRefused is a PermissionDenied, PreconditionFailed a Conflict.
STATUS: list[tuple[type[InboxError], int]] = [
    (TokenRefused, 401),
    (Throttled, 429),
    (PreconditionFailed, 412),
    (PermissionDenied, 403),
    (NotFound, 404),
    (InvalidInput, 422),
    (Conflict, 409),
    (StoreUnavailable, 503),
    (WriteFailed, 507),
]


def status_of(exc: InboxError) -> int:
    """The HTTP status of a domain error (400 for one not listed: the request cannot be done as asked)."""
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 400)


def problem(status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """A problem+json response: ``title`` the status phrase, ``detail`` the one-line message."""
    title = TITLES.get(status) or HTTPStatus(status).phrase
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def inbox_problem(exc: InboxError) -> JSONResponse:
    """A domain error's response: its message; one line per problem in ``errors``; Retry-After, ETag."""
    status, extra, headers = status_of(exc), dict[str, Any](), dict[str, str]()
    if isinstance(exc, Problems):
        extra["errors"] = list(exc.problems)
    if isinstance(exc, Throttled):
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if isinstance(exc, TokenRefused):
        headers["WWW-Authenticate"] = 'Bearer realm="inbox"'
    if isinstance(exc, PreconditionFailed) and exc.current_version is not None:
        extra["current_version"] = exc.current_version
        headers["ETag"] = f'"{exc.current_version}"'
    return problem(status, str(exc), headers=headers, **extra)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def validation_lines(exc: RequestValidationError) -> list[str]:
    """One line per invalid field, as a person reads it: ``name: field required``."""
    return [
        f"{_field(tuple(e.get('loc', ())))}: {str(e.get('msg', 'invalid')).lower()}" for e in exc.errors()
    ]


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` with problem+json."""

    async def on_inbox(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InboxError)
        return inbox_problem(exc)

    async def on_invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        lines = validation_lines(exc)
        return problem(422, "; ".join(lines) or "invalid request", errors=lines)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return problem(exc.status_code, detail, headers=dict(exc.headers or {}))

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        LOG.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(
            500, "unexpected error; nothing was changed by a failed write (the server log has details)"
        )

    app.add_exception_handler(InboxError, on_inbox)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
