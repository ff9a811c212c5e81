"""AppTest: Admin settings › Privacy & security › Deleted contacts — filters, flags, lookup, verify, bulk
erasure."""

from datetime import date, timedelta

import pytest

from inbox import deletion, inbound
from inbox.models import Actor
from tests.support.navigation import open_page, render_directly

from ..support.apptest import ADMIN, AGENT, shown
from ..support.engines import store_of
from ..support.members import seed_members

PAGE = "deleted_contacts"
BOB = Actor("bob@example.com", "admin")


@pytest.fixture
def logged(workspace_db):
    with store_of(workspace_db) as store:
        seed_members(store, BOB)
        for i in range(3):
            cid = inbound.receive(store, "whatsapp", f"+3361000000{i}", "hi")["contact_id"]
            deletion.delete_contact(
                store, Actor(ADMIN[0], "admin"), cid, hint=f"ticket #10{i}", reason="gdpr_request"
            )
        cid = inbound.receive(store, "email", "dup@example.com", "hi")["contact_id"]
        deletion.delete_contact(store, BOB, cid, hint="merged duplicate", reason="duplicate")
        inbound.receive(store, "email", "keep@example.com", "hello")
        inbound.receive(store, "sms", "+4915112345678", "hallo")
    return workspace_db


@pytest.fixture
def page(app, logged):
    at = app(ADMIN)
    open_page(at, PAGE).run()
    assert not at.exception
    return at


def table_with(at, column):
    """The first dataframe showing ``column`` (st.dataframe without selection has no key in AppTest)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    return found[0] if found else None


def shown_ids(at):
    table = table_with(at, "Schema check")
    return [] if table is None else list(table["Entry"])


def uploader(at):
    """The identifiers file picker (its key changes when Cancel or Start another erasure empties it)."""
    return next(u for u in at.get("file_uploader") if u.key.startswith("erase.file"))


def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_agents_cannot_reach_the_page(app, logged):
    at = open_page(app(AGENT), PAGE).run()  # its address, through the router: who may see it, nothing else
    assert [e.value for e in at.error] == ["Only admins can see deleted contacts."]
    assert not at.dataframe and not at.button
    direct = render_directly(PAGE, AGENT[0])  # the page's render function, without the router
    assert [e.value for e in direct.error] == [
        "Only admins can see deleted contacts."
    ] and not direct.dataframe


def test_table_figures_and_charts(page):
    assert shown_ids(page) == [4, 3, 2, 1]
    assert metrics(page)["Deletions"] == "4" and metrics(page)["Admins"] == "2"
    assert len(page.get("vega_lite_chart")) == 3  # per week, per admin, per platform
    table = table_with(page, "Schema check")
    assert list(table["Reason"]) == ["Duplicate", "GDPR request", "GDPR request", "GDPR request"]
    assert set(table["Schema check"]) == {"OK"} and not page.warning
    assert [b.label for b in page.get("download_button")] == ["Export CSV", "Export Parquet"]


def test_filters(page):
    page.multiselect(key="deleted.admins").select("bob@example.com").run()
    assert shown_ids(page) == [4] and metrics(page)["Deletions"] == "1"
    page.multiselect(key="deleted.admins").unselect("bob@example.com").run()
    page.multiselect(key="deleted.platforms").select("whatsapp").run()
    assert shown_ids(page) == [3, 2, 1]
    page.multiselect(key="deleted.reasons").select("duplicate").run()
    assert shown_ids(page) == [] and "No deletion matches these filters." in [i.value for i in page.info]
    page.multiselect(key="deleted.reasons").unselect("duplicate").run()
    page.text_input(key="deleted.text").input("#101").run()
    assert shown_ids(page) == [2]
    page.text_input(key="deleted.text").input("").run()
    page.date_input(key="deleted.since").set_value(date.today() + timedelta(days=1)).run()
    assert shown_ids(page) == []
    page.date_input(key="deleted.since").set_value(date.today()).run()
    page.date_input(key="deleted.until").set_value(date.today() - timedelta(days=2)).run()
    assert any("after the end date" in e.value for e in page.error)


def test_an_entry_failing_the_schema_is_flagged(app, logged):
    with store_of(logged) as store, store.cursor() as cur:
        cur.execute(
            "INSERT INTO deletion_log SELECT 9, deleted_at, deleted_by, contact_id, platform, display_name,"
            " '   ', reason, conversations, messages, attachments, bytes, email_hmac, phone_hmac,"
            " handle_hmac,"
            " external_id_hmac, snapshot, sha256('x'), sha256('y') FROM deletion_log WHERE id = 1"
        )
    at = app(ADMIN)
    open_page(at, PAGE).run()
    assert shown_ids(at) == [9, 4, 3, 2, 1]
    table = table_with(at, "Schema check")
    assert "identity_hint: not_blank" in table.loc[0, "Schema check"] and set(table["Schema check"][1:]) == {
        "OK"
    }
    assert any(
        "1 of the entries shown fail the deletion-log schema" in w.value and "#9" in w.value
        for w in at.warning
    )
    at.button(key="deleted.verify_button").click().run()
    assert any("Hash chain broken at entry #5" in e.value for e in at.error)


def test_verify_the_chain(page):
    page.button(key="deleted.verify_button").click().run()
    assert any(s.value.startswith("Hash chain OK: 4 entries.") for s in page.success)


def test_lookup(page):
    page.text_input(key="deleted.lookup").input("DUP@example.com")
    [b for b in page.button if b.label == "Look up"][0].click().run()
    assert any(w.value == "Deleted: 1 log entry matches." for w in page.warning)
    found = table_with(page, "Matched by")
    assert list(found["Entry"]) == [4] and list(found["Matched by"]) == ["Handle"]
    assert list(found["Reason"]) == ["Duplicate"]
    page.text_input(key="deleted.lookup").input("keep@example.com")
    [b for b in page.button if b.label == "Look up"][0].click().run()
    assert any(i.value.startswith("Not found") for i in page.info)
    page.text_input(key="deleted.lookup").input("jane@")  # not an email: called invalid, not "not found"
    [b for b in page.button if b.label == "Look up"][0].click().run()
    assert [w.value for w in page.warning][0].startswith("Invalid email address: it can only be compared")


def test_bulk_erasure(page, logged):
    uploader(page).upload("people.txt", b"keep@example.com\n+49 151 12345678\nnone@x.org\n", "text/plain")
    page.run()
    preview = table_with(page, "Status")
    assert list(preview["Status"]) == ["Matches", "Matches", "Not found"]
    assert any(
        "3 identifiers: 2 match **2 contacts**, 0 deleted earlier, 1 matches nothing" in m.value
        for m in page.markdown
    )
    assert list(preview["Matched by"]) == ["Handle", "Handle, Phone", ""]
    page.button(key="erase.run").click().run()
    assert [shown(e.value) for e in page.error] == [
        "Type an identity hint first (e.g. the ticket of the erasure request)."
    ]
    page.text_input(key="erase.hint").input("erasure batch 12")
    page.button(key="erase.run").click().run()
    assert [shown(e.value) for e in page.error] == ["Choose a reason."]  # not "the reason must be one of"
    page.selectbox(key="erase.reason").select("gdpr_request")
    page.button(key="erase.run").click().run()
    assert any("Tick the confirmation first" in e.value for e in page.error)
    page.checkbox(key="erase.confirm").check()
    page.button(key="erase.run").click().run()
    assert any(s.value.startswith("Erasure done: 2 contacts deleted") for s in page.success)
    assert [t.value for t in page.toast] == ["Erased 2 contacts."] and not page.error
    result = table_with(page, "Outcome")
    assert list(result["Outcome"]) == ["Deleted", "Deleted", "Not found"]
    assert list(result.columns) == ["Line", "Identifier", "Outcome", "Contacts", "Log entries", "Detail"]
    assert [b.label for b in page.get("download_button")][-1] == "Download the result file (CSV)"
    with store_of(logged) as store:
        assert store._scalar("SELECT count(*) FROM contacts") == 0
        assert deletion.verify_log(store, Actor(ADMIN[0], "admin")).line() == "OK 6 entries"


def test_bulk_erasure_run_again_says_what_was_erased_earlier(page, logged):
    data = b"keep@example.com\nnone@x.org\n"
    uploader(page).upload("people.txt", data, "text/plain")
    page.run()
    page.text_input(key="erase.hint").input("erasure batch 12")
    page.selectbox(key="erase.reason").select("gdpr_request")
    page.checkbox(key="erase.confirm").check()
    page.button(key="erase.run").click().run()
    page.button(key="erase.again").click().run()
    assert uploader(page).value is None  # a fresh, empty file picker
    uploader(page).upload("people-again.txt", data, "text/plain")
    page.run()
    assert list(table_with(page, "Status")["Status"]) == ["Deleted earlier", "Not found"]
    assert any(
        i.value.startswith("Nothing left to erase: 1 identifier belonged to contacts erased earlier")
        for i in page.info
    )
    assert "Download the preview (CSV)" in [b.label for b in page.get("download_button")]


def test_snapshot_setting(page, logged):
    assert page.toggle(key="deleted.keep_snapshot").value is False
    page.toggle(key="deleted.keep_snapshot").set_value(True).run()
    with store_of(logged) as store:
        assert deletion.keeps_snapshot(store)


def test_bulk_erasure_cancel_forgets_the_file_and_deletes_nothing(page, logged):
    uploader(page).upload("people.txt", b"keep@example.com\n", "text/plain")
    page.run()
    page.text_input(key="erase.hint").input("erasure batch 13")
    page.button(key="erase.cancel").click().run()
    assert not page.exception and uploader(page).value is None and table_with(page, "Status") is None
    with store_of(logged) as store:
        assert store._scalar("SELECT count(*) FROM contacts") == 2


def test_what_the_log_keeps_and_the_name_setting(page, logged):
    intro = " ".join(m.value for m in page.markdown)
    assert "- Name: **the display name** in clear" in intro
    assert "- Only as keyed hashes: the email, phone" in intro
    assert "identifiers are kept only as" not in " ".join(
        c.value for c in page.caption
    )  # not the whole truth
    box = page.radio(key="deleted.keep_name")
    assert box.value == "name"
    assert "Not changed yet: names are kept" in " ".join(c.value for c in page.caption)
    box.set_value("hint").run()
    assert not page.exception
    assert shown(page.success[0].value).startswith("Saved: new log entries keep the identity hint only")
    with store_of(logged) as store:
        assert deletion.keeps_name(store) is False
        cid = inbound.receive(store, "sms", "+33699999999", "hi")["contact_id"]
        entry = deletion.delete_contact(store, Actor(ADMIN[0], "admin"), cid, hint="t-9", reason="other")
        assert entry["display_name"] is None
    at = page.run()
    assert "- Name: **no name**" in " ".join(m.value for m in at.markdown)
    assert "Last changed by admin@example.com" in " ".join(shown(c.value) for c in at.caption)
    table = table_with(at, "Name")
    assert table.loc[table["Entry"] == 5, "Name"].tolist() == [""]  # blank, never "None"
