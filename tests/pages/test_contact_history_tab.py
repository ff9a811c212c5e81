"""AppTest: the History tab of the contact panel — who, when, old → new as plain text, paged."""

import pytest

from inbox import contacts, history, inbound
from inbox.models import Actor
from tests.support.navigation import open_page
from ui.text import literal

from ..support.apptest import AGENT, shown
from ..support.engines import store_of

AGENT_ACTOR = Actor("agent@example.com", "agent")


@pytest.fixture
def zoe(workspace_db):
    with store_of(workspace_db) as store:
        cid = inbound.receive(store, "x", "@zoe", "hello")["contact_id"]
        c = contacts.get_contact(store, cid)
        c = contacts.update_values(
            store, AGENT_ACTOR, cid, c.version, {"job_title": "**Boss** [x](http://e.vil)"}
        )
        for n in range(history.PAGE):
            c = contacts.update_values(store, AGENT_ACTOR, cid, c.version, {"first_name": f"Zoé {n}"})
    return cid


def test_the_history_tab_shows_changes_as_typed_and_pages(app, zoe):
    at = app(AGENT)
    open_page(at, "contacts").run()
    at.session_state["contacts.open"] = zoe
    at.run()
    assert not at.exception
    lines = [shown(m.value) for m in at.markdown if "→" in m.value]
    assert len(lines) == history.PAGE and lines[0] == ":gray[First name]: Zoé 23 → Zoé 24"
    assert any(c.value.startswith("Agent") or "agent" in c.value for c in at.caption)
    assert at.button(key=f"history.more.{zoe}")  # 26 changes: one more page
    at.button(key=f"history.more.{zoe}").click().run()
    raw = [m.value for m in at.markdown if "→" in m.value]
    typed = "**Boss** [x](http://e.vil)"
    assert raw[-1] == f":gray[Job title]: {literal('(empty)')} → {literal(typed)}"  # plain text, not Markdown
    assert "26 of 26 changes, newest first." in " ".join(c.value for c in at.caption)
