"""The contacts API: search with cursor pages, get with its ETag, create, update with If-Match, delete."""

import pytest

from api.problems import PROBLEM
from inbox import contacts
from inbox.models import SYSTEM, utcnow
from tests.support.api_client import ADMIN, AGENT, api_client


@pytest.fixture
def admin(store):
    return api_client(store, ADMIN)


@pytest.fixture
def agent(store):
    return api_client(store, AGENT)


def seed(store, email, **builtin):
    """A contact stored directly (fast): searches need many."""
    return store.contacts.create_contact(
        "email", email, None, {"email": email, **builtin}, {}, "tests", utcnow()
    )


def make(client, **values):
    r = client.post("/v1/contacts", json={"values": values})
    assert r.status_code == 201, r.text
    return r.json()


def test_create_returns_the_contact_with_its_version_as_etag_and_location(agent, store):
    r = agent.post(
        "/v1/contacts",
        json={"values": {"email": " Ann@Example.COM ", "first_name": "Ann", "phone": "+33 6 12 34 56 78"}},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["platform"] == "email" and body["handle"] == "ann@example.com"  # an import's identity
    assert body["values"]["email"] == "ann@example.com" and body["values"]["phone"] == "+33612345678"
    assert body["version"] == 1 and r.headers["etag"] == '"1"'
    assert r.headers["location"] == f"contacts/{body['id']}"
    assert body["updated_by"] == AGENT.email
    assert contacts.get_contact(store, body["id"]).values["first_name"] == "Ann"


def test_typed_values_pass_through_as_plain_strings(agent):
    typed = "<b>Ann</b> **bold** [x](javascript:alert(1)) &amp;"
    body = make(agent, email="ann@example.com", first_name=typed)
    assert body["values"]["first_name"] == typed
    assert agent.get(f"/v1/contacts/{body['id']}").json()["values"]["first_name"] == typed


def test_create_refuses_a_duplicate_identity_naming_the_existing_contact(agent):
    first = make(agent, email="ann@example.com", phone="+33612345678")
    for values in (
        {"email": "ANN@example.com"},
        {"phone": "+33 6 12 34 56 78", "email": "other@example.com"},
    ):
        r = agent.post("/v1/contacts", json={"values": values})
        assert r.status_code == 409 and r.headers["content-type"] == PROBLEM
        assert r.json()["contact_id"] == first["id"] and f"#{first['id']}" in r.json()["detail"]
        assert r.headers["location"] == f"contacts/{first['id']}"
    r = agent.post("/v1/contacts", json={"platform": "email", "handle": "ann@example.com", "values": {}})
    assert r.status_code == 409 and r.json()["contact_id"] == first["id"]


def test_create_validates_as_an_import_does(agent):
    r = agent.post("/v1/contacts", json={"values": {"email": "not-an-address", "language": "Klingonese"}})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert any(e.startswith("email: not a valid email address") for e in errors)
    assert any(e.startswith("language: ") for e in errors) and len(errors) == 2
    r = agent.post("/v1/contacts", json={"values": {"first_name": "Nobody"}})
    assert r.status_code == 422 and "needs an email, a phone, or platform and handle" in r.json()["detail"]
    r = agent.post("/v1/contacts", json={"handle": "ann", "values": {}})
    assert r.status_code == 422 and r.json()["errors"] == [
        "platform: a handle needs a platform on the same row"
    ]
    r = agent.post("/v1/contacts", json={"values": {"no_such_key": "x", "email": "a@example.com"}})
    assert r.status_code == 422 and r.json()["errors"] == ["no_such_key: no such attribute"]
    r = agent.post("/v1/contacts", json={"values": {}, "extra": 1})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM


def test_get_unknown_contact_is_404(agent):
    r = agent.get("/v1/contacts/999999")
    assert r.status_code == 404 and r.json()["detail"] == "no contact with id 999999"


def test_update_needs_if_match_and_refuses_a_stale_version_with_the_current_one(agent, store):
    cid = make(agent, email="ann@example.com")["id"]
    r = agent.patch(f"/v1/contacts/{cid}", json={"values": {"first_name": "Ann"}})
    assert r.status_code == 428 and "If-Match" in r.json()["detail"]
    assert contacts.get_contact(store, cid).version == 1  # nothing saved
    r = agent.patch(
        f"/v1/contacts/{cid}", json={"values": {"first_name": "Ann"}}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200 and r.headers["etag"] == '"2"' and r.json()["values"]["first_name"] == "Ann"
    r = agent.patch(f"/v1/contacts/{cid}", json={"values": {"first_name": "Bo"}}, headers={"If-Match": '"1"'})
    assert r.status_code == 412 and r.json()["current_version"] == 2 and r.headers["etag"] == '"2"'
    assert contacts.get_contact(store, cid).values["first_name"] == "Ann"
    for weak_or_bad in ('W/"2"', "two", '"3"'):
        r = agent.patch(
            f"/v1/contacts/{cid}", json={"values": {"first_name": "Bo"}}, headers={"If-Match": weak_or_bad}
        )
        assert r.status_code == 412
    r = agent.patch(
        f"/v1/contacts/{cid}", json={"values": {"last_name": "Lee"}}, headers={"If-Match": '"9", "2"'}
    )
    assert r.status_code == 200 and r.json()["version"] == 3
    r = agent.patch(f"/v1/contacts/{cid}", json={"values": {"last_name": None}}, headers={"If-Match": "*"})
    assert r.status_code == 200 and r.json()["values"]["last_name"] is None and r.json()["version"] == 4


def test_a_save_between_read_and_write_is_a_412_too(agent, store, monkeypatch):
    cid = make(agent, email="ann@example.com")["id"]
    real = contacts.update_values

    def someone_saves_first(db, actor, contact_id, version, changes, **kw):
        real(db, SYSTEM, contact_id, version, {"job_title": "CEO"})
        return real(db, actor, contact_id, version, changes, **kw)

    monkeypatch.setattr(contacts, "update_values", someone_saves_first)
    r = agent.patch(
        f"/v1/contacts/{cid}", json={"values": {"first_name": "Ann"}}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 412 and r.json()["current_version"] == 2
    assert contacts.get_contact(store, cid).values["first_name"] is None


def test_update_validates_values(agent):
    cid = make(agent, email="ann@example.com")["id"]
    r = agent.patch(f"/v1/contacts/{cid}", json={"values": {"email": "nope"}}, headers={"If-Match": '"1"'})
    assert r.status_code == 422 and r.json()["errors"][0].startswith("email: not a valid email address")
    r = agent.patch("/v1/contacts/424242", json={"values": {}}, headers={"If-Match": '"1"'})
    assert r.status_code == 404


def test_search_pages_with_an_opaque_cursor_until_null(agent, store):
    for n in range(7):
        seed(store, f"person{n}@example.com", last_name="Searchable")
    seed(store, "other@example.com", last_name="Different")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"q": "searchable", "limit": 3, **({"cursor": cursor} if cursor else {})}
        r = agent.get("/v1/contacts", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        seen += [c["email"] for c in body["contacts"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and sorted(seen) == sorted(f"person{n}@example.com" for n in range(7))
    assert len(set(seen)) == 7 and body["total"] == 7


def test_search_default_limit_filters_and_exact_match(agent, store):
    for n in range(30):
        seed(store, f"p{n}@example.com", language="fr" if n % 2 else "pt-BR")
    body = agent.get("/v1/contacts").json()
    assert len(body["contacts"]) == 25 and body["next_cursor"] is not None
    body = agent.get("/v1/contacts", params={"language": "pt", "limit": 200}).json()
    assert len(body["contacts"]) == 15 and {c["language"] for c in body["contacts"]} == {"pt-BR"}
    body = agent.get("/v1/contacts", params={"q": "P3@EXAMPLE.COM"}).json()
    assert body["exact_match"] and [c["email"] for c in body["contacts"]] == ["p3@example.com"]
    assert agent.get("/v1/contacts", params={"limit": 201}).status_code == 422
    assert agent.get("/v1/contacts", params={"order": "name"}).status_code == 200


def test_a_cursor_from_another_search_or_forged_is_refused(agent, store):
    for n in range(3):
        seed(store, f"p{n}@example.com")
    cursor = agent.get("/v1/contacts", params={"limit": 1}).json()["next_cursor"]
    r = agent.get("/v1/contacts", params={"limit": 1, "q": "other", "cursor": cursor})
    assert r.status_code == 422 and "another search" in r.json()["detail"]
    r = agent.get("/v1/contacts", params={"cursor": "not a cursor!"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    r = agent.get("/v1/contacts", params={"attribute": "no-colon"})
    assert r.status_code == 422


def test_delete_is_for_admins_with_hint_and_reason_and_logged(admin, agent, store):
    cid = make(agent, email="ann@example.com")["id"]
    body = {"hint": "customer 1234, request of 2026-11-02", "reason": "gdpr_request"}
    r = agent.request("DELETE", f"/v1/contacts/{cid}", json=body)
    assert r.status_code == 403
    r = admin.request("DELETE", f"/v1/contacts/{cid}", json={"hint": " ", "reason": "gdpr_request"})
    assert r.status_code == 422 and "identity hint is required" in r.json()["detail"]
    r = admin.request("DELETE", f"/v1/contacts/{cid}", json={"hint": "x", "reason": "because"})
    assert r.status_code == 422 and "reason must be one of" in r.json()["detail"]
    r = admin.request("DELETE", f"/v1/contacts/{cid}", json=body)
    assert r.status_code == 200
    entry = r.json()
    assert entry["contact_id"] == cid and entry["identity_hint"] == body["hint"]
    assert entry["deleted_by"] == ADMIN.email and entry["reason"] == "gdpr_request"
    assert admin.get(f"/v1/contacts/{cid}").status_code == 404
    assert admin.request("DELETE", f"/v1/contacts/{cid}", json=body).status_code == 404
