"""The OpenAPI 3.1 document: every error documented as ``application/problem+json``, the Bearer scheme."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.datastructures import MutableHeaders
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
            if "requestBody" in operation:  # a body that is not JSON at all: 400 (one that is, wrong: 422)
                operation["responses"].setdefault("400", {"description": WHY[400]})
            for code, response in operation.get("responses", {}).items():
                if code[0] in "45":
                    response["content"] = {PROBLEM: {"schema": problem}}
    api.openapi_schema = doc
    return doc


def install(api: FastAPI) -> None:
    """Serve ``document(api)`` as the API's OpenAPI document; a 405 lists in ``Allow`` every method the path
    has (Starlette names only those of the first route matching the path)."""
    api.openapi = lambda: document(api)  # type: ignore[method-assign]
    api.add_middleware(AllowEveryMethod, api=api)


class AllowEveryMethod:
    """ASGI middleware: the ``Allow`` of a 405 response names the methods of every route of the path."""

    def __init__(self, app: ASGIApp, api: FastAPI):
        self.app, self.api = app, api

    def allowed(self, scope: Scope) -> str:
        """The methods the OpenAPI document gives the path of ``scope`` (under the mount)."""
        path, root = scope.get("path", ""), scope.get("root_path", "")
        path = path[len(root) :] if root and path.startswith(root) else path
        methods = {
            m.upper()
            for template, item in document(self.api).get("paths", {}).items()
            if compile_path(template)[0].match(path)
            for m in item
            if m in ("get", "put", "post", "delete", "patch")
        }
        return ", ".join(sorted(methods))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = MutableHeaders(scope=message)
                headers["Allow"] = self.allowed(scope)
            await send(message)

        await self.app(scope, receive, sending)
