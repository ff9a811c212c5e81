"""Contacts export: every page of the search in the list's order, columns, formulas neutralised per format
(CSV, xlsx read back, Parquet), admins only, one access-log entry per export."""

import csv
import io
import json
import os
import zipfile
from datetime import date

import pandas as pd
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from inbox import attributes as attrs
from inbox import contact_export as ce
from inbox import contacts
from inbox.errors import InvalidInput, PermissionDenied
from inbox.models import SYSTEM, Actor
from inbox.spreadsheet import neutralise, neutralise_array, unmark
from tests.support.members import members_fixture

ADMIN = Actor("ada@example.com", "admin")
AGENT = Actor("alex@example.com", "agent")
_members = members_fixture(ADMIN, AGENT)
# Values a spreadsheet would run, or that look like our own marks; each must come back exactly.
RISKY = ["=HYPERLINK(\"http://x\")", "+33 6 12", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "'=quoted", "plain"]


def _custom_layout(store):
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Orders", key="orders", type="number")
    layout = attrs.new_attribute(layout, label="Since", key="since", type="date")
    layout = attrs.new_attribute(layout, label="Consent", key="consent", type="boolean")
    layout = attrs.new_attribute(layout, label="Notes", key="notes", type="text")
    layout = attrs.new_attribute(layout, label="Hidden", key="hidden", type="text")
    layout = [{**d, "enabled": False} if d["key"] in ("hidden", "job_title") else d for d in layout]
    attrs.save_layout(store, ADMIN, layout, base_version=version)


@pytest.fixture
def people(store):
    """30 contacts (handles wa-00…wa-29), a risky value in ``first_name`` and ``notes``; typed values."""
    _custom_layout(store)
    rows = [
        (
            n,
            "email" if n % 3 == 0 else "whatsapp",
            f"wa-{n:02d}",
            RISKY[n % len(RISKY)],
            n + 0.5 if n % 2 else float(n),
            date(2024, 1, n % 28 + 1),
            n % 2 == 0,
        )
        for n in range(30)
    ]
    frame = pd.DataFrame(rows, columns=["n", "platform", "handle", "risky", "orders", "since", "consent"])
    with store.tx() as cur:  # one statement each (receiving 30 messages costs ~2 s): values a member could
        cur.register("people", frame)  # not type (a tab, a CR) but an import or the API may hold
        cur.execute(
            "INSERT INTO contacts (platform, handle, first_name, job_title, created_at, created_by,"
            " updated_at, updated_by, search_text) SELECT platform, handle, risky, 'hidden job',"
            " TIMESTAMP '2026-01-01' + n * INTERVAL '1 hour', 't',"
            " TIMESTAMP '2026-02-01' + (n % 7) * INTERVAL '1 day', 't', lower(handle) FROM people ORDER BY n"
        )
        for key, slot in [("notes", "risky, NULL, NULL, NULL"), ("orders", "NULL, orders, NULL, NULL"),
                          ("since", "NULL, NULL, since, NULL"), ("consent", "NULL, NULL, NULL, consent"),
                          ("hidden", "'secret', NULL, NULL, NULL")]:  # fmt: skip
            cur.execute(
                f"INSERT INTO attribute_values SELECT c.id, '{key}', {slot}, now()::TIMESTAMP, 't'"
                " FROM people p JOIN contacts c ON c.handle = p.handle"
            )
        cur.unregister("people")
    return [store.contacts.exact_contacts("handle", f"wa-{n:02d}")[0]["id"] for n in range(30)]


def export(store, fmt, q=None, actor=ADMIN):
    q, buf = q or ce.ExportQuery(), io.BytesIO()
    n = ce.write_export(store, actor, q, fmt, buf)
    return n, buf.getvalue()


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def all_pages(store, q: ce.ExportQuery) -> list[int]:
    ids, page = [], 1
    while True:
        found = contacts.search(store, q.query, platform=q.platform, page=page, page_size=7, order=q.order)
        ids += [r["id"] for r in found.rows]
        if not found.has_next:
            return ids
        page += 1


@pytest.mark.parametrize("q", [ce.ExportQuery(), ce.ExportQuery(platform="whatsapp", order="created_asc")])
def test_every_page_of_the_search_in_the_list_order(store, people, q):
    n, data = export(store, "csv", q)
    rows = csv_rows(data)
    assert [int(r[0]) for r in rows[1:]] == all_pages(store, q) and n == len(rows) - 1 > 7
    if q.platform:
        assert {r[1] for r in rows[1:]} == {"WhatsApp"} and n == 20


def test_an_exact_identifier_exports_its_contact_only(store, people):
    n, data = export(store, "csv", ce.ExportQuery(query=f"#{people[4]}"))
    assert n == 1 and [int(r[0]) for r in csv_rows(data)[1:]] == [people[4]]


def test_columns_are_id_platform_handle_enabled_labels_in_order_then_times(store, people):
    header = csv_rows(export(store, "csv")[1])[0]
    labels = [a.label for a in attrs.enabled_attributes(store)]
    assert header == ["Contact ID", "Platform", "Handle", *labels, "Created (UTC)", "Updated (UTC)"]
    assert "Hidden" not in header and "Job title" not in header  # disabled attributes stay out
    assert labels[-4:] == ["Orders", "Since", "Consent", "Notes"]


def test_csv_neutralises_formulas_like_the_rejects_file_and_types_read_back(store, people):
    rows = csv_rows(export(store, "csv", ce.ExportQuery(order="created_asc"))[1])
    header = rows[0]
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    for n, cid in enumerate(people):
        risky = RISKY[n % len(RISKY)]
        row = by_id[cid]
        assert row["First name"] == neutralise(risky) and unmark(row["Notes"]) == risky
        assert row["Orders"] == (f"{n}.5" if n % 2 else str(n))
        assert row["Since"] == f"2024-01-{n % 28 + 1:02d}" and row["Consent"] == (
            "yes" if n % 2 == 0 else "no"
        )
        assert len(row["Created (UTC)"]) == 19  # YYYY-MM-DD HH:MM:SS
    assert {by_id[people[n]]["First name"][:2] for n in range(4)} == {"'=", "'+", "'-", "'@"}
    assert by_id[people[6]]["First name"] == "''=quoted"


def test_neutralise_array_is_neutralise_on_every_value():
    import pyarrow as pa

    values = [*RISKY, None, "", "'", "''+x", "a=b", "-", " =x"]
    assert neutralise_array(pa.array(values, pa.string())).to_pylist() == [
        None if v is None else neutralise(v) for v in values
    ]


def test_xlsx_writes_text_as_text_never_a_formula_and_reads_back(store, people, tmp_path):
    n, data = export(store, "xlsx", ce.ExportQuery(order="created_asc"))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
    assert 'quotePrefix="1"' in styles  # cells a spreadsheet would run carry Excel's quote prefix
    path = tmp_path / "c.xlsx"
    path.write_bytes(data)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Contacts").to_python()
    header = rows[0]
    assert header[:3] == ["Contact ID", "Platform", "Handle"] and len(rows) == n + 1 == 31
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    for i, cid in enumerate(people):
        row = by_id[cid]
        assert row["First name"] == RISKY[i % len(RISKY)] == row["Notes"]  # the value itself, as text
        assert row["Orders"] == (i + 0.5 if i % 2 else i) and row["Consent"] is (i % 2 == 0)
        assert row["Since"] == date(2024, 1, i % 28 + 1)


def test_parquet_keeps_types_and_labels(store, people):
    n, data = export(store, "parquet")
    table = pq.read_table(io.BytesIO(data))
    assert table.num_rows == n == 30
    types = {f.name: str(f.type) for f in table.schema}
    assert types["Contact ID"] == "int64" and types["Orders"] == "double" and types["Since"] == "date32[day]"
    assert types["Consent"] == "bool" and types["Created (UTC)"].startswith("timestamp")
    assert set(table.column("First name").to_pylist()) == set(RISKY)  # not a spreadsheet: values as stored


def test_an_empty_result_is_a_file_with_its_header(store, people):
    for fmt in ce.FORMATS:
        n, data = export(store, fmt, ce.ExportQuery(query="nobody-has-this"))
        assert n == 0 and data
    assert len(csv_rows(export(store, "csv", ce.ExportQuery(query="zzzz"))[1])) == 1
    assert pq.read_table(io.BytesIO(export(store, "parquet", ce.ExportQuery(query="zz"))[1])).num_rows == 0


def test_each_export_is_logged_with_who_what_and_how_many(store, people):
    export(store, "xlsx", ce.ExportQuery(query="wa-1", platform="whatsapp", order="name"))  # wa-10…wa-19
    [entry] = store.exports.access_entries()
    assert (entry["actor"], entry["kind"], entry["format"]) == (ADMIN.email, "contacts_export", "xlsx")
    assert json.loads(entry["query"]) == {"query": "wa-1", "platform": "whatsapp", "order": "name"}
    assert entry["row_count"] == len(all_pages(store, ce.ExportQuery(query="wa-1", platform="whatsapp")))
    assert entry["contact_id"] is None and entry["row_count"] > 0


def test_only_admins_export_and_a_refusal_logs_nothing(store, people):
    with pytest.raises(PermissionDenied, match="only admins can export contacts"):
        export(store, "csv", actor=AGENT)
    with store.tx() as cur:  # an admin demoted meanwhile: refused at the export, not only at sign-in
        cur.execute("UPDATE users SET role = 'agent' WHERE email = ?", [ADMIN.email])
    with pytest.raises(PermissionDenied):
        export(store, "csv")
    assert store.exports.access_entries() == []
    assert export(store, "csv", actor=SYSTEM)[0] == 30  # the CLI operator may


def test_a_bad_format_or_an_xlsx_over_a_sheet_is_refused_before_anything(store, people, monkeypatch):
    with pytest.raises(InvalidInput, match="csv, xlsx or parquet"):
        export(store, "pdf")
    monkeypatch.setattr(ce, "XLSX_MAX_ROWS", 10)
    with pytest.raises(InvalidInput, match="more than an Excel sheet holds"):
        export(store, "xlsx")
    assert store.exports.access_entries() == []


def test_a_label_used_twice_gets_its_key(store, people):
    version, layout = attrs.load_layout(store)
    layout = [{**d, "label": "Orders"} if d["key"] == "notes" else d for d in layout]
    attrs.save_layout(store, ADMIN, layout, base_version=version)
    header = csv_rows(export(store, "csv")[1])[0]
    assert "Orders (orders)" in header and "Orders (notes)" in header


def test_the_download_file_is_a_readable_file_streamlit_accepts(store, people):
    data = export(store, "csv")[1]
    with ce.export_file(store, ADMIN, ce.ExportQuery(), "csv") as f:
        assert isinstance(f, io.BufferedReader) and f.read() == data  # (a BufferedRandom is refused)
        assert not os.path.exists(f.name)  # already unlinked: nothing left behind once closed
