"""API errors are RFC 9457 problem details with the CLI's one-line message; never a traceback or HTML."""

from fastapi import APIRouter
from fastapi.testclient import TestClient

from api.app import create_api
from api.problems import PROBLEM, status_of
from inbox.errors import (
    Conflict,
    ContactInvalid,
    InboxError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    StoreLocked,
    Throttled,
    TokenRefused,
    WriteConflict,
)


def test_each_domain_error_has_its_status():
    assert status_of(TokenRefused("x")) == 401
    assert status_of(PermissionDenied("x")) == 403
    assert status_of(NotFound("x")) == 404
    assert status_of(InvalidInput("x")) == 422
    assert status_of(ContactInvalid({"email": "not an e-mail address"})) == 422
    assert status_of(PreconditionFailed("x", 3)) == 412
    assert status_of(WriteConflict("x")) == 409
    assert status_of(Conflict("x")) == 409
    assert status_of(Throttled("x", 2.5)) == 429
    assert status_of(StoreLocked("x")) == 503
    assert status_of(InboxError("x")) == 400


def _client(store, raise_: Exception):
    api = create_api(lambda: store)
    router = APIRouter()

    @router.get("/v1/boom")
    def boom():
        raise raise_

    api.include_router(router)
    return TestClient(api, raise_server_exceptions=False)


def test_a_domain_error_is_a_problem_with_its_message_and_extras(store):
    r = _client(store, ContactInvalid({"email": "not an e-mail address", "phone": "too short"})).get(
        "/v1/boom"
    )
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["detail"] == "email: not an e-mail address; phone: too short"
    assert body["errors"] == ["email: not an e-mail address", "phone: too short"]
    assert body["title"] == "Unprocessable Content" and body["status"] == 422

    r = _client(store, Throttled("too many failed attempts; try again in 5 seconds", 4.2)).get("/v1/boom")
    assert r.status_code == 429 and r.headers["retry-after"] == "5"

    r = _client(store, PreconditionFailed("changed since", 7)).get("/v1/boom")
    assert r.status_code == 412 and r.json()["current_version"] == 7 and r.headers["etag"] == '"7"'

    r = _client(store, TokenRefused("invalid or expired token")).get("/v1/boom")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")


def test_an_unexpected_error_is_a_500_problem_without_traceback(store):
    r = _client(store, KeyError("secret internals")).get("/v1/boom")
    assert r.status_code == 500 and r.headers["content-type"] == PROBLEM
    assert "secret internals" not in r.text and "Traceback" not in r.text


def test_unknown_paths_and_methods_are_problems_not_html(store):
    client = _client(store, KeyError())
    r = client.get("/v1/nothing-here")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM and r.json()["detail"] == "Not Found"
    r = client.post("/v1/boom")
    assert r.status_code == 405 and r.headers["content-type"] == PROBLEM


def test_the_openapi_document_is_3_1(store):
    doc = TestClient(create_api(lambda: store)).get("/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1") and doc["info"]["title"] == "Inbox contacts API"
