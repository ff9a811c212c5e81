"""Writers racing a contact's removal (merge, deletion, import undo): every message, save, note or flag lands
before the removal (and goes with it, or onto the survivor) or after it, never on a removed contact."""

import threading
import time

import pytest

from inbox import contacts, inbound
from inbox.errors import Conflict
from inbox.models import Actor

from ..support.concurrency import run_together
from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
ADMIN = Actor("admin@example.com", "admin")
_members = members_fixture(ADMIN, AGENT)  # the actors are stored members (writes re-read them)


@pytest.fixture
def ada(store):
    made = inbound.receive(store, "whatsapp", "+33611111111", "Bonjour")
    return contacts.get_contact(store, made["contact_id"])


@pytest.mark.parametrize("senders", [2, 8])
def test_messages_arriving_while_their_contact_is_merged_all_land_on_the_survivor(store, senders):
    from inbox import merge
    from inbox.check import run_check

    kept = inbound.receive(store, "email", "kept@example.com", "hello")["contact_id"]
    gone = inbound.receive(store, "whatsapp", "+33611112222", "hi")["contact_id"]

    def work(i):
        if i == 0:
            return merge.merge_contacts(store, AGENT, kept, [gone])["id"]
        return inbound.receive(store, "whatsapp", "+33611112222", f"during {i}")["contact_id"]

    results, errors = run_together(senders + 1, work)
    assert errors == [None] * (senders + 1)
    assert set(results[1:]) <= {kept, gone}  # before the merge: the merged contact, then moved
    rows = store._rows("SELECT contact_id, body FROM messages ORDER BY id")
    assert {c for c, _ in rows} == {kept}
    assert sorted(b for _, b in rows) == sorted(
        ["hello", "hi", *(f"during {i}" for i in range(1, senders + 1))]
    )
    assert store._rows("SELECT id FROM contacts") == [(kept,)]
    after = inbound.receive(store, "whatsapp", "+33611112222", "later")
    assert (after["contact_id"], after["new_contact"]) == (kept, False)
    report = run_check(store)
    assert report.ok, report.lines()


@pytest.mark.parametrize("senders", [2, 8])
def test_messages_arriving_while_their_contact_is_deleted_leave_nothing_behind(store, senders):
    """Each message lands before the deletion (and is deleted with the contact) or after it (on a new
    contact: the person writing again): never on the deleted contact's removed conversation."""
    from inbox import deletion
    from inbox.check import run_check

    gone = inbound.receive(store, "whatsapp", "+33611112222", "hi")["contact_id"]

    def work(i):
        if i == 0:
            return deletion.delete_contact(store, ADMIN, gone, hint="ticket 1", reason="gdpr_request")
        return inbound.receive(store, "whatsapp", "+33611112222", f"during {i}")["contact_id"]

    results, errors = run_together(senders + 1, work)
    assert errors == [None] * (senders + 1)
    report = run_check(store)
    assert report.ok, report.lines()
    rows = store._rows("SELECT contact_id, body FROM messages ORDER BY id")
    assert gone not in {c for c, _ in rows}
    after = {i for i in range(1, senders + 1) if results[i] != gone}  # those written after the deletion
    assert sorted(b for _, b in rows) == sorted(f"during {i}" for i in after)


def test_a_save_in_flight_while_its_contact_is_deleted_leaves_no_value_behind(store, ada, monkeypatch):
    from inbox import deletion
    from inbox.check import run_check
    from inbox.errors import NotFound

    written = threading.Event()
    record = store.contacts.history.record_diff

    def hold_then_record(*args, **kwargs):  # the save has written its values, not committed yet
        written.set()
        time.sleep(0.3)  # the deletion runs meanwhile
        return record(*args, **kwargs)

    monkeypatch.setattr(store.contacts.history, "record_diff", hold_then_record)

    def work(i):
        if i == 0:
            return contacts.update_values(store, AGENT, ada.id, ada.version, {"job_title": "Pilot"})
        written.wait(5)
        return deletion.delete_contact(store, ADMIN, ada.id, hint="ticket 2", reason="gdpr_request")

    results, errors = run_together(2, work)
    assert errors[1] is None  # the deletion always goes through
    assert errors[0] is None or isinstance(errors[0], (NotFound, Conflict)), errors
    for table in ("contacts", "attribute_values", "value_history", "messages", "conversations"):
        assert store._rows(
            f"SELECT count(*) FROM {table} WHERE {'id' if table == 'contacts' else 'contact_id'} = ?",
            [ada.id],
        ) == [(0,)], table
    report = run_check(store)
    assert report.ok, report.lines()


def test_messages_racing_an_import_undo_leave_nothing_behind(store, tmp_path, monkeypatch):
    """Messages for an imported contact sent while the undo has deleted it and not committed yet wait for
    the undo, then land on a new contact (the person writing again): never on the contact it removes."""
    from inbox import imports
    from inbox.check import run_check
    from inbox.models import SYSTEM

    path = tmp_path / "people.csv"
    path.write_text("Email,First name\nann@example.org,Ann\nbob@example.org,Bob\n")
    batch = imports.run_import(store, SYSTEM, path).batch_id
    deleted = threading.Event()
    update_rows = store.dialect.update_rows

    def hold_then_update(*args, **kwargs):  # the undo's last step, after deleting the imported contacts
        deleted.set()
        time.sleep(0.3)
        return update_rows(*args, **kwargs)

    monkeypatch.setattr(store.dialect, "update_rows", hold_then_update)

    def work(i):
        if i == 0:
            return imports.undo(store, ADMIN, batch)
        deleted.wait(5)
        return inbound.receive(store, "email", "ann@example.org", f"hello {i}")["contact_id"]

    results, errors = run_together(5, work)
    assert errors == [None] * 5, errors
    assert results[0]["removed"] == 2
    report = run_check(store)
    assert report.ok, report.lines()
    assert store._rows("SELECT count(*) FROM messages") == [(4,)]
    assert store._rows("SELECT count(DISTINCT contact_id) FROM messages") == [(1,)]


@pytest.mark.parametrize("write", ["note", "vip"])
def test_a_note_or_vip_flag_racing_a_deletion_is_refused_not_left_behind(store, ada, monkeypatch, write):
    from inbox import contact_flags, contact_notes, deletion
    from inbox.check import run_check
    from inbox.store.deletion import DeletionSQL

    deleting = threading.Event()
    delete_rows = DeletionSQL._delete_contact_rows

    def delete_then_hold(self, *args, **kwargs):  # the deletion has deleted the rows, not committed yet
        delete_rows(self, *args, **kwargs)
        deleting.set()
        time.sleep(0.3)

    monkeypatch.setattr(DeletionSQL, "_delete_contact_rows", delete_then_hold)

    def work(i):
        if i == 0:
            return deletion.delete_contact(store, ADMIN, ada.id, hint="ticket 3", reason="gdpr_request")
        deleting.wait(5)
        if write == "note":
            return contact_notes.add_note(store, AGENT, ada.id, "call back tomorrow")
        return contact_flags.set_vip(store, AGENT, ada.id, True)

    results, errors = run_together(2, work)
    assert errors[0] is None
    assert errors[1] is not None  # the contact is gone by the time the write runs
    for table in ("contact_notes", "contact_vips"):
        assert store._rows(f"SELECT count(*) FROM {table}") == [(0,)], table
    report = run_check(store)
    assert report.ok, report.lines()
