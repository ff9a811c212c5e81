"""The Deleted contacts report: filters, figures, charts, schema flags, lookup, CSV/Parquet exports."""

import io
import re
from datetime import date, timedelta

import pandas as pd
import pytest

from inbox import contacts, deletion, inbound
from inbox import deletion_report as report
from inbox.errors import InvalidInput
from inbox.keys import key_file_for
from inbox.models import Actor
from validation.deletion_log import entry_problems

from ..support.deletion import (
    ADMIN,
    AGENT,
    PERSON,
    members,  # noqa: F401 (autouse fixture)
    rich_contact,
)
from ..support.snapshots import snapshot_fixtures

BOB = Actor("bob@example.com", "admin")


def _write_log(store) -> None:
    """Six entries: three by ADMIN (whatsapp, gdpr), two by BOB (email, duplicate), one rich (whatsapp)."""
    for i in range(3):
        cid = inbound.receive(store, "whatsapp", f"+3361000000{i}", "hi")["contact_id"]
        deletion.delete_contact(
            store, ADMIN, cid, hint=f"ticket #10{i} erasure request", reason="gdpr_request"
        )
    for i in range(2):
        cid = inbound.receive(store, "email", f"dup{i}@example.com", "hi")["contact_id"]
        deletion.delete_contact(store, BOB, cid, hint="merged duplicate", reason="duplicate")
    deletion.delete_contact(store, ADMIN, rich_contact(store), hint="Zoé asked", reason="other")


# written once for the module; each test that asks for ``log`` gets its own copy of that workspace
_log_snapshot, store, six_entries = snapshot_fixtures("six_entries", _write_log, ADMIN, AGENT, BOB)


@pytest.fixture
def log(store, six_entries):
    """The store holding the six entries (its own copy)."""
    return store


def test_figures_and_charts_over_everything(log):
    r = report.report(log, ADMIN, report.Filters())
    assert r.total == 6 and list(r.rows["id"]) == [6, 5, 4, 3, 2, 1] and r.flagged == []
    assert r.summary["deletions"] == 6 and r.summary["messages"] == 5 + 3 and r.summary["attachments"] == 2
    assert r.summary["admins"] == 2 and r.summary["bytes"] > 0
    assert dict(zip(r.by_admin["Admin"], r.by_admin["Deletions"], strict=True)) == {
        "admin@example.com": 4,
        "bob@example.com": 2,
    }
    assert dict(zip(r.by_platform["Platform"], r.by_platform["Deletions"], strict=True)) == {
        "whatsapp": 4,
        "email": 2,
    }
    assert dict(zip(r.by_reason["Reason"], r.by_reason["Deletions"], strict=True)) == {
        "gdpr_request": 3,
        "duplicate": 2,
        "other": 1,
    }
    monday = date.today() - timedelta(days=date.today().weekday())
    assert list(r.by_week["Week"]) == [monday.isoformat()] and list(r.by_week["Deletions"]) == [6]
    assert (r.rows[report.PROBLEMS] == "").all()


@pytest.mark.parametrize(
    "filters,ids",
    [
        (report.Filters(admins=("bob@example.com",)), [5, 4]),
        (report.Filters(platforms=("whatsapp",)), [6, 3, 2, 1]),
        (report.Filters(reasons=("gdpr_request", "other")), [6, 3, 2, 1]),
        (report.Filters(text="ERASURE"), [3, 2, 1]),
        (report.Filters(text="#101"), [2]),
        (report.Filters(text="zoé quill"), [6]),  # the display name too
        (report.Filters(text="ZOÉ"), [6]),
        (report.Filters(text="_"), []),
        (report.Filters(text="%"), []),
        (report.Filters(text="ERASURE", platforms=("whatsapp",)), [3, 2, 1]),
        (report.Filters(text="ERASURE", admins=("bob@example.com",)), []),
        (report.Filters(since=date.today(), until=date.today()), [6, 5, 4, 3, 2, 1]),
        (report.Filters(until=date.today() - timedelta(days=1)), []),
        (report.Filters(since=date.today() + timedelta(days=1)), []),
        (report.Filters(admins=("admin@example.com",), platforms=("email",)), []),
    ],
)
def test_filters(log, filters, ids):
    r = report.report(log, ADMIN, filters)
    assert list(r.rows["id"]) == ids and r.total == len(ids) and r.summary["deletions"] == len(ids)
    assert int(r.by_week["Deletions"].sum()) == len(ids)


def test_bad_filters_are_refused(log):
    with pytest.raises(InvalidInput, match="after the end date"):
        report.report(log, ADMIN, report.Filters(since=date(2026, 2, 1), until=date(2026, 1, 1)))
    with pytest.raises(InvalidInput, match="unknown platform or reason"):
        report.report(log, ADMIN, report.Filters(platforms=("pigeon",)))


def test_the_page_shows_at_most_the_limit_but_counts_everything(log):
    r = report.report(log, ADMIN, report.Filters(), limit=2)
    assert list(r.rows["id"]) == [6, 5] and r.total == 6
    r = report.report(log, ADMIN, report.Filters(text="erasure"), limit=2)  # ids matched first, then joined
    assert list(r.rows["id"]) == [3, 2] and r.total == 3 and int(r.by_admin["Deletions"].sum()) == 3


def corrupt(store):
    """A row written past the app (e.g. by hand): it fails the schema and breaks the chain."""
    with store.cursor() as cur:
        cur.execute(
            "INSERT INTO deletion_log SELECT id + 100, deleted_at, deleted_by, contact_id, 'pigeon',"
            " display_name, 'bad' || chr(7) || 'hint', reason, conversations, messages, attachments, bytes,"
            " 'not-a-hash', phone_hmac, handle_hmac, external_id_hmac, snapshot, sha256('forged-prev'),"
            " sha256('forged') FROM deletion_log WHERE id = 2"
        )


def test_an_entry_failing_the_schema_is_flagged_never_dropped(log):
    corrupt(log)
    r = report.report(log, ADMIN, report.Filters())
    assert r.total == 7 and 102 in list(r.rows["id"]) and r.flagged == [102]
    problems = r.rows.set_index("id").loc[102, report.PROBLEMS]
    for expected in ("platform: isin", "identity_hint: no_control_chars", "email_hmac: is_sha256_hex"):
        assert expected in problems
    assert r.rows.set_index("id").loc[3, report.PROBLEMS] == ""
    exported = pd.read_csv(io.BytesIO(report.export_bytes(log, ADMIN, report.Filters(), "csv")), dtype=str)
    assert len(exported) == 7 and "platform: isin" in exported.set_index("id").loc["102", report.PROBLEMS]
    assert not deletion.verify_log(log, ADMIN).ok


def test_entry_problems_keeps_the_index():
    frame = pd.DataFrame({"id": [1]}, index=[42])
    out = entry_problems(frame)
    assert list(out.index) == [42] and "column_in_dataframe" in out.iloc[0]


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+33 6", "'+33 6"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
        (12, 12),
        (None, None),
    ],
)
def test_formula_neutralisation(value, expected):
    assert report.neutralise(value) == expected


def test_csv_export_neutralises_and_holds_every_column(store):
    cid = inbound.receive(store, "webchat", "visitor-1", "hi")["contact_id"]
    deletion.delete_contact(store, ADMIN, cid, hint="=cmd|' /C calc'!A0", reason="other")
    cid = inbound.receive(store, "webchat", "visitor-2", "hi")["contact_id"]
    c = contacts.get_contact(store, cid)
    contacts.update_values(store, ADMIN, cid, c.version, {"first_name": "@Evil", "last_name": "-Name"})
    deletion.delete_contact(store, ADMIN, cid, hint="+1 for spreadsheets", reason="other")
    frame = pd.read_csv(
        io.BytesIO(report.export_bytes(store, ADMIN, report.Filters(), "csv")),
        dtype=str,
        keep_default_na=False,
    )
    assert list(frame.columns) == [*deletion.LOG_COLUMNS, report.PROBLEMS]
    assert list(frame["identity_hint"]) == ["'=cmd|' /C calc'!A0", "'+1 for spreadsheets"]
    assert frame["display_name"].iloc[1] == "'@Evil -Name"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", frame["deleted_at"].iloc[0])  # UTC, no offset
    assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in frame.to_numpy().ravel())


def test_parquet_export_is_typed_and_filtered(log, tmp_path):
    out = tmp_path / "log.parquet"
    assert report.write_export(log, ADMIN, report.Filters(reasons=("duplicate",)), "parquet", out) == 2
    frame = pd.read_parquet(out)
    assert list(frame["id"]) == [4, 5] and str(frame["id"].dtype) == "int64"
    assert pd.api.types.is_datetime64_any_dtype(frame["deleted_at"]) and set(frame["reason"]) == {"duplicate"}
    assert report.write_export(log, ADMIN, report.Filters(platforms=("sms",)), "parquet", out) == 0
    assert list(pd.read_parquet(out).columns) == [*deletion.LOG_COLUMNS, report.PROBLEMS]
    with pytest.raises(InvalidInput, match="csv or parquet"):
        report.write_export(log, ADMIN, report.Filters(), "xlsx", tmp_path / "x")


def test_export_in_chunks_keeps_order_and_count(log, monkeypatch):
    monkeypatch.setattr(report, "EXPORT_CHUNK", 2)
    chunks = list(report.export_chunks(log, ADMIN, report.Filters(), chunk=2))
    assert [list(c["id"]) for c in chunks] == [[1, 2], [3, 4], [5, 6]]


@pytest.mark.parametrize(
    "typed,entry",
    [
        (PERSON["email"], 6),
        (PERSON["email"].upper(), 6),
        ("+33 6 98 76 54 32", 6),
        ("06 98 76 54 32", None),
        ("whatsapp:+33698765432", 6),
        ("+33698765432", 6),
        (PERSON["external_id"], 6),
        ("dup1@example.com", 5),
        ("email:dup0@example.com", 4),
        ("sms:+33698765432", None),
        ("nobody@example.com", None),
        ("crm-zq", None),
    ],
)
def test_was_this_identifier_deleted(log, typed, entry):
    found = report.lookup(log, ADMIN, typed)
    assert [e["id"] for e in found] == ([entry] if entry else [])


def test_lookup_reads_national_numbers_in_the_workspace_region(log):
    from inbox import workspace

    workspace.set_default_region(log, ADMIN, "FR")
    assert [e["id"] for e in report.lookup(log, ADMIN, "06 98 76 54 32")] == [6]
    assert report.lookup(log, ADMIN, "+33698765432")[0]["matched"] == ["phone", "handle"]


def test_lookup_before_any_deletion_and_bad_input(store):
    assert report.lookup(store, ADMIN, "x@example.com") == []
    # a lookup creates no key
    assert store.keys.key_fingerprint() is None and not key_file_for(store.file_base).exists()
    with pytest.raises(InvalidInput, match="enter an email"):
        report.lookup(store, ADMIN, "  ")


def test_a_phone_stored_before_the_libphonenumber_rules_is_found_in_the_log(store):
    with store.tx() as cur:  # as the shape-only rules stored "+33 (0)6 12 34 56 78"
        cur.execute(
            "INSERT INTO contacts (platform, handle, phone, created_at, created_by, updated_at, updated_by)"
            " VALUES ('email', 'old@example.com', '+330612345678', now(), 't', now(), 't')"
        )
    cid = store._rows("SELECT id FROM contacts WHERE handle = 'old@example.com'")[0][0]
    deletion.delete_contact(store, ADMIN, cid, hint="old number", reason="gdpr_request")
    for typed in ("+33 (0)6 12 34 56 78", "+330612345678", "0033 (0)6 12 34 56 78"):
        assert [e["matched"] for e in report.lookup(store, ADMIN, typed)] == [["phone"]]


def test_a_wildcard_character_is_matched_literally_with_the_other_filters_and_any_case(log):
    cid = inbound.receive(log, "whatsapp", "+33610000009", "hi")["contact_id"]
    deletion.delete_contact(log, ADMIN, cid, hint="Case_42 follow-up", reason="other")
    today = report.Filters(text="CASE_42", since=date.today())
    assert list(report.report(log, ADMIN, today).rows["id"]) == [7]
    assert list(report.report(log, ADMIN, report.Filters(text="case_4%")).rows["id"]) == []
    assert report.report(log, ADMIN, report.Filters(text="case_42", admins=("bob@example.com",))).total == 0


def test_the_admins_of_the_log_are_listed_once_each_in_order(log):
    assert report.admins_in_log(log, ADMIN) == ["admin@example.com", "bob@example.com"]
