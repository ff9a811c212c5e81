"""Excel and OpenDocument imports: the sheet chosen, typed cells read as typed, errors and number-phones
refused, unreadable files in one sentence; the same mapping, validation, dry run and batch as CSV."""

import json
from datetime import date, datetime

import pytest

from inbox import attributes as attrs
from inbox import imports
from inbox.errors import InvalidInput
from inbox.models import SYSTEM
from inbox.store import Store

from ..support.cli import invoke
from ..support.imports import contacts, fingerprint, run, values
from ..support.sheets import Formula, ods, xls, xlsx

HEADER = ["Email", "Phone", "First name", "Account ID", "External ID", "Joined", "Score"]


@pytest.fixture
def typed_layout(store):
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Joined", key="joined", type="date")
    layout = attrs.new_attribute(layout, label="Score", key="score", type="number")
    layout = attrs.new_attribute(layout, label="Note", key="note", type="text")
    attrs.save_layout(store, SYSTEM, layout, base_version=version)
    for a in attrs.all_attributes(store):
        if a.key == "external_id" and not a.enabled:
            version, layout = attrs.load_layout(store)
            for row in layout:
                row["enabled"] = True if row["key"] == "external_id" else row["enabled"]
            attrs.save_layout(store, SYSTEM, layout, base_version=version)
    return store


def by_email(store):
    return {c["email"]: c for c in contacts(store)}


def test_the_first_sheet_with_data_is_read_and_typed_cells_keep_their_meaning(typed_layout, tmp_path):
    path = xlsx(
        tmp_path / "people.xlsx",
        {
            "Notes": [],
            "People": [
                HEADER,
                ["ann@example.com", "+33 6 11 11 11 11", "Ann", 12.0, 1_000_000_000, date(2024, 3, 5), 7.5],
                ["bob@example.com", None, Formula('=CONCAT("B","ob")', "Bob"), 42, "crm-7", None, 3],
            ],
        },
    )
    result = run(typed_layout, path)
    assert (result.inserted, result.rejected, result.sheet) == (2, 0, "People")
    found = by_email(typed_layout)
    ann, bob = found["ann@example.com"], found["bob@example.com"]
    assert (ann["account_id"], ann["external_id"], ann["phone"]) == ("12", "1000000000", "+33611111111")
    assert bob["first_name"] == "Bob"  # the formula's cached value
    assert bob["account_id"] == "42"
    stored = values(typed_layout)
    assert stored[(ann["id"], "joined")][2] == date(2024, 3, 5)  # a date, not the serial 45356
    assert stored[(ann["id"], "score")][1] == 7.5
    batch = typed_layout._rows("SELECT file_name, encoding FROM import_batches")[0]
    assert batch == ("people.xlsx › People", "xlsx")
    assert any("row 1 gives the column names" in n for n in result.notes)


def test_a_named_sheet_is_read_and_an_unknown_one_is_refused_naming_the_sheets(store, tmp_path):
    path = xlsx(
        tmp_path / "two.xlsx",
        {"A": [["Email"], ["a@example.com"]], "B": [["Email"], ["b@example.com"], ["c@example.com"]]},
    )
    assert run(store, path, sheet="B", dry_run=True).inserted == 2
    assert imports.inspect_file(path).sheets == ("A", "B")
    with pytest.raises(InvalidInput, match="no sheet named “C”: its sheets are “A”, “B”"):
        run(store, path, sheet="C")


@pytest.mark.parametrize("write", [xlsx, xls], ids=["xlsx", "xls"])
def test_error_cells_and_phones_typed_as_numbers_are_refused_with_a_reason(typed_layout, tmp_path, write):
    path = write(
        tmp_path / f"errors.{write.__name__}",
        {
            "S": [
                ["Email", "Phone", "Note"],
                ["ok@example.com", "+33 6 22 22 22 22", Formula("=NA()", "#N/A")],
                ["num@example.com", 612345678, "fine"],
                [Formula("=1/0", "#DIV/0!"), "+33 6 33 33 33 33", "x"],
            ]
        },
    )
    before = fingerprint(typed_layout)
    dry = run(typed_layout, path, dry_run=True)
    assert fingerprint(typed_layout) == before
    assert (dry.inserted, dry.rejected, dry.skipped_values) == (1, 2, 1)
    errors = dict(zip(dry.rejects["status"] + "|" + dry.rejects["errors"], dry.rejects["Email"], strict=True))
    texts = " ".join(errors)
    assert "line 2: Note: left empty: the sheet shows an error here, not a value (#N/A)" in texts
    assert "line 3: Phone: typed as a number in the sheet, so its leading 0 or + is lost" in texts
    assert "(612345678)" in texts
    assert "line 4: Email: the sheet shows an error here, not a value (#DIV/0!)" in texts
    result = run(typed_layout, path)
    assert set(by_email(typed_layout)) == {"ok@example.com"}
    assert result.rejected == 2


def test_libreoffice_error_codes_are_error_cells_too(typed_layout, tmp_path):
    path = ods(
        tmp_path / "errors.ods",
        {"S": [["Email", "Note"], ["a@example.com", "Err:502"], ["b@example.com", "Err:5xx is a note"]]},
    )
    result = run(typed_layout, path)
    assert (result.inserted, result.rejected, result.skipped_values) == (2, 0, 1)
    assert result.rejects["errors"].tolist() == [
        "line 2: Note: left empty: the sheet shows an error here, not a value (Err:502)"
    ]
    assert {c["email"]: values(typed_layout).get((c["id"], "note")) for c in contacts(typed_layout)} == {
        "a@example.com": None,
        "b@example.com": ("Err:5xx is a note", None, None, None),  # not an error code: kept as typed
    }


def test_an_ods_file_imports_like_a_workbook(typed_layout, tmp_path):
    path = ods(
        tmp_path / "people.ods",
        {
            "Empty": [],
            "People": [
                ["Email", "Joined", "Score", "Account ID"],
                ["ods@example.com", date(2023, 12, 31), 2.0, 7],
                [None, None, None, None],
            ],
        },
    )
    result = run(typed_layout, path)
    assert (result.inserted, result.rejected, result.sheet) == (1, 0, "People")
    contact = by_email(typed_layout)["ods@example.com"]
    assert contact["account_id"] == "7"
    assert values(typed_layout)[(contact["id"], "joined")][2] == date(2023, 12, 31)


def test_datetimes_and_booleans_read_as_text(store, tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        {"S": [["Email", "Job title", "Last name"], ["t@example.com", datetime(2024, 1, 2, 9, 30), True]]},
    )
    run(store, path)
    contact = by_email(store)["t@example.com"]
    assert (contact["job_title"], contact["last_name"]) == ("2024-01-02 09:30:00", "true")


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            [[None], [None, "Email"], [None, "a@example.com"]],
            "row 1 is empty; the column names must be on row 1",
        ),
        ([["a@example.com"], ["b@example.com"]], "row 1 holds data (a@example.com), not column names"),
        ([["Email"]], "has a header row but no rows to import"),
    ],
)
def test_a_sheet_without_a_header_on_row_1_is_refused_in_one_sentence(store, tmp_path, rows, message):
    path = xlsx(tmp_path / "h.xlsx", {"S": rows})
    with pytest.raises(InvalidInput) as raised:
        run(store, path)
    assert message in str(raised.value)


def test_trailing_empty_rows_and_columns_are_ignored(store, tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        {"S": [["Email", None, None], ["e@example.com", None, ""], [None, None, None], ["", None, None]]},
    )
    info = imports.inspect_file(path)
    assert (info.header, info.rows) == (("Email",), 1)
    assert run(store, path).empty == 0


@pytest.mark.parametrize("content", [b"PK\x03\x04 not a zip", b"\xd0\xcf\x11\xe0 not an ole file", b""])
def test_a_damaged_workbook_is_refused_in_one_sentence(store, tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as raised:
        run(store, path)
    text = str(raised.value)
    assert text.startswith("bad.xlsx cannot be read as an Excel workbook") and "\n" not in text


def test_a_workbook_named_csv_is_read_by_its_content(store, tmp_path):
    path = xlsx(tmp_path / "x.xlsx", {"S": [["Email"], ["z@example.com"]]})
    renamed = path.rename(tmp_path / "upload-123.bin")
    assert run(store, renamed, name="upload-123.bin").inserted == 1


def test_cli_import_takes_a_sheet(tmp_path):
    db = tmp_path / "cli.duckdb"
    with Store(db):
        pass
    sheets = {"A": [["Email"], ["a@example.com"]], "B": [["Email"], ["b@example.com"]]}
    path = xlsx(tmp_path / "c.xlsx", sheets)
    ran = invoke("import", str(path), "--sheet", "B", "--db", str(db))
    assert ran.returncode == 0, ran.stderr
    out = json.loads(ran.stdout)
    assert (out["sheet"], out["inserted"], out["file"]) == ("B", 1, "c.xlsx › B")
    bad = invoke("import", str(path), "--sheet", "Nope", "--db", str(db))
    assert bad.returncode == 2 and "no sheet named “Nope”" in bad.stderr


def test_by_default_a_one_line_read_me_sheet_is_passed_over(store, tmp_path):
    path = xlsx(
        tmp_path / "r.xlsx", {"Read me": [["Exported 2026-11-02"]], "Data": [["Email"], ["r@example.com"]]}
    )
    assert imports.inspect_file(path).sheet == "Data"
    only = xlsx(tmp_path / "o.xlsx", {"Read me": [["Email"]], "Empty": []})
    with pytest.raises(InvalidInput, match="sheet “Read me” has a header row but no rows to import"):
        run(store, only)


def test_an_xls_file_xlrd_cannot_check_is_imported_with_a_note_saying_so(typed_layout, tmp_path, monkeypatch):
    import xlrd

    def unreadable(*args, **kwargs):
        raise xlrd.XLRDError("Unsupported format, or corrupt file")

    monkeypatch.setattr(xlrd, "open_workbook", unreadable)
    path = xls(tmp_path / "people.xls", {"S": [["Email", "Note"], ["a@example.com", "hello"]]})
    result = run(typed_layout, path)
    assert result.inserted == 1
    assert any(n.startswith("Error cells (#N/A…) could not be told apart") for n in result.summary()["notes"])
