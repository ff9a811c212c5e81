"""Prometheus metrics (a private registry): HTTP requests by route template and status with their latency,
and workspace figures read from the store at each scrape."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette._utils import get_route_path  # (what starlette.routing uses; not re-exported)
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inbox import operations
from inbox.store import Store

LOG = logging.getLogger("inbox.api")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # a path no route answers: never the path itself (one series per typo is unbounded)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class HttpMetrics:
    """The request counter and latency histogram, in their own registry (not the process-wide default)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "inbox_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "inbox_http_request_duration_seconds",
            "Time to answer an HTTP request (the whole body sent), by method and route template.",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )


HTTP = HttpMetrics()  # this process's


def route_template(scope: Scope, root_path: str = "") -> str:
    """The template of the route that answered (``/api/v1/contacts/{contact_id}``), mounts included; a
    mount whose app matched nothing inside: ``/api/{path}``; no route at all: ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    mounted = str(scope.get("root_path", ""))
    prefix = mounted[len(root_path) :] if mounted.startswith(root_path) else ""
    if isinstance(route, Mount):  # (its own path is already in root_path)
        return (prefix or path) + (_inner_template(route, scope) or "/{path}")
    return prefix + path


def _inner_template(mount: Mount, scope: Scope) -> str | None:
    """The template of the mounted app's route that matches (FastAPI names only its own API routes in the
    scope, not e.g. its OpenAPI document's)."""
    inside = get_route_path(scope)
    for route in mount.routes:
        regex, path = getattr(route, "path_regex", None), getattr(route, "path", None)
        if not isinstance(route, Mount) and isinstance(path, str) and regex and regex.match(inside):
            return path
    return None


class MetricsMiddleware:
    """Pure ASGI middleware: counts each HTTP request by method, route template and status, and times it
    (websockets and lifespan pass through). A request that raised counts as a 500."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics | None = None) -> None:
        self.app = app
        self.metrics = metrics or HTTP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root_path, started, status = str(scope.get("root_path", "")), time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method = scope.get("method", "GET") if scope.get("method") in METHODS else "other"
            route = route_template(scope, root_path)
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)


class WorkspaceCollector(Collector):
    """Figures read from the store at each scrape (``inbox_database_up`` 0 and nothing else when it cannot
    answer: a scrape never fails because of the database)."""

    def __init__(self, store_for: Callable[[], Store]) -> None:
        self.store_for = store_for

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("inbox_database_up", "1 when the database answered this scrape, else 0.")
        try:
            figures = operations.figures(self.store_for())
        except Exception as exc:  # any failure of the database: reported as down
            LOG.warning("metrics: the database did not answer: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("inbox_contacts", "Contacts in the workspace.", value=figures.contacts)
        yield CounterMetricFamily(
            "inbox_deletions", "Contacts deleted (entries of the deletion log).", value=figures.deletions
        )
        imported = CounterMetricFamily(
            "inbox_import_rows_committed",
            "Contact rows written by committed imports (undone ones included), by action.",
            labels=["action"],
        )
        imported.add_metric(["inserted"], figures.imported_inserted)
        imported.add_metric(["updated"], figures.imported_updated)
        yield imported
        yield GaugeMetricFamily(
            "inbox_failed_sign_ins_24h",
            "Failed sign-ins (refused API tokens included) in the last 24 hours.",
            value=figures.failed_sign_ins,
        )


def exposition(store_for: Callable[[], Store], metrics: HttpMetrics | None = None) -> bytes:
    """The Prometheus text of the HTTP metrics and the workspace figures read now."""
    figures = CollectorRegistry(auto_describe=False)
    figures.register(WorkspaceCollector(store_for))
    return generate_latest((metrics or HTTP).registry) + generate_latest(figures)
