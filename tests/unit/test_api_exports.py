"""The exports API: a search's contacts as a file, one contact's data as a ZIP; admins only, logged."""

import io
import json
import zipfile

import pyarrow.parquet as pq

from api.problems import PROBLEM
from inbox import inbound
from tests.support.api_client import ADMIN, AGENT, api_client


def test_contacts_and_one_contacts_data_are_downloaded_and_logged(store):
    ids = [inbound.receive(store, "sms", f"+3361234567{n}", "Hi")["contact_id"] for n in range(3)]
    admin = api_client(store, ADMIN)
    r = admin.get("/v1/exports/contacts", params={"format": "parquet", "q": "+33612345671"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.apache.parquet"
    assert 'filename="contacts-' in r.headers["content-disposition"]
    assert pq.read_table(io.BytesIO(r.content)).column("Contact ID").to_pylist() == [ids[1]]
    r = admin.get(f"/v1/exports/contacts/{ids[2]}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("contact.json"))["contact"]["id"] == ids[2]
    assert [(e["kind"], e["format"]) for e in store.exports.access_entries()] == [
        ("subject_export", "zip"),
        ("contacts_export", "parquet"),
    ]


def test_agents_are_refused_and_an_unknown_contact_is_404_as_problem_json(store):
    agent = api_client(store, AGENT)
    for path in ("/v1/exports/contacts", "/v1/exports/contacts/1"):
        r = agent.get(path)
        assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM), path
    r = api_client(store, ADMIN).get("/v1/exports/contacts/999")
    assert r.status_code == 404 and "no contact with id 999" in r.json()["detail"]
    assert store.exports.access_entries() == []
