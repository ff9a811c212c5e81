"""In-process API tests of /imports and /deletion-log: the same reports as the CLI, streamed exports,
problems for refusals (the member comes from a dependency override; tokens are tested on a real server)."""

import csv
import io

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from api.app import create_api
from api.deps import member_dep
from inbox import csv_files, deletion, import_uploads
from tests.support.deletion import ADMIN, AGENT, members, rich_contact  # noqa: F401

CSV = "Email,First name\nann@example.com,Ann\nnot-an-email,Bob\nzed@example.com,Zed\n"


@pytest.fixture(autouse=True)
def _uploads(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_files, "UPLOADS", tmp_path / "uploads")


def client(store, actor=ADMIN) -> TestClient:
    api = create_api(lambda: store)
    member = store.accounts.user_by_email(actor.email)
    api.dependency_overrides[member_dep] = lambda: member
    return TestClient(api, raise_server_exceptions=False)


def upload(c, text=CSV, **params):
    r = c.post(
        "/v1/uploads",
        content=text.encode(),
        params={"name": "people.csv", **params},
        headers={"Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_upload_dry_run_then_commit_and_rejects_and_undo(store):
    c = client(store)
    up = upload(c)
    assert up["columns"] == ["Email", "First name"] and up["mapping"]["Email"] == "email"
    assert up["file"] == "people.csv"
    dry = c.post("/v1/imports", json={"upload_id": up["upload_id"], "dry_run": True}).json()
    assert dry["summary"]["inserted"] == 2 and dry["summary"]["rejected"] == 1
    assert dry["summary"]["dry_run"] is True and dry["summary"]["batch_id"] is None
    assert dry["problems"][0]["status"] == "rejected" and "line 3" in dry["problems"][0]["errors"]
    done = c.post("/v1/imports", json={"upload_id": up["upload_id"]}).json()
    batch = done["summary"]["batch_id"]
    assert done["summary"]["inserted"] == 2 and batch
    rejects = c.get(done["rejects_url"])
    assert rejects.status_code == 200 and "not-an-email" in rejects.content.decode("utf-8-sig")
    again = c.post("/v1/imports", json={"upload_id": up["upload_id"]})  # a committed upload is gone
    assert again.status_code == 404 and "upload the file again" in again.json()["detail"]
    assert c.get(f"/v1/imports/{batch}").json()["inserted"] == 2
    assert c.get("/v1/imports").json()[0]["id"] == batch
    assert c.post(f"/v1/imports/{batch}/undo").json()["removed"] == 2
    assert c.get(f"/v1/imports/{batch}").json()["status"] == "undone"


def test_undo_refused_lists_the_changed_contacts(store):
    from inbox import contacts

    c = client(store)
    up = upload(c, "Email\nann@example.com\n")
    batch = c.post("/v1/imports", json={"upload_id": up["upload_id"]}).json()["summary"]["batch_id"]
    found = contacts.search(store, "ann@example.com").rows[0]
    contact = contacts.get_contact(store, found["id"])
    contacts.update_values(store, ADMIN, contact.id, contact.version, {"first_name": "Annie"})
    r = c.post(f"/v1/imports/{batch}/undo")
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    assert "cannot be undone" in r.json()["detail"]
    assert r.json()["contacts"][0]["contact_id"] == contact.id


def test_upload_limits_template_and_refusals(store, monkeypatch):
    c = client(store)
    monkeypatch.setattr(import_uploads, "MAX_UPLOAD_BYTES", 10)
    r = c.post("/v1/uploads", content=b"x" * 5000, headers={"Content-Type": "text/csv"})
    assert r.status_code == 413 and "larger than" in r.json()["detail"]
    chunked = c.post("/v1/uploads", content=iter([b"Email\n", b"a" * 30]))  # no Content-Length
    assert chunked.status_code == 413
    assert not list((csv_files.UPLOADS).glob("api-*.csv"))  # nothing kept
    monkeypatch.setattr(import_uploads, "MAX_UPLOAD_BYTES", 200 << 20)
    multipart = c.post("/v1/uploads", files={"file": ("gc.csv", CSV.encode(), "text/csv")})
    assert multipart.status_code == 201 and multipart.json()["file"] == "gc.csv"
    bad = c.post("/v1/imports", json={"upload_id": multipart.json()["upload_id"], "template": "Nope"})
    assert bad.status_code == 422 and "Google Contacts" in bad.json()["detail"]
    missing = c.post("/v1/imports", json={"upload_id": "0" * 32, "dry_run": True})
    assert missing.status_code == 404
    agent = client(store, AGENT).post("/v1/imports", json={"upload_id": "0" * 32})
    assert agent.status_code == 403


def test_deletion_log_list_export_verify_lookup(store):
    cid = rich_contact(store)
    deletion.delete_contact(store, ADMIN, cid, hint="ticket 7", reason="gdpr_request")
    c = client(store)
    page = c.get("/v1/deletion-log", params={"reason": "gdpr_request"}).json()
    assert page["total"] == 1 and page["entries"][0]["contact_id"] == cid
    assert page["entries"][0]["schema_problems"] == ""
    assert c.get("/v1/deletion-log", params={"reason": "nope"}).status_code == 422
    assert c.get("/v1/deletion-log", params={"until": "0"}).status_code == 422  # not a timestamp
    assert "until must be a date" in c.get("/v1/deletion-log", params={"until": "2026-02-30"}).text
    exported = c.get("/v1/deletion-log/export", params={"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["identity_hint"] for r in rows] == ["ticket 7"]
    parquet = c.get("/v1/deletion-log/export", params={"format": "parquet"})
    assert pq.read_table(io.BytesIO(parquet.content)).num_rows == 1
    empty = c.get("/v1/deletion-log/export", params={"format": "parquet", "since": "2999-01-01"})
    assert pq.read_table(io.BytesIO(empty.content)).num_rows == 0
    verdict = c.get("/v1/deletion-log/verify").json()
    assert verdict["ok"] is True and verdict["line"] == "OK 1 entries"
    found = c.post("/v1/deletion-log/lookup", json={"identifier": "zoe.quill@example.org"}).json()
    assert found["deleted"] is True and found["entries"][0]["matched"] == ["email"]
    assert c.post("/v1/deletion-log/lookup", json={"identifier": "x@y.org"}).json()["deleted"] is False
    refused = client(store, AGENT).get("/v1/deletion-log/export")
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"


def test_bulk_erasure_plans_then_confirms(store):
    cid = rich_contact(store)
    c = client(store)
    ids = ["zoe.quill@example.org", "nobody@example.com"]
    plan = c.post("/v1/deletion-log/erasures/preview", json={"identifiers": ids}).json()
    assert plan["counts"]["matched"] == 1 and plan["rows"][0]["contact_ids"] == [cid]
    body = {"identifiers": ids, "plan": plan["plan"], "hint": "batch 1", "reason": "gdpr_request"}
    stale = c.post("/v1/deletion-log/erasures", json={**body, "plan": "0" * 32})
    assert stale.status_code == 409 and "preview again" in stale.json()["detail"]
    done = c.post("/v1/deletion-log/erasures", json=body).json()
    assert done["summary"]["contacts_deleted"] == 1 and done["rows"][0]["outcome"] == "deleted"


def test_documented_and_bounded(store):
    c = client(store)
    paths = set(c.get("/v1/openapi.json").json()["paths"])
    assert {"/v1/uploads", "/v1/deletion-log/export", "/v1/deletion-log/erasures"} <= paths
    assert c.get(f"/v1/imports/{2**70}").status_code == 422  # not a database error
    assert c.get("/v1/import-rejects/" + "0" * 32).status_code == 404
    assert c.get("/v1/import-rejects/..%2F..%2Fetc").status_code == 404
