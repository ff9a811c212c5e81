"""The layout, members and plan API: the page's validation, If-Match on the layout version, admins only."""

from api.problems import PROBLEM
from inbox import attributes, users, workspace
from inbox.models import SYSTEM
from tests.support.api_client import ADMIN, AGENT, api_client


def test_get_layout_is_the_layout_as_code_with_its_version_as_etag(store):
    r = api_client(store, AGENT).get("/v1/layout")
    assert r.status_code == 200
    version, current = attributes.load_layout(store)
    assert r.headers["etag"] == f'"{version}"' and r.json()["version"] == version
    assert r.json()["attributes"] == attributes.export_layout(store)
    assert [a["key"] for a in r.json()["attributes"]] == [d["key"] for d in current]


def test_put_layout_saves_a_new_version_with_if_match(store):
    admin = api_client(store, ADMIN)
    got = admin.get("/v1/layout").json()
    items = got["attributes"]
    items[0]["label"] = "E-mail address"
    items.append(
        {"key": "tier", "label": "Tier", "type": "list", "enabled": True, "order": 99, "options": ["gold"]}
    )
    r = admin.put("/v1/layout", json={"attributes": items}, headers={"If-Match": f'"{got["version"]}"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == got["version"] + 1 and r.headers["etag"] == f'"{got["version"] + 1}"'
    labels = {a.key: a.label for a in attributes.all_attributes(store)}
    assert labels["email"] == "E-mail address" and labels["tier"] == "Tier"
    # the same write again, at the old version: 412 with the current one, nothing saved
    r = admin.put("/v1/layout", json={"attributes": items}, headers={"If-Match": f'"{got["version"]}"'})
    assert r.status_code == 412 and r.json()["current_version"] == got["version"] + 1
    r = admin.put("/v1/layout", json={"attributes": items})
    assert r.status_code == 428 and r.headers["content-type"] == PROBLEM


def test_put_layout_answers_422_with_one_problem_per_item(store):
    admin = api_client(store, ADMIN)
    got = admin.get("/v1/layout").json()
    items = got["attributes"][1:]  # the first (a built-in) left out
    items[0]["order"] = 0
    items.append({"key": "Bad Key!", "label": "", "type": "text", "enabled": True, "order": 50})
    r = admin.put("/v1/layout", json={"attributes": items}, headers={"If-Match": f'"{got["version"]}"'})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert len(errors) >= 2 and any("order must be a whole number" in e for e in errors)
    assert any("is missing" in e for e in errors)
    assert r.json()["detail"] == "; ".join(errors)
    assert attributes.load_layout(store)[0] == got["version"]  # nothing saved


def test_agents_cannot_put_the_layout_nor_manage_members_or_the_plan(store):
    agent = api_client(store, AGENT)
    got = agent.get("/v1/layout").json()
    r = agent.put(
        "/v1/layout", json={"attributes": got["attributes"]}, headers={"If-Match": f'"{got["version"]}"'}
    )
    assert r.status_code == 403 and r.headers["content-type"] == PROBLEM
    for method, path, body in [
        ("GET", "/v1/members", None),
        ("POST", "/v1/members", {"email": "x@example.com", "role": "agent", "password": "long enough"}),
        ("PATCH", f"/v1/members/{ADMIN.email}", {"active": False}),
        ("GET", "/v1/plan", None),
        ("PUT", "/v1/plan", {"plan": "enterprise"}),
    ]:
        r = agent.request(method, path, json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["detail"] == "only admins can do this"
    assert workspace.get_plan(store) == "team"


def test_members_list_add_disable_enable(store):
    admin = api_client(store, ADMIN)
    r = admin.post(
        "/v1/members",
        json={"email": " New@Example.com", "role": "agent", "password": "long enough", "display_name": "New"},
    )
    assert r.status_code == 201 and r.json()["email"] == "new@example.com" and "password" not in r.text
    assert "new@example.com" in [m["email"] for m in admin.get("/v1/members").json()]
    r = admin.post(
        "/v1/members", json={"email": "new@example.com", "role": "agent", "password": "long enough"}
    )
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    r = admin.post("/v1/members", json={"email": "x@example.com", "role": "agent", "password": "short"})
    assert r.status_code == 422 and "at least 8 characters" in r.json()["detail"]
    r = admin.patch("/v1/members/new@example.com", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert not users.current_user(store, "new@example.com")
    r = admin.patch("/v1/members/new@example.com", json={"active": True})
    assert r.status_code == 200 and r.json()["active"] is True
    assert admin.patch("/v1/members/nobody@example.com", json={"active": False}).status_code == 404
    r = admin.patch(f"/v1/members/{ADMIN.email}", json={"active": False})
    assert r.status_code == 409 and "last active admin" in r.json()["detail"]


def test_plan_get_and_put_says_what_changed(store):
    admin = api_client(store, ADMIN)
    assert admin.get("/v1/plan").json() == {"plan": "team"}
    r = admin.put("/v1/plan", json={"plan": "enterprise"})
    assert r.status_code == 200 and r.json()["plan"] == "enterprise" and r.json()["changes"]
    assert workspace.get_plan(store) == "enterprise"
    assert admin.put("/v1/plan", json={"plan": "enterprise"}).json()["changes"] == []
    assert admin.put("/v1/plan", json={"plan": "gold"}).status_code == 422


def test_a_member_disabled_meanwhile_is_refused_at_once(store):
    agent = api_client(store, AGENT)
    assert agent.get("/v1/layout").status_code == 200
    users.set_active(store, SYSTEM, AGENT.email, False)
    r = agent.get("/v1/layout")
    assert r.status_code == 401 and r.json()["detail"] == "invalid or expired token"
