"""AppTest: Deleted contacts › pending purge figure, next purge, schedule and *Purge now* (admins only)."""

import json

import pytest

from inbox import compaction, deletion, inbound
from inbox.models import Actor
from tests.support.navigation import open_page

from ..support.apptest import ADMIN, AGENT
from ..support.engines import store_of

PAGE = "deleted_contacts"
EMAILS = [f"purge-me-{i}@example.org" for i in range(2)]


@pytest.fixture
def pending(workspace_db):
    with store_of(workspace_db) as store:
        for email in EMAILS:
            cid = inbound.receive(store, "email", email, "please forget me")["contact_id"]
            deletion.delete_contact(
                store, Actor(ADMIN[0], "admin"), cid, hint="request", reason="gdpr_request"
            )
        inbound.receive(store, "email", "keep@example.com", "hello")
    return workspace_db


@pytest.fixture
def page(app, pending):
    at = app(ADMIN)
    open_page(at, PAGE).run()
    assert not at.exception
    return at


def infos(at) -> list[str]:
    return [i.value for i in at.info]


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_page_shows_pending_deletions_and_the_next_purge(page):
    line = next(v for v in infos(page) if "purged from disk" in v)
    assert line.startswith("2 deletions not yet purged from disk · next purge ") and line.endswith(
        " 03:00 UTC"
    )
    assert metric(page, "Not yet purged from disk") == "2" and metric(page, "Last purge") == "never"
    assert page.selectbox(key="purge.mode").value == "daily" and page.selectbox(key="purge.hour").value == 3
    assert page.selectbox(key="purge.weekday").disabled


@pytest.mark.duckdb_only("reads the bytes of the DuckDB file after its rewrite")
def test_purge_now_purges_and_shows_the_result_next_to_the_button(page, pending):
    page.button(key="purge.now").click().run()
    assert not page.exception and not page.error
    done = [s.value for s in page.success]
    assert len(done) == 1 and done[0].startswith("Purged 2 deletions from disk in ")
    assert "Every deletion is purged from disk · next purge " in infos(page)[0]
    assert metric(page, "Not yet purged from disk") == "0" and metric(page, "Last purge") != "never"
    raw = pending.read_bytes()
    assert not any(e.encode() in raw for e in EMAILS) and b"keep@example.com" in raw


def test_the_schedule_is_saved_and_off_is_shown(page, pending):
    page.selectbox(key="purge.mode").set_value("weekly").run()
    assert not page.selectbox(key="purge.weekday").disabled
    page.selectbox(key="purge.weekday").set_value(6).run()
    page.selectbox(key="purge.hour").set_value(22).run()
    page.button(key="purge.save").click().run()
    assert [s.value for s in page.success] == ["Schedule saved: purging is every Sunday at 22:00 UTC."]
    assert "2 deletions not yet purged from disk · next purge Sun " in infos(page)[0]
    assert infos(page)[0].endswith(" 22:00 UTC")
    page.selectbox(key="purge.mode").set_value("off").run()
    page.button(key="purge.save").click().run()
    assert infos(page)[0] == "2 deletions not yet purged from disk · scheduled purging is off"
    assert metric(page, "Next purge") == "off"
    with store_of(pending) as store:
        saved = json.loads(store.accounts.get_setting(compaction.SCHEDULE_KEY))
        assert saved["mode"] == "off" and saved["hour"] == 22
        assert store._one("SELECT updated_by FROM workspace_settings WHERE key = 'purge_schedule'") == (
            ADMIN[0],
        )


@pytest.mark.duckdb_only("fails the swap of the DuckDB file")
def test_a_failed_purge_is_shown_with_its_reason(page, pending, monkeypatch):
    from inbox.store import compact as compact_module

    def no_space(copy, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(compact_module, "_swap", no_space)
    page.button(key="purge.now").click().run()
    errors = [e.value for e in page.error]
    assert any(e.startswith("Nothing was purged: the copy could not be written") for e in errors)
    assert any(e.startswith("The last purge attempt") and "No space left on device" in e for e in errors)
    assert metric(page, "Not yet purged from disk") == "2"


def test_agents_cannot_purge(app, pending):
    with store_of(pending) as store:
        with pytest.raises(Exception, match="only admins can purge"):
            compaction.run(store, Actor(AGENT[0], "agent"))
