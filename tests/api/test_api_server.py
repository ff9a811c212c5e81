"""The API on a real server (httpx against `streamlit run app.py`): tokens' lifecycle, the contact round trip
with If-Match, problems (never HTML) under /api, the offline docs."""

import httpx
import pytest

from tests.support.api_server import api_server  # noqa: F401  (the module's server)

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def base(api_server):  # noqa: F811
    return api_server[0]


@pytest.fixture(scope="module")
def tokens(api_server):  # noqa: F811
    return api_server[1]


def call(base, token, method, path, **kw):
    headers = {**kw.pop("headers", {}), **({"Authorization": f"Bearer {token}"} if token else {})}
    return httpx.request(method, f"{base}{path}", headers=headers, timeout=30, **kw)


def test_tokens_act_as_their_member_and_bad_ones_get_401(base, tokens):
    assert call(base, tokens["agent"], "GET", "/v1/layout").status_code == 200
    for name in ("expired", "revoked"):
        r = call(base, tokens[name], "GET", "/v1/layout")
        assert r.status_code == 401 and r.headers["content-type"] == PROBLEM, name
        assert r.json()["detail"] == "invalid or expired token" and r.headers["www-authenticate"].startswith(
            "Bearer"
        )
    r = call(base, "inbox_pat_made-up", "GET", "/v1/layout")
    assert r.status_code == 401 and r.json()["detail"] == "invalid or expired token"
    r = call(base, None, "GET", "/v1/layout")
    assert r.status_code == 401 and "Authorization: Bearer" in r.json()["detail"]


def test_an_agent_is_refused_admin_routes(base, tokens):
    for method, path in (("GET", "/v1/members"), ("GET", "/v1/plan")):
        r = call(base, tokens["agent"], method, path)
        assert r.status_code == 403 and r.headers["content-type"] == PROBLEM
    assert call(base, tokens["admin"], "GET", "/v1/members").status_code == 200


def test_a_disabled_member_is_refused_at_once_and_back_when_enabled(base, tokens):
    assert call(base, tokens["agent2"], "GET", "/v1/contacts").status_code == 200
    r = call(base, tokens["admin"], "PATCH", "/v1/members/agent2@example.com", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert call(base, tokens["agent2"], "GET", "/v1/contacts").status_code == 401
    call(base, tokens["admin"], "PATCH", "/v1/members/agent2@example.com", json={"active": True})
    assert call(base, tokens["agent2"], "GET", "/v1/contacts").status_code == 200


def test_contact_round_trip_with_if_match(base, tokens):
    agent = tokens["agent"]
    typed = "Zoë <b>&amp;</b> **x**"
    r = call(
        base,
        agent,
        "POST",
        "/v1/contacts",
        json={"values": {"email": "zoe@example.com", "first_name": typed}},
    )
    assert r.status_code == 201, r.text
    cid, etag = r.json()["id"], r.headers["etag"]
    assert r.json()["values"]["first_name"] == typed
    r = call(base, agent, "GET", "/v1/contacts", params={"q": "zoe@example.com"})
    assert [c["id"] for c in r.json()["contacts"]] == [cid] and r.json()["next_cursor"] is None
    r = call(base, agent, "PATCH", f"/v1/contacts/{cid}", json={"values": {"job_title": "CTO"}})
    assert r.status_code == 428
    r = call(
        base,
        agent,
        "PATCH",
        f"/v1/contacts/{cid}",
        json={"values": {"job_title": "CTO"}},
        headers={"If-Match": etag},
    )
    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    r = call(
        base,
        agent,
        "PATCH",
        f"/v1/contacts/{cid}",
        json={"values": {"job_title": "CEO"}},
        headers={"If-Match": etag},
    )
    assert r.status_code == 412 and r.json()["current_version"] == 2
    r = call(base, agent, "POST", "/v1/contacts", json={"values": {"email": "ZOE@example.com"}})
    assert r.status_code == 409 and r.json()["contact_id"] == cid
    body = {"hint": "test contact", "reason": "gdpr_request"}
    assert call(base, agent, "DELETE", f"/v1/contacts/{cid}", json=body).status_code == 403
    r = call(base, tokens["admin"], "DELETE", f"/v1/contacts/{cid}", json=body)
    assert r.status_code == 200 and r.json()["identity_hint"] == "test contact"


def test_errors_under_api_are_problems_never_html(base, tokens):
    for method, path in (("GET", "/v1/no-such-thing"), ("GET", "/nothing"), ("DELETE", "/v1/layout")):
        r = call(base, tokens["admin"], method, path)
        assert r.status_code in (404, 405) and r.headers["content-type"] == PROBLEM, (method, path)
    r = call(
        base,
        tokens["admin"],
        "POST",
        "/v1/contacts",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM and "Traceback" not in r.text


def test_openapi_and_offline_docs_are_served(base):
    doc = httpx.get(f"{base}/v1/openapi.json", timeout=30).json()
    assert doc["openapi"].startswith("3.1") and "/v1/contacts" in doc["paths"]
    r = httpx.get(f"{base}/v1/docs", timeout=30)
    assert r.status_code == 200 and "default-src 'none'" in r.headers["content-security-policy"]
    assert "https://" not in r.text.split("<pre>")[0]  # (curl examples name this server, in text)
