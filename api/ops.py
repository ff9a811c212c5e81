"""Operations routes beside the UI: /healthz (the process is up), /readyz (the database answers), /metrics."""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from inbox import operations
from inbox.store import Store

from .metrics import HttpMetrics, exposition
from .problems import problem

LOG = logging.getLogger("inbox.api")
NO_STORE = {"Cache-Control": "no-store"}
TOKEN_ENV = "INBOX_METRICS_TOKEN"  # when set, /metrics asks for it as a bearer token (Prometheus sends it)
NOT_READY = "the database does not answer (the server log says why)"


def _metrics_allowed(request: Request) -> bool:
    expected = os.environ.get(TOKEN_ENV, "")
    if not expected:
        return True
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


def ops_routes(store_for: Callable[[], Store], metrics: HttpMetrics | None = None) -> list[Route]:
    """The three routes, over the store ``store_for()`` returns (the process's, shared with the UI)."""

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"}, headers=NO_STORE)  # the process is up: no database asked

    async def readyz(request: Request) -> Response:
        try:
            await run_in_threadpool(lambda: operations.ready(store_for()))
        except Exception as exc:  # whatever stops the database answering: not ready
            LOG.warning("readyz: the database did not answer: %s", exc)
            return problem(503, NOT_READY, headers={**NO_STORE, "Retry-After": "5"})
        return JSONResponse({"status": "ok"}, headers=NO_STORE)

    async def metrics_text(request: Request) -> Response:
        if not _metrics_allowed(request):
            return problem(
                401,
                f"send the metrics token (${TOKEN_ENV}) as Authorization: Bearer <token>",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
        body = await run_in_threadpool(exposition, store_for, metrics)
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)

    return [
        Route("/healthz", healthz, methods=["GET"], name="healthz"),
        Route("/readyz", readyz, methods=["GET"], name="readyz"),
        Route("/metrics", metrics_text, methods=["GET"], name="metrics"),
    ]
