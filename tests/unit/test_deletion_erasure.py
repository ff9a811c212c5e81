"""Bulk erasure: reading identifiers, the preview, one log entry per contact, the result file."""

import io

import pandas as pd
import pytest

from inbox import contacts, deletion, erasure, inbound
from inbox.errors import InvalidInput

from ..support.deletion import (
    ADMIN,
    PERSON,
    files_under,
    log_count,
    members,  # noqa: F401 (autouse fixture)
    rich_contact,
    rows_of,
)

GDPR = {"hint": "erasure batch 2026-11", "reason": "gdpr_request"}


@pytest.fixture
def people(store):
    zoe = rich_contact(store)
    sms = inbound.receive(store, "sms", "+4915112345678", "hallo")["contact_id"]
    web = inbound.receive(store, "webchat", "visitor-abc", "hi")["contact_id"]
    same_email = inbound.receive(store, "email", PERSON["email"].lower(), "again")["contact_id"]
    c = contacts.get_contact(store, same_email)
    contacts.update_values(store, ADMIN, same_email, c.version, {"email": PERSON["email"].lower()})
    keep = inbound.receive(store, "sms", "+4915199999999", "stay")["contact_id"]
    return {"zoe": zoe, "sms": sms, "web": web, "same_email": same_email, "keep": keep}


def test_read_identifiers_one_per_line_or_a_csv_column():
    assert erasure.read_identifiers(
        b"\xef\xbb\xbfa@example.com\r\n\r\n  +33 6 12 34 56 78 \nvisitor-1\n"
    ) == ["a@example.com", "+33 6 12 34 56 78", "visitor-1"]
    data = b"name;Email;phone\nAda;ada@example.com;+331\nBob;;+332\nCyd;cyd@example.com\n"
    assert erasure.csv_columns(data) == ["name", "Email", "phone"]
    assert erasure.read_identifiers(data, column="email") == ["ada@example.com", "cyd@example.com"]
    with pytest.raises(InvalidInput, match="no column 'mail'.*name, Email, phone"):
        erasure.read_identifiers(data, column="mail")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        erasure.read_identifiers("é".encode("latin-1"))
    with pytest.raises(InvalidInput, match="no identifier"):
        erasure.read_identifiers(b"\n \n")


def test_preview_matches_by_email_phone_external_id_and_handle_and_reads_only(store, people):
    plan = erasure.preview(
        store,
        ADMIN,
        [
            PERSON["email"].upper(),
            "+49 151 12345678",
            PERSON["external_id"],
            "webchat:visitor-abc",
            "nobody@example.com",
            "bad\x07id",
        ],
    )
    by_line = {r.line: r for r in plan.rows}
    assert by_line[1].contact_ids == (people["zoe"], people["same_email"]) and by_line[1].matched_by == (
        "email",
        "handle",
    )
    # an SMS sender's number is its phone too (receive stores it)
    assert by_line[2].contact_ids == (people["sms"],) and by_line[2].matched_by == ("handle", "phone")
    assert by_line[3].contact_ids == (people["zoe"],) and by_line[3].matched_by == ("external_id",)
    assert by_line[4].contact_ids == (people["web"],) and by_line[4].matched_by == ("handle",)
    assert by_line[5].status == "not_found" and by_line[6].status == "invalid"
    assert plan.counts() == {
        "identifiers": 6,
        "matched": 4,
        "deleted_before": 0,
        "not_found": 1,
        "invalid": 1,
        "contacts": 4,
    }
    assert plan.contact_ids == [people["zoe"], people["same_email"], people["sms"], people["web"]]
    assert "Zoé Quill" in plan.frame().loc[0, "Contacts"]
    assert log_count(store) == 0 and rows_of(store, people["zoe"])["contacts"] == 1


def test_execute_deletes_each_contact_with_its_own_entry_and_reports_every_identifier(
    store, people, monkeypatch
):
    plan = erasure.preview(
        store,
        ADMIN,
        [PERSON["email"], PERSON["external_id"], "+49 151 12345678", "nobody@example.com", "bad\x07id"],
    )
    batches, real = [], store.deletion.erase_contacts
    monkeypatch.setattr(
        store.deletion, "erase_contacts", lambda ids, **kw: batches.append(list(ids)) or real(ids, **kw)
    )
    result = erasure.execute(store, ADMIN, plan, batch_size=2, **GDPR)
    assert batches == [[people["zoe"], people["same_email"]], [people["sms"]]]  # batches, no redo one by one
    for key in ("zoe", "same_email", "sms"):
        assert rows_of(store, people[key]) == {}
    assert rows_of(store, people["keep"])["contacts"] == 1 and rows_of(store, people["web"])["contacts"] == 1
    assert not (store.attachments_dir / str(people["zoe"])).exists() and store.deletion.pending_files() == []
    assert log_count(store) == 3 and deletion.verify_log(store, ADMIN).line() == "OK 3 entries"
    frame = result.frame()
    assert list(frame["outcome"]) == ["deleted", "deleted", "deleted", "not_found", "error"]
    assert frame.loc[0, "contact_ids"] == f"{people['zoe']} {people['same_email']}"
    assert frame.loc[1, "contact_ids"] == str(people["zoe"])  # the same person found by two identifiers
    entries = {
        e: c
        for c, e in zip(frame.loc[0, "contact_ids"].split(), frame.loc[0, "log_entries"].split(), strict=True)
    }
    logged = dict(store._rows("SELECT id::VARCHAR, contact_id FROM deletion_log"))
    assert {e: str(c) for e, c in logged.items() if e in entries} == entries
    assert result.summary == {
        "identifiers": 5,
        "deleted": 3,
        "deleted_before": 0,
        "not_found": 1,
        "error": 1,
        "contacts_deleted": 3,
        "contacts_failed": 0,
        "log_entries": [1, 3],
    }
    csv = pd.read_csv(io.BytesIO(result.csv()), dtype=str, keep_default_na=False)
    assert list(csv.columns) == ["line", "identifier", "outcome", "contact_ids", "log_entries", "detail"]
    assert csv.loc[2, "identifier"] == "'+49 151 12345678"  # neutralised for spreadsheets


def test_a_failing_batch_is_redone_contact_by_contact(store, people, monkeypatch):
    real = store.deletion.erase_contacts

    def flaky(ids, **kwargs):
        if people["sms"] in ids:
            raise RuntimeError("cannot delete this one")
        return real(ids, **kwargs)

    monkeypatch.setattr(store.deletion, "erase_contacts", flaky)
    plan = erasure.preview(store, ADMIN, [PERSON["email"], "+49 151 12345678", "webchat:visitor-abc"])
    result = erasure.execute(store, ADMIN, plan, batch_size=10, **GDPR)
    assert [r["outcome"] for r in result.rows] == ["deleted", "error", "deleted"]
    assert "cannot delete this one" in result.rows[1]["detail"]
    assert rows_of(store, people["sms"])["contacts"] == 1 and rows_of(store, people["web"]) == {}
    assert result.summary["contacts_failed"] == 1 and deletion.verify_log(store, ADMIN).ok


def test_contacts_deleted_after_the_preview_count_as_not_found(store, people):
    plan = erasure.preview(store, ADMIN, ["webchat:visitor-abc"])
    deletion.delete_contact(store, ADMIN, people["web"], **GDPR)
    result = erasure.execute(store, ADMIN, plan, **GDPR)
    assert result.rows[0]["outcome"] == "not_found" and "meanwhile" in result.rows[0]["detail"]
    assert log_count(store) == 1


def test_bad_hint_or_reason_erases_nothing(store, people):
    plan = erasure.preview(store, ADMIN, [PERSON["email"]])
    with pytest.raises(InvalidInput):
        erasure.execute(store, ADMIN, plan, hint="", reason="gdpr_request")
    with pytest.raises(InvalidInput):
        erasure.execute(store, ADMIN, plan, hint="ok", reason="whim")
    assert log_count(store) == 0 and rows_of(store, people["zoe"])["contacts"] == 1
    assert files_under(store.attachments_dir / str(people["zoe"]))


def test_running_the_same_file_again_reports_what_was_erased_earlier_and_where(store, people):
    """An erasure interrupted (or run twice) is finished by running the file again: identifiers whose
    contacts are gone are found in the deletion log by keyed hash, never reported as unknown."""
    names = [PERSON["email"].upper(), "+49 151 12345678", "sms:+4915112345678", "nobody@example.com"]
    first = erasure.execute(store, ADMIN, erasure.preview(store, ADMIN, names[:1]), **GDPR)
    entries = first.rows[0]["log_entries"]
    plan = erasure.preview(store, ADMIN, names)
    assert [r.status for r in plan.rows] == ["deleted_before", "match", "match", "not_found"]
    assert " ".join(map(str, plan.rows[0].entry_ids)) == entries and "#" in plan.rows[0].detail
    assert plan.counts()["deleted_before"] == 1 and plan.frame().loc[0, "Status"] == "deleted earlier"
    again = erasure.execute(store, ADMIN, plan, **GDPR)
    assert [r["outcome"] for r in again.rows] == ["deleted_before", "deleted", "deleted", "not_found"]
    assert again.rows[0]["log_entries"] == entries and again.summary["deleted_before"] == 1
    assert deletion.verify_log(store, ADMIN).ok
