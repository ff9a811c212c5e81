"""AppTest: the Import contacts page with a workbook — the sheet chosen, dry run and import like a CSV."""

import io

import pytest

from tests.support.navigation import open_page

from ..support.apptest import ADMIN, shown
from ..support.engines import store_of
from ..support.sheets import Formula, xlsx


@pytest.fixture
def page(app, tmp_path, monkeypatch):
    from inbox import csv_files

    monkeypatch.setattr(csv_files, "UPLOADS", tmp_path / "uploads")
    at = app(ADMIN)
    open_page(at, "import_contacts").run()
    assert not at.exception
    return at


def workbook(tmp_path) -> bytes:
    path = xlsx(
        tmp_path / "book.xlsx",
        {
            "Read me": [["This workbook lists our customers"]],
            "Customers": [
                ["Email", "First name", "Phone"],
                ["ann@example.com", "Ann", "+33 6 11 11 11 11"],
                ["bob@example.com", Formula('=UPPER("bob")', "BOB"), 612345678],
            ],
        },
    )
    return io.BytesIO(path.read_bytes()).getvalue()


def test_a_workbook_sheet_is_chosen_dry_run_and_imported(page, tmp_path, workspace_db):
    page.file_uploader(key="imp.file").set_value(("book.xlsx", workbook(tmp_path), "application/zip")).run()
    assert not page.exception, page.exception
    sheet = page.selectbox(key="imp.sheet")
    assert sheet.options == ["Read me", "Customers"] and sheet.value == "Customers"  # the first with rows
    assert "imp.encoding" not in page.session_state  # a workbook has no encoding nor delimiter to choose
    sheet.set_value("Read me").run()
    assert any("“Read me” has a header row but no rows to import" in shown(e.value) for e in page.error)
    page.selectbox(key="imp.sheet").set_value("Customers").run()
    captions = [shown(c.value) for c in page.caption]
    assert any("sheet “Customers” (2 sheets in the workbook), 2 rows, 3 columns" in c for c in captions)
    page.button(key="imp.dry").click().run()
    assert [(m.label, m.value) for m in page.metric][:5] == [
        ("New", "1"),
        ("Updated", "0"),
        ("Unchanged", "0"),
        ("Skipped", "0"),
        ("Rejected", "1"),
    ]
    text = " ".join(shown(x.value) for x in [*page.caption, *page.markdown, *page.error, *page.warning])
    assert "2 rows read from book.xlsx › Customers (xlsx workbook)." in text
    page.button(key="imp.go").click().run()
    assert not page.exception
    with store_of(workspace_db) as store:
        assert store._rows("SELECT email FROM contacts") == [("ann@example.com",)]
        assert store._rows("SELECT file_name FROM import_batches") == [("book.xlsx › Customers",)]
