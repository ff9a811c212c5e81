"""Data-subject export: one ZIP with contact.json (documented structure, UTF-8, ISO dates) and the attachment
files byte for byte; admins only; logged as an access; the CLI `contact export` and `export` commands."""

import io
import json
import zipfile
from datetime import datetime

import pytest

from inbox import contacts, inbound
from inbox import subject_export as se
from inbox.access_log import describe, entries
from inbox.errors import NotFound, PermissionDenied
from inbox.models import Actor
from tests.support.cli import invoke, one_line
from tests.support.members import members_fixture

ADMIN = Actor("ada@example.com", "admin")
AGENT = Actor("alex@example.com", "agent")
_members = members_fixture(ADMIN, AGENT)
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40
PHOTO = "Zoé's photo.png"


@pytest.fixture
def zoe(store):
    first = inbound.receive(
        store, "whatsapp", "+33612345678", "Bonjour, voici ma facture", [("facture.pdf", PDF)],
        at=datetime(2026, 3, 1, 9, 30),
    )  # fmt: skip
    inbound.receive(store, "whatsapp", "+33612345678", "Et une photo", [(PHOTO, b"\x89PNG...")])
    inbound.receive(store, "whatsapp", "+33699999999", "Someone else", [("other.txt", b"not hers")])
    c = contacts.get_contact(store, first["contact_id"])
    contacts.update_values(store, ADMIN, c.id, c.version, {"first_name": "Zoé", "last_name": "Quill"})
    return c.id


def export(store, cid, actor=ADMIN):
    buf = io.BytesIO()
    summary = se.write_subject_export(store, actor, cid, buf)
    return summary, zipfile.ZipFile(io.BytesIO(buf.getvalue()))


def test_the_zip_holds_the_json_and_every_attachment_byte_for_byte(store, zoe):
    summary, zf = export(store, zoe)
    assert summary == {
        "contact_id": zoe, "conversations": 1, "messages": 2, "attachments": 2, "bytes": len(PDF) + 7,
        "problems": 0,
    }  # fmt: skip
    names = zf.namelist()
    assert "contact.json" in names and "README.txt" in names
    doc = json.loads(zf.read("contact.json").decode("utf-8"))
    files = [a for c in doc["conversations"] for m in c["messages"] for a in m["attachments"]]
    assert [a["filename"] for a in files] == ["facture.pdf", PHOTO]
    assert zf.read(files[0]["file"]) == PDF and zf.read(files[1]["file"]) == b"\x89PNG..."
    assert sorted(n for n in names if n.startswith("attachments/")) == sorted(a["file"] for a in files)
    assert all("storage_path" not in a for a in files)  # the server's own paths stay out
    assert b"not hers" not in b"".join(zf.read(n) for n in names)


def test_the_json_structure_utf8_and_iso_dates(store, zoe):
    _, zf = export(store, zoe)
    raw = zf.read("contact.json")
    assert "Zoé".encode() in raw  # UTF-8 text, not \\u escapes
    doc = json.loads(raw)
    assert (doc["format"], doc["version"], doc["exported_by"]) == (se.FORMAT, 1, ADMIN.email)
    assert doc["exported_at"].endswith("Z") and datetime.fromisoformat(doc["exported_at"][:-1])
    assert doc["contact"]["id"] == zoe and doc["contact"]["handle"] == "+33612345678"
    assert doc["contact"]["phone"] == "+33612345678" and "search_text" not in doc["contact"]
    values = {a["key"]: a["value"] for a in doc["attributes"]}
    assert values["first_name"] == "Zoé" and values["last_name"] == "Quill"
    [conversation] = doc["conversations"]
    first = conversation["messages"][0]
    assert (first["body"], first["sent_at"]) == ("Bonjour, voici ma facture", "2026-03-01T09:30:00Z")
    assert set(doc) >= {"history", "crm_lookup", "imports", "notes", "accesses", "attributes"}
    assert doc["accesses"] == []  # earlier downloads: none yet
    changes = [(h["attribute_key"], h["old_value"], h["new_value"], h["source"]) for h in doc["history"]]
    assert ("first_name", None, "Zoé", "member") in changes and "history_note" not in doc
    assert all(h["changed_at"].endswith("Z") and h["actor"] for h in doc["history"])


def test_each_download_is_logged_and_listed_in_the_next(store, zoe):
    export(store, zoe)
    [entry] = store.exports.access_entries()
    assert (entry["actor"], entry["kind"], entry["format"], entry["contact_id"], entry["row_count"]) == (
        ADMIN.email, "subject_export", "zip", zoe, 1,
    )  # fmt: skip
    assert describe(entry) == f"Contact #{zoe} · 1 conversation, 2 messages, 2 attachments"
    _, zf = export(store, zoe)
    assert [a["id"] for a in json.loads(zf.read("contact.json"))["accesses"]] == [entry["id"]]
    assert [e["kind"] for e in entries(store, ADMIN)] == ["subject_export", "subject_export"]


def test_a_missing_or_altered_file_is_said_not_fatal(store, zoe):
    paths = store._rows("SELECT storage_path FROM attachments WHERE contact_id = ? ORDER BY id", [zoe])
    (store.attachments_dir / paths[0][0]).unlink()
    (store.attachments_dir / paths[1][0]).write_bytes(b"changed")
    summary, zf = export(store, zoe)
    files = [
        a
        for m in json.loads(zf.read("contact.json"))["conversations"][0]["messages"]
        for a in m["attachments"]
    ]
    assert summary["problems"] == 2 and files[0]["file"] is None and "missing" in files[0]["problem"]
    assert "checksum" in files[1]["problem"] and zf.read(files[1]["file"]) == b"changed"


def test_only_admins_and_an_unknown_contact_is_not_found(store, zoe):
    with pytest.raises(PermissionDenied, match="only admins can download a contact's data"):
        export(store, zoe, AGENT)
    with pytest.raises(PermissionDenied, match="see the access log"):
        entries(store, AGENT)
    with pytest.raises(NotFound, match="no contact with id 999"):
        export(store, 999)
    assert store.exports.access_entries() == []


def test_cli_contact_export_writes_the_zip_and_bad_input_is_one_line_exit_2(store, zoe, tmp_path, db_target):
    store.close()
    out = tmp_path / "zoe.zip"
    args = ["--db", db_target, "--actor", ADMIN.email]
    ok = invoke("contact", "export", zoe, "--out", out, *args)
    assert ok.code == 0 and json.loads(ok.stdout)["attachments"] == 2
    assert zipfile.ZipFile(out).read("contact.json")
    for argv, said in [
        (["contact", "export", "999", "--out", str(out), *args], "no contact with id 999"),
        (["contact", "export", str(zoe), "--out", str(tmp_path / "no" / "x.zip"), *args], "does not exist"),
        (["contact", "export", str(zoe), "--out", str(out), "--db", db_target, "--actor", AGENT.email],
         "only admins"),
        (["export", "--format", "pdf", "--out", str(tmp_path / "c.csv"), *args], "'pdf' is not one of"),
        (["export", "--format", "csv", "--out", str(tmp_path / "c.csv"), "--db", db_target],
         "Missing option '--actor'"),
    ]:  # fmt: skip
        assert said in one_line(invoke(*argv)), argv
    assert not (tmp_path / "c.csv").exists()


def test_cli_export_writes_every_contact(store, zoe, tmp_path, db_target):
    store.close()
    out = tmp_path / "c.csv"
    done = invoke("export", "--format", "csv", "--out", out, "--db", db_target, "--actor", ADMIN.email,
                  "--query", "quill")  # fmt: skip
    assert done.code == 0 and json.loads(done.stdout) == {"contacts": 1, "format": "csv", "file": str(out)}
    assert "Zoé" in out.read_text(encoding="utf-8-sig")
