"""API: GET /v1/contacts/{id}/history — a save through the API is recorded as such, newest first, paged."""

import pytest

from tests.support.api_client import AGENT, api_client


@pytest.fixture
def agent(store):
    return api_client(store, AGENT)


def test_history_pages_newest_first_and_names_the_api(agent):
    created = agent.post("/v1/contacts", json={"values": {"email": "ann@example.com"}}).json()
    version = created["version"]
    for title in ("Chef", "Head chef"):
        r = agent.patch(
            f"/v1/contacts/{created['id']}",
            json={"values": {"job_title": title}},
            headers={"If-Match": f'"{version}"'},
        )
        assert r.status_code == 200, r.text
        version = r.json()["version"]
    first = agent.get(f"/v1/contacts/{created['id']}/history", params={"limit": 2}).json()
    assert [(i["attribute"], i["old"], i["new"], i["source"]) for i in first["items"]] == [
        ("Job title", "Chef", "Head chef", "api"),
        ("Job title", "(empty)", "Chef", "api"),
    ]
    assert first["items"][0]["who"].endswith("(API)") and first["next_before"] == first["items"][-1]["id"]
    rest = agent.get(f"/v1/contacts/{created['id']}/history", params={"before": first["next_before"]}).json()
    assert [(i["attribute"], i["source"]) for i in rest["items"]] == [("Email", "created")]
    assert rest["next_before"] is None
    assert agent.get("/v1/contacts/999/history").status_code == 404
