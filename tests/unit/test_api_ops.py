"""Operations routes: /healthz without the database, /readyz (503 problem+json when the database does not
answer), /metrics in Prometheus text: requests by route template and status, latencies, workspace figures."""

import asyncio

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from api.app import create_api
from api.metrics import HttpMetrics, MetricsMiddleware
from api.ops import ops_routes
from inbox import deletion, imports, inbound, tokens
from inbox.errors import StoreLocked, TokenRefused
from inbox.models import Actor

from ..support.members import members_fixture

ADMIN = Actor("ada@example.com", "admin")
_members = members_fixture(ADMIN)


def broken():
    raise StoreLocked("the database /srv/secret/inbox.duckdb is in use by another process")


def app_over(store_for, metrics):
    """An app shaped as app.py's: ops routes and the API mounted at /api, behind the metrics middleware."""
    api = create_api(store_for)
    router = APIRouter()

    @router.get("/v1/things/{thing_id}")
    def thing(thing_id: int) -> dict:
        if thing_id == 500:
            raise RuntimeError("boom")
        return {"id": thing_id}

    api.include_router(router)
    routes = [*ops_routes(store_for, metrics), Mount("/api", app=api)]
    return Starlette(routes=routes, middleware=[Middleware(MetricsMiddleware, metrics=metrics)])


@pytest.fixture
def metrics():
    return HttpMetrics()  # a registry of its own per test: counts start at zero


@pytest.fixture
def client(store, metrics):
    with TestClient(app_over(lambda: store, metrics), raise_server_exceptions=False) as c:
        yield c


def scrape(client) -> dict:
    """Every sample of /metrics: (name, sorted label items) → value."""
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain; version=")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def test_healthz_answers_without_the_database(metrics):
    with TestClient(app_over(broken, metrics)) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    assert answer.headers["cache-control"] == "no-store"


def test_readyz_asks_the_database(client, metrics):
    answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    with TestClient(app_over(broken, metrics)) as down:
        answer = down.get("/readyz")
    assert answer.status_code == 503 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == "the database does not answer (the server log says why)"
    assert "/srv/secret" not in answer.text and answer.headers["retry-after"] == "5"


def test_readyz_of_a_closed_store_is_503(store, metrics):
    store.close()
    with TestClient(app_over(lambda: store, metrics)) as client:
        assert client.get("/readyz").status_code == 503


def test_requests_are_counted_by_route_template_and_status(client):
    for i in (1, 2, 3):
        assert client.get(f"/api/v1/things/{i}").status_code == 200
    assert client.get("/api/v1/things/abc").status_code == 422
    assert client.get("/api/v1/things/500").status_code == 500
    assert client.get("/api/v1/nowhere/7").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 200
    client.get("/healthz")
    samples = scrape(client)

    def requests(route, status, method="GET"):
        key = (("method", method), ("route", route), ("status", status))
        return samples.get(("inbox_http_requests_total", key), 0)

    assert requests("/api/v1/things/{thing_id}", "200") == 3
    assert requests("/api/v1/things/{thing_id}", "422") == 1
    assert requests("/api/v1/things/{thing_id}", "500") == 1
    assert requests("/api/{path}", "404") == 1  # never the path asked: bounded series
    assert requests("unmatched", "404") == 1
    assert requests("/api/v1/openapi.json", "200") == 1  # a route FastAPI does not name in the scope
    assert requests("/healthz", "200") == 1
    count = ("inbox_http_request_duration_seconds_count", (("method", "GET"), ("route", "/healthz")))
    assert samples[count] == 1
    routes = {dict(labels).get("route") for _, labels in samples} - {None}
    assert routes == {
        "/api/v1/things/{thing_id}",
        "/api/{path}",
        "unmatched",
        "/healthz",
        "/api/v1/openapi.json",
    }


def test_a_request_that_raises_counts_as_500(metrics):
    async def crash(scope, receive, send):
        raise RuntimeError("boom")

    scope = {"type": "http", "method": "GET", "path": "/x", "root_path": "", "headers": []}
    with pytest.raises(RuntimeError):  # passed on to the server's own error handling
        asyncio.run(MetricsMiddleware(crash, metrics=metrics)(scope, None, None))
    labels = {"method": "GET", "route": "unmatched", "status": "500"}
    assert metrics.registry.get_sample_value("inbox_http_requests_total", labels) == 1


def test_workspace_figures_are_read_from_the_store_at_each_scrape(client, store, tmp_path):
    figures = scrape(client)
    assert figures[("inbox_database_up", ())] == 1
    assert figures[("inbox_contacts", ())] == 0 and figures[("inbox_deletions_total", ())] == 0
    csv = tmp_path / "people.csv"
    csv.write_text("email,first_name\nzoe@example.com,Zoé\nyann@example.com,Yann\n", encoding="utf-8")
    imports.run_import(store, ADMIN, csv)
    cid = inbound.receive(store, "whatsapp", "+33612345678", "hello")["contact_id"]
    deletion.delete_contact(store, ADMIN, cid, hint="customer #12", reason="gdpr_request")
    with pytest.raises(TokenRefused):
        tokens.member_for(store, "inbox_pat_guess", client="198.51.100.9")
    figures = scrape(client)
    assert figures[("inbox_contacts", ())] == 2
    assert figures[("inbox_deletions_total", ())] == 1
    assert figures[("inbox_import_rows_committed_total", (("action", "inserted"),))] == 2
    assert figures[("inbox_import_rows_committed_total", (("action", "updated"),))] == 0
    assert figures[("inbox_failed_sign_ins_24h", ())] == 1


def test_a_database_down_still_gives_the_http_metrics(metrics):
    with TestClient(app_over(broken, metrics)) as client:
        client.get("/healthz")
        answer = client.get("/metrics")
    assert answer.status_code == 200
    assert "inbox_database_up 0.0" in answer.text and "inbox_contacts" not in answer.text
    assert 'inbox_http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in answer.text


def test_metrics_can_require_a_token(client, monkeypatch):
    monkeypatch.setenv("INBOX_METRICS_TOKEN", "s3cret-for-prometheus")
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/problem+json"
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    allowed = client.get("/metrics", headers={"Authorization": "Bearer s3cret-for-prometheus"})
    assert allowed.status_code == 200 and "inbox_contacts" in allowed.text
