"""Import, undo a whole batch: inserted contacts removed, updated values restored, refused when changed
since."""

import pytest

from inbox import attributes as attrs
from inbox import contacts as contacts_uc
from inbox import imports, inbound
from inbox.check import run_check
from inbox.errors import Conflict, NotFound, PermissionDenied
from inbox.models import SYSTEM, Actor

from ..support.imports import ADMIN, contacts, fingerprint, run, values, write
from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
_members = members_fixture(AGENT, ADMIN)
CORE = (
    "id",
    "platform",
    "handle",
    "display_name",
    "email",
    "first_name",
    "last_name",
    "phone",
    "account_id",
    "job_title",
    "language",
    "subscription",
    "external_id",
    "search_text",
)


def state(store):
    """Contacts (without version/audit columns, which an undo moves forward) and custom values."""
    return [{k: c[k] for k in CORE} for c in contacts(store)], values(store)


@pytest.fixture
def before(store, tmp_path):
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Tier", key="tier", type="list", options=["gold", "silver"])
    layout = attrs.new_attribute(layout, label="Orders", key="orders", type="number")
    attrs.save_layout(store, SYSTEM, layout, base_version=version)
    run(
        store,
        write(
            tmp_path,
            "Email,First name,Tier,Orders\nann@example.com,Ann,gold,\nbob@example.com,Bob,,\n",
            name="first.csv",
        ),
    )
    return state(store)


def second_import(store, tmp_path):
    path = write(
        tmp_path,
        "Email,First name,Last name,Tier,Orders\nann@example.com,Annie,Lee,silver,3\n"
        "bob@example.com,,Brown,gold,\ncarol@example.com,Carol,,gold,7\n",
        name="second.csv",
    )
    return imports.run_import(store, ADMIN, path)


def test_undo_removes_inserted_contacts_and_restores_updated_values(store, before, tmp_path):
    result = second_import(store, tmp_path)
    assert (result.inserted, result.updated) == (1, 2) and state(store) != before
    done = imports.undo(store, ADMIN, result.batch_id)
    assert done == {"batch_id": result.batch_id, "removed": 1, "restored": 2, "already_deleted": 0}
    assert state(store) == before
    ann = next(c for c in contacts(store) if c["email"] == "ann@example.com")
    assert (ann["version"], ann["updated_by"]) == (3, ADMIN.email)  # a new version, never an old one reused
    [batch] = [b for b in imports.batches(store) if b["id"] == result.batch_id]
    assert (batch["status"], batch["undone_by"]) == ("undone", ADMIN.email)
    assert run_check(store).ok, run_check(store).lines()
    assert [r["id"] for r in contacts_uc.search(store, "annie").rows] == []  # search text restored too


def test_undo_is_refused_when_a_contact_changed_since_and_nothing_changes(store, before, tmp_path):
    result = second_import(store, tmp_path)
    ann = next(c for c in contacts(store) if c["email"] == "ann@example.com")
    contacts_uc.update_values(store, AGENT, ann["id"], ann["version"], {"job_title": "CEO"})
    snapshot = fingerprint(store)
    with pytest.raises(imports.UndoRefused) as refused:
        imports.undo(store, ADMIN, result.batch_id)
    assert fingerprint(store) == snapshot
    [changed] = refused.value.contacts
    assert (changed["contact_id"], changed["version_after"], changed["version"], changed["updated_by"]) == (
        ann["id"],
        2,
        3,
        AGENT.email,
    )
    assert (changed["action"], changed["conversation"]) == ("updated", False)
    assert set(changed) == {
        "contact_id",
        "action",
        "version_after",
        "version",
        "updated_by",
        "updated_at",
        "conversation",
    }
    assert isinstance(refused.value, Conflict) and "1 of its contacts changed since" in str(refused.value)


def test_undo_is_refused_when_a_new_contact_started_a_conversation(store, tmp_path):
    result = run(store, write(tmp_path, "Email\nnew@example.com\n"))
    inbound.receive(store, "email", "new@example.com", "Hello, it's me")
    with pytest.raises(imports.UndoRefused) as refused:
        imports.undo(store, ADMIN, result.batch_id)
    assert refused.value.contacts[0]["conversation"] is True
    assert [c["email"] for c in contacts(store)] == ["new@example.com"]


def test_contacts_deleted_since_stay_deleted(store, before, tmp_path):
    result = second_import(store, tmp_path)
    carol = next(c for c in contacts(store) if c["email"] == "carol@example.com")
    store._rows("DELETE FROM attribute_values WHERE contact_id = ?", [carol["id"]])
    store._rows("DELETE FROM contacts WHERE id = ?", [carol["id"]])
    done = imports.undo(store, ADMIN, result.batch_id)
    assert (done["removed"], done["restored"], done["already_deleted"]) == (0, 2, 1)
    assert state(store) == before


def test_later_batches_are_undone_first_then_earlier_ones(store, before, tmp_path):
    first = imports.batches(store)[0]["id"]
    second = second_import(store, tmp_path).batch_id
    with pytest.raises(imports.UndoRefused):
        imports.undo(store, ADMIN, first)  # the second import changed its contacts since
    imports.undo(store, ADMIN, second)
    imports.undo(store, ADMIN, first)
    assert contacts(store) == [] and values(store) == {}
    assert run_check(store).ok


def test_undo_twice_unknown_batch_and_role(store, tmp_path):
    batch = run(store, write(tmp_path, "Email\na@example.com\n")).batch_id
    with pytest.raises(PermissionDenied):
        imports.undo(store, AGENT, batch)
    imports.undo(store, ADMIN, batch)
    with pytest.raises(Conflict, match="already undone"):
        imports.undo(store, ADMIN, batch)
    with pytest.raises(NotFound, match="no import 999"):
        imports.undo(store, ADMIN, 999)


def test_a_dry_run_leaves_no_batch(store, tmp_path):
    run(store, write(tmp_path, "Email\na@example.com\n"), dry_run=True)
    assert imports.batches(store) == []
