"""The OpenAPI 3.1 document: every error documented as ``application/problem+json``, the Bearer scheme."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .models import ProblemDetail
from .problems import PROBLEM

WHY = {
    400: "The request cannot be done as asked",
    401: "No valid API token (missing, unknown, expired, revoked, or its member is disabled)",
    403: "The member's role does not allow this",
    404: "Not found",
    409: "Conflicts with the data as it is now (the detail says why)",
    412: "The version in If-Match is no longer current (`current_version` and the ETag say which is)",
    422: "Invalid input: one line per problem in `errors`",
    428: "This write needs an If-Match header with the version it was read at",
    429: "Too many failed attempts from this client: wait `Retry-After` seconds",
    503: "The database cannot be reached right now",
}
ALWAYS = (401, 429, 503)  # every call: a token is checked, may be throttled, reads the database


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The documented error responses of an operation: ``codes`` and those of ``ALWAYS``."""
    return {c: {"model": ProblemDetail, "description": WHY[c]} for c in sorted({*codes, *ALWAYS})}


def document(api: FastAPI) -> dict[str, Any]:
    """The API's OpenAPI document (cached on ``api``): error responses are problem+json only."""
    if api.openapi_schema:
        return api.openapi_schema
    doc = get_openapi(
        title=api.title,
        version=api.version,
        openapi_version=api.openapi_version,
        summary=api.summary,
        description=api.description,
        routes=api.routes,
        servers=api.servers or None,
    )
    problem = {"$ref": "#/components/schemas/ProblemDetail"}
    for path in doc.get("paths", {}).values():
        for operation in path.values():
            for code, response in operation.get("responses", {}).items():
                if code[0] in "45":
                    response["content"] = {PROBLEM: {"schema": problem}}
    api.openapi_schema = doc
    return doc


def install(api: FastAPI) -> None:
    """Serve ``document(api)`` as the API's OpenAPI document."""
    api.openapi = lambda: document(api)  # type: ignore[method-assign]
