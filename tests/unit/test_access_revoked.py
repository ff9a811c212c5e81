"""Revoked access takes effect at once: every write re-reads the acting member inside its transaction."""

import pytest

from inbox import attributes as attrs
from inbox import contacts, crm, deletion, erasure, imports, inbound, sign_in, users, workspace
from inbox import deletion_report as report
from inbox.errors import PermissionDenied
from inbox.models import SYSTEM
from inbox.store.acting import acting_as

ADMIN, OTHER, AGENT = "ada@example.com", "bob@example.com", "alex@example.com"


@pytest.fixture
def team(store):
    """Two admins and an agent; returns the Actor objects a page would have captured when it rendered."""
    for email, role in ((ADMIN, "admin"), (OTHER, "admin"), (AGENT, "agent")):
        users.add_user(store, SYSTEM, email, role=role, password="long-enough-1")
    return {e: store.accounts.user_by_email(e).actor for e in (ADMIN, OTHER, AGENT)}


def contact_id(store, handle="+33612345678") -> int:
    return inbound.receive(store, "whatsapp", handle, "hello")["contact_id"]


def snapshot(store) -> dict:
    """What the refused writes could change."""
    return {
        "contacts": store._scalar("SELECT count(*) FROM contacts"),
        "layout": store.layout.current_layout_version(),
        "log": store._scalar("SELECT count(*) FROM deletion_log"),
        "plan": workspace.get_plan(store),
        "region": workspace.default_region(store),
        "users": store.accounts.count_users(),
        "settings": store._rows("SELECT key, value FROM workspace_settings ORDER BY key"),
        "batches": store._scalar("SELECT count(*) FROM import_batches"),
        "templates": store._scalar("SELECT count(*) FROM import_mappings"),
        "values": store._rows("SELECT * FROM attribute_values ORDER BY contact_id, attribute_key"),
        "versions": store._rows("SELECT id, version FROM contacts ORDER BY id"),
        "attempts": store._scalar("SELECT count(*) FROM sign_in_attempts WHERE outcome = 'unlocked'"),
    }


def csv_file(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Email,First name\nnew.person@example.com,Nina\n", encoding="utf-8")
    return path


WRITES = {
    "delete a contact": lambda s, a, cid, tmp: deletion.delete_contact(
        s, a, cid, hint="ticket 1", reason="duplicate"
    ),
    "save the layout": lambda s, a, cid, tmp: attrs.save_layout(
        s,
        a,
        attrs.new_attribute(attrs.load_layout(s)[1], label="Tier", key="tier", type="text"),
        base_version=attrs.load_layout(s)[0],
    ),
    "import contacts": lambda s, a, cid, tmp: imports.run_import(s, a, csv_file(tmp)),
    "change the plan": lambda s, a, cid, tmp: workspace.set_plan(s, a, "enterprise"),
    "change the region": lambda s, a, cid, tmp: workspace.set_default_region(s, a, "DE"),
    "change the deletion log settings": lambda s, a, cid, tmp: deletion.set_keep_snapshot(s, a, True),
    "stop keeping names in the log": lambda s, a, cid, tmp: deletion.set_keep_name(s, a, False),
    "add a member": lambda s, a, cid, tmp: users.add_user(
        s, a, "new@example.com", role="agent", password="long-enough-2"
    ),
    "disable a member": lambda s, a, cid, tmp: users.set_active(s, a, AGENT, False),
    "save an import mapping": lambda s, a, cid, tmp: imports.save_template(s, a, "mine", {"Email": "email"}),
    "create an attribute": lambda s, a, cid, tmp: imports.create_attribute(
        s, a, label="Tier", key="tier", type="text"
    ),
    "unlock sign-ins": lambda s, a, cid, tmp: sign_in.unlock(s, a, AGENT),
    "erase contacts": lambda s, a, cid, tmp: erasure.execute(
        s, a, erasure.preview(s, SYSTEM, ["+33612345678"]), hint="ticket 2", reason="gdpr_request"
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_disabled_admin_is_refused_and_nothing_is_written(team, store, tmp_path, write):
    cid = contact_id(store)
    before = snapshot(store)
    stale = team[ADMIN]  # captured when the page rendered
    users.set_active(store, team[OTHER], ADMIN, False)  # another admin disables them meanwhile
    with pytest.raises(PermissionDenied, match=f"{ADMIN} has been disabled"):
        WRITES[write](store, stale, cid, tmp_path)
    assert snapshot(store) == before


def test_the_check_runs_inside_the_write_transaction(team, store, monkeypatch):
    """The admin passes the early check, then is disabled before the deleting transaction starts."""
    cid = contact_id(store)
    import inbox.auth

    real = inbox.auth.require_member

    def check_then_disable(s, actor, **kw):
        real(s, actor, **kw)
        store.accounts.set_user_active(ADMIN, False)  # another admin's Disable, committed after the check

    monkeypatch.setattr(inbox.auth, "require_member", check_then_disable)
    with pytest.raises(PermissionDenied, match="has been disabled"):
        deletion.delete_contact(store, team[ADMIN], cid, hint="ticket 1", reason="duplicate")
    assert store.contacts.contact_row(cid) is not None
    assert store._scalar("SELECT count(*) FROM deletion_log") == 0


def test_store_transactions_refuse_inside_an_acting_block(team, store):
    users.set_active(store, team[OTHER], ADMIN, False)
    version = store.layout.current_layout_version()
    with acting_as(team[ADMIN], admin=True, action="change the layout"):
        with pytest.raises(PermissionDenied, match="you can no longer change the layout"):
            with store.tx() as cur:
                cur.execute("UPDATE attribute_definitions SET label = 'X' WHERE key = 'email'")
    assert store.layout.current_layout_version() == version
    assert attrs.all_attributes(store)[0].label == "Email"


def test_a_removed_or_demoted_admin_is_refused(team, store):
    with store.tx() as cur:
        cur.execute("UPDATE users SET role = 'agent' WHERE email = ?", [OTHER])
        cur.execute("DELETE FROM users WHERE email = ?", [ADMIN])
    with pytest.raises(PermissionDenied, match="no longer a member"):
        workspace.set_plan(store, team[ADMIN], "enterprise")
    with pytest.raises(PermissionDenied, match=r"only admins .*no longer an admin"):
        workspace.set_plan(store, team[OTHER], "enterprise")
    assert workspace.get_plan(store) == "team"


def test_reads_of_admin_data_are_refused_too(team, store):
    users.set_active(store, team[OTHER], ADMIN, False)
    with pytest.raises(PermissionDenied):
        users.list_users(store, team[ADMIN])
    with pytest.raises(PermissionDenied):
        list(report.export_chunks(store, team[ADMIN], report.Filters()))
    with pytest.raises(PermissionDenied):
        deletion.verify_log(store, team[ADMIN])


def test_a_disabled_agent_cannot_edit_a_contact(team, store):
    cid = contact_id(store)
    c = contacts.get_contact(store, cid)
    users.set_active(store, team[ADMIN], AGENT, False)
    with pytest.raises(PermissionDenied, match="you can no longer edit contacts"):
        contacts.update_values(store, team[AGENT], cid, c.version, {"job_title": "CFO"})
    assert contacts.get_contact(store, cid).values["job_title"] is None


def test_an_agent_cannot_set_an_attribute_disabled_in_the_layout(team, store):
    cid = contact_id(store)
    c = contacts.get_contact(store, cid)
    with pytest.raises(PermissionDenied, match="External ID is disabled in the contact layout"):
        contacts.update_values(
            store, team[AGENT], cid, c.version, {"external_id": "crm-1", "job_title": "CFO"}
        )
    after = contacts.get_contact(store, cid)
    assert (after.version, after.values["external_id"], after.values["job_title"]) == (c.version, None, None)
    saved = contacts.update_values(store, team[AGENT], cid, c.version, {"job_title": "CFO"})
    assert saved.values["job_title"] == "CFO"


def test_the_cli_operator_is_exempt(store):
    """SYSTEM holds the database file itself: no member row is needed."""
    assert workspace.set_plan(store, SYSTEM, "enterprise") == "enterprise"
    assert crm.is_enterprise(store)
