"""AppTest: the Import contacts page — upload, detected format, mapping, dry run, import, rejects, templates,
undo."""

from pathlib import Path

import pytest

from inbox import imports
from tests.support.navigation import open_page
from ui.text import literal

from ..support.apptest import ADMIN, AGENT, shown
from ..support.engines import store_of

PAGE = "import_contacts"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
FILE = (
    "Courriel;Prénom;Portable;Remarque\n"
    "ann@example.com;Ann;+33611111111;VIP\n"
    "pas-un-email;Bob;+33622222222;\n"
    "cy@example.com;Cy;+33633333333;appeler le matin\n"
).encode("windows-1252")


@pytest.fixture
def page(app, tmp_path, monkeypatch):
    from inbox import csv_files

    monkeypatch.setattr(csv_files, "UPLOADS", tmp_path / "uploads")  # the page stashes uploads there
    at = app(ADMIN)
    open_page(at, PAGE).run()
    assert not at.exception
    return at


def upload(at, name="export.csv", data=FILE):
    at.file_uploader(key="imp.file").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def mapping_box(at, column):
    return next(s for s in at.selectbox if shown(s.label) == column)


def count(workspace_db) -> int:
    with store_of(workspace_db) as store:
        return store._scalar("SELECT count(*) FROM contacts")


def test_agents_cannot_open_the_page(app):
    # not listed for an agent; its address only says who may see it
    at = open_page(app(AGENT), PAGE).run()
    assert [e.value for e in at.error] == ["Only admins can see imports."]
    assert not at.title and not at.button


def test_before_any_upload_the_page_lists_imports(page):
    assert page.title[0].value == "Import contacts"
    assert "No import yet." in [c.value for c in page.caption]


def test_upload_shows_the_detected_format_and_mapping(page):
    upload(page)
    assert "windows-1252 (detected), semicolon (;) delimiter (detected), 4 columns" in shown(
        page.caption[1].value
    )
    assert [(c, mapping_box(page, c).value) for c in ("Courriel", "Prénom", "Portable", "Remarque")] == [
        ("Courriel", "email"),
        ("Prénom", "first_name"),
        ("Portable", "phone"),
        ("Remarque", "__ignore__"),
    ]
    assert list(page.dataframe[0].value.columns) == ["Courriel", "Prénom", "Portable", "Remarque"]


def test_overriding_the_delimiter_is_reflected(page):
    upload(page)
    page.selectbox(key="imp.delimiter").set_value(",").run()
    assert shown(page.caption[1].value).endswith("comma (,) delimiter (chosen), 1 column")
    assert any(e.value.startswith("No column maps to an identifier") for e in page.error)
    assert shown(page.selectbox[3].label) == "Courriel;Prénom;Portable;Remarque"
    assert page.button(key="imp.dry").disabled and page.button(key="imp.go").disabled


def test_dry_run_then_import_then_rejects_then_undo(page, workspace_db):
    upload(page)
    mapping_box(page, "Portable").set_value("__ignore__").run()  # adjust the mapping: leave the phones out
    page.button(key="imp.dry").click().run()
    assert not page.exception
    assert [(m.label, m.value) for m in page.metric][:5] == [
        ("New", "2"),
        ("Updated", "0"),
        ("Unchanged", "0"),
        ("Skipped", "0"),
        ("Rejected", "1"),
    ]
    assert "Nothing was written" in page.info[0].value and count(workspace_db) == 0
    assert "3 rows read from export.csv (windows-1252, semicolon (;) delimiter)." in [
        shown(c.value) for c in page.caption
    ]
    assert page.session_state["imp.result"].samples["inserted"][0]["phone"] is None
    # the sample shows human headers and blank empty cells (never "None" or attribute keys)
    sample = next(d.value for d in page.dataframe if "Line" in d.value.columns and "Email" in d.value.columns)
    assert {"Line", "Platform", "Handle", "Display name", "Email", "First name", "Phone"} <= set(
        sample.columns
    )
    assert not any("_" in c for c in sample.columns)
    assert sample.loc[0, "Phone"] == "" and "None" not in sample.astype(str).to_numpy().ravel().tolist()
    page.button(key="imp.go").click().run()
    assert not page.exception
    result = page.session_state["imp.result"]
    assert page.success[0].value.startswith(f"Imported as batch #{result.batch_id}")
    assert count(workspace_db) == 2
    assert (
        page.download_button(key="imp.rejects").label == "Download rejected rows and left-empty values (CSV)"
    )
    text = result.rejects_csv().decode("utf-8-sig").splitlines()
    assert text[0] == "Courriel;Prénom;Portable;Remarque;status;errors"
    # the phone is neutralised for spreadsheets (the import takes the quote off again)
    assert text[1] == (
        "pas-un-email;Bob;'+33622222222;;rejected;line 3: Courriel: not a valid email address: it must "
        "have an @ (pas-un-email)"
    )
    # undo from the history
    page.selectbox(key="imp.undo.pick").set_value(result.batch_id).run()
    page.button(key="imp.undo").click().run()
    page.button(key="imp.undo.confirm").click().run()
    assert not page.exception
    # the outcome is a toast (the dialog closed), never a success box beside an error
    assert [shown(t.value) for t in page.toast] == [
        f"Import #{result.batch_id} undone: 2 contacts removed, 0 restored."
    ]
    assert not page.error and not page.success
    assert count(workspace_db) == 0
    history = page.dataframe[-1].value
    assert history.loc[history["Import"] == result.batch_id, "Status"].tolist() == ["Undone"]
    assert "No import left to undo." in [c.value for c in page.caption]


def test_an_undo_refused_keeps_the_dialog_with_the_reason_and_no_success(page, workspace_db):
    from inbox import contacts
    from inbox.models import Actor

    upload(page)
    page.button(key="imp.go").click().run()
    batch = page.session_state["imp.result"].batch_id
    with store_of(workspace_db) as store:  # someone edits an imported contact since
        cid, version = store._one("SELECT id, version FROM contacts ORDER BY id LIMIT 1")
        contacts.update_values(store, Actor(ADMIN[0], "admin"), cid, version, {"job_title": "CEO"})
    page.selectbox(key="imp.undo.pick").set_value(batch).run()
    page.button(key="imp.undo").click().run()
    page.button(key="imp.undo.confirm").click().run()
    assert not page.exception and not page.toast
    assert not any("undone" in s.value for s in page.success)
    # (AppTest reruns the whole page, not the dialog: the dialog shows this error, see the browser test)
    assert page.session_state["imp.undo.error"][0].startswith(f"Import {batch} cannot be undone")
    assert count(workspace_db) == 2


def test_a_new_upload_replaces_the_stashed_file(page, tmp_path):
    upload(page)
    first = Path(page.session_state["imp.path"])
    assert first.parent == tmp_path / "uploads" and first.read_bytes() == FILE
    upload(page, "other.csv", b"Email\na@example.com\n")
    assert (
        not first.exists() and Path(page.session_state["imp.path"]).read_bytes() == b"Email\na@example.com\n"
    )


def test_unusable_files_show_a_clear_error(page, workspace_db):
    upload(page, "sheet.xlsx.csv", b"PK\x03\x04rest-of-a-zip")
    assert page.error[0].value.startswith(
        "This file cannot be imported: this file is a zip archive or an Excel workbook \\(\\.xlsx\\)"
    )
    assert count(workspace_db) == 0


def test_templates_are_saved_and_reused(page, workspace_db):
    upload(page)
    mapping_box(page, "Remarque").set_value("job_title").run()
    page.text_input(key="imp.template_name").input("Excel FR").run()
    page.button(key="imp.template_save").click().run()
    assert "Mapping saved as template “Excel FR”\\." in [s.value for s in page.success]
    with store_of(workspace_db) as store:
        assert imports.templates(store)[0]["mapping"]["Remarque"] == "job_title"
    fresh = upload(page, "other.csv", FILE.replace(b"Remarque", b"REMARQUE"))
    assert mapping_box(fresh, "REMARQUE").value == "__ignore__"
    fresh.selectbox(key="imp.template").set_value("Excel FR").run()
    assert mapping_box(fresh, "REMARQUE").value == "job_title"


def test_a_column_can_become_a_new_custom_attribute(page, workspace_db):
    upload(page)
    mapping_box(page, "Remarque").set_value("__new__").run()
    i = 3
    assert page.text_input(key=f"imp.new.key.{i}").value == "remarque"
    page.selectbox(key=f"imp.new.type.{i}").set_value("text").run()
    page.button(key=f"imp.new.go.{i}").click().run()
    assert not page.exception and mapping_box(page, "Remarque").value == "remarque"
    page.button(key="imp.go").click().run()
    with store_of(workspace_db) as store:
        assert store._scalar("SELECT count(*) FROM attribute_values WHERE attribute_key = 'remarque'") == 2


def test_a_sample_with_every_kind_of_error(page):
    upload(page, "contacts_with_errors.csv", (SAMPLES / "contacts_with_errors.csv").read_bytes())
    page.button(key="imp.dry").click().run()
    metrics = dict((m.label, m.value) for m in page.metric)
    assert (metrics["Rejected"], metrics["Values left empty"]) == ("7", "3")  # Elvish, platinum, a line break
    [rejected] = [d.value for d in page.dataframe if list(d.value.columns) == ["Line", "Errors"]]
    assert rejected["Line"].tolist() == [3, 4, 7, 8, 9]
    assert rejected["Errors"].iloc[0] == "email: not a valid email address: it must have an @ (not-an-email)"


def test_headers_and_values_are_shown_as_text(page):
    upload(page, "x.csv", b"Email,**bold** <img src=x onerror=alert(1)>\na@example.com,1\n")
    box = page.selectbox[4]
    # the visible header is escaped Markdown; the box's own label, hidden, is plain text (what screen
    # readers announce, without backslashes)
    assert box.label == "**bold** <img src=x onerror=alert(1)>"
    assert box.proto.label_visibility.value == box.proto.label_visibility.COLLAPSED
    header = literal("**bold** <img src=x onerror=alert(1)>")
    assert f"**{header}**" in [m.value for m in page.markdown]
    assert shown(header) == "**bold** <img src=x onerror=alert(1)>"
    assert "a@example\\.com" not in [c.value for c in page.caption]  # data only in the (text) preview table


def test_built_in_templates_are_offered_and_fallbacks_are_listed(page, workspace_db):
    upload(page, "outlook.csv", (SAMPLES / "outlook_contacts.csv").read_bytes())
    assert (
        mapping_box(page, "Title").value == "__ignore__"
        and mapping_box(page, "Job Title").value == "job_title"
    )
    captions = [shown(c.value) for c in page.caption]
    assert (
        "Business Phone, then Home Phone, then Primary Phone, then Company Main Phone, "
        "then Business Phone 2, then Home Phone 2, then Other Phone also fill Phone when Mobile Phone is "
        "empty (the first non-empty one)" in captions
    )
    options = page.selectbox(key="imp.template").options
    assert {"Google Contacts (built-in)", "Outlook (built-in)", "Chatwoot contacts (built-in)"} <= set(
        options
    )
    page.selectbox(key="imp.template").set_value("Outlook (built-in)").run()
    assert not page.exception
    assert (
        mapping_box(page, "Title").value == "__ignore__"
        and mapping_box(page, "Mobile Phone").value == "phone"
    )
    assert "Business Phone, then Primary Phone, then Home Phone" in " ".join(
        shown(c.value) for c in page.caption
    )
    page.button(key="imp.go").click().run()
    assert count(workspace_db) == 5
    with store_of(workspace_db) as store:
        phone = store._scalar("SELECT phone FROM contacts WHERE email = 'francoise.lambert@example.org'")
    assert phone == "+33123456788"  # from Business Phone: Mobile Phone is empty


def test_a_google_export_fills_the_first_valid_value(page, workspace_db):
    upload(page, "contacts.csv", (SAMPLES / "google_contacts.csv").read_bytes())
    page.selectbox(key="imp.template").set_value("Google Contacts (built-in)").run()
    page.button(key="imp.dry").click().run()
    notes = " ".join(shown(c.value) for c in page.caption)
    assert "line 3: pas-un-email" in notes
    assert count(workspace_db) == 0
