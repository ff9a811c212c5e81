"""The API application: /api/v1 routes, problem+json errors, OpenAPI 3.1; app.py mounts it at /api."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, FastAPI

from inbox.store import Store

from . import openapi, problems

VERSION = "v1"
PREFIX = f"/{VERSION}"  # under the /api mount: /api/v1/...


def create_api(store_for: Callable[[], Store]) -> FastAPI:
    """The API over the store ``store_for()`` returns (the process's one store, shared with the UI)."""
    api = FastAPI(
        title="Inbox contacts API",
        version="1.0.0",
        summary="Contacts, attributes layout, imports, the deletion log and members of one Inbox workspace.",
        description=(
            "Every call acts as the member who owns the API token (`Authorization: Bearer <token>`), "
            "with that member's role. Errors are RFC 9457 problem details (`application/problem+json`) "
            "whose `detail` is the message the command line prints."
        ),
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    api.state.store_for = store_for
    problems.install(api)
    openapi.install(api)  # errors documented as problem+json
    for router in _routers():
        api.include_router(router, prefix=PREFIX)
    return api


def _routers() -> list[APIRouter]:
    """Every area's router (each module defines ``router``)."""
    from . import (
        docs,
        routes_contacts,
        routes_deletion_log,
        routes_exports,
        routes_imports,
        routes_layout,
        routes_members,
        routes_merge,
        routes_retention,
    )

    return [
        docs.router,
        routes_contacts.router,
        routes_layout.router,
        routes_members.router,
        routes_imports.router,
        routes_deletion_log.router,
        routes_merge.router,
        routes_exports.router,
        routes_retention.router,
    ]
