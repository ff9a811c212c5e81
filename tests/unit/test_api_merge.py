"""The merge API: an agent merges two contacts; a stale version is a 412/409 problem, nothing merged."""

from inbox import inbound
from tests.support.api_client import AGENT, api_client


def test_merge_over_http(store):
    a = inbound.receive(store, "sms", "+33611112222", "hi")["contact_id"]
    b = inbound.receive(store, "webchat", "visitor-7", "hello")["contact_id"]
    agent = api_client(store, AGENT)
    stale = agent.post(f"/v1/contacts/{a}/merge", json={"merge_ids": [b], "versions": {str(b): 99}})
    assert stale.status_code in (409, 412) and "since you opened the merge" in stale.json()["detail"]
    r = agent.post(f"/v1/contacts/{a}/merge", json={"merge_ids": [b]})
    assert r.status_code == 200, r.text
    assert r.json()["survivor_id"] == a and r.json()["merged_ids"] == [b]
    assert agent.post(f"/v1/contacts/{a}/merge", json={"merge_ids": [b]}).status_code == 404
    assert inbound.receive(store, "webchat", "visitor-7", "again")["contact_id"] == a
