"""Concurrent writers: no message lost, transaction conflicts retried or reported as Conflict, never raw."""

import threading
import time

import duckdb
import pytest

from inbox import contacts, inbound
from inbox.errors import Conflict, TransactionAborted, WriteConflict
from inbox.models import Actor
from inbox.store import retry

from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
ADMIN = Actor("admin@example.com", "admin")
_members = members_fixture(ADMIN, AGENT)  # the actors are stored members (writes re-read them)
TOUCH_CONVERSATION = "UPDATE conversations SET last_message_at = now()::TIMESTAMP WHERE id = ?"


def run_together(n, work):
    """``work(i)`` in ``n`` threads released at once; returns (results, errors) in thread order."""
    barrier, results, errors = threading.Barrier(n), [None] * n, [None] * n

    def go(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors[i] = exc

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


class Blocker:
    """A transaction on another cursor that wrote a row and is not committed yet."""

    def __init__(self, store, sql, params):
        self.cur = store._con.cursor()
        self.cur.begin()
        self.cur.execute(sql, params)

    def commit(self):
        self.cur.commit()
        self.cur.close()


def commit_on_first_retry(monkeypatch, blocker):
    """Make the retry's back-off commit ``blocker``: the next attempt then runs after it,
    deterministically."""
    waits = []

    def sleep(seconds):
        if not waits:
            blocker.commit()
        waits.append(seconds)

    monkeypatch.setattr(retry, "sleep", sleep)
    return waits


def test_eight_threads_sending_the_first_message_of_a_new_handle_store_eight_messages_on_one_contact(store):
    results, errors = run_together(8, lambda i: inbound.receive(store, "instagram", "@newbie", f"hello {i}"))
    assert errors == [None] * 8
    assert len({r["contact_id"] for r in results}) == 1
    assert sum(r["new_contact"] for r in results) == 1
    rows = store._rows("SELECT contact_id, conversation_id, body FROM messages ORDER BY id")
    assert sorted(b for _, _, b in rows) == sorted(f"hello {i}" for i in range(8))
    assert len({(c, v) for c, v, _ in rows}) == 1  # one contact, one conversation
    assert store.stats.table_counts()["contacts"] == 1


def test_eight_threads_with_attachments_keep_every_file_and_leave_none_behind(store):
    results, errors = run_together(
        8,
        lambda i: inbound.receive(
            store, "email", "new@example.com", "", attachments=[(f"f{i}.txt", b"x" * i)]
        ),
    )
    assert errors == [None] * 8
    stored = store._rows("SELECT storage_path FROM attachments")
    assert len(stored) == 8
    on_disk = {
        p.relative_to(store.attachments_dir).as_posix()
        for p in store.attachments_dir.rglob("*")
        if p.is_file()
    }
    assert on_disk == {p for (p,) in stored}  # no file of a retried attempt left over


def test_a_message_that_collides_with_another_writer_is_retried_and_stored(store, monkeypatch):
    first = inbound.receive(store, "sms", "+447700900123", "first")
    blocker = Blocker(store, TOUCH_CONVERSATION, [first["conversation_id"]])
    waits = commit_on_first_retry(monkeypatch, blocker)
    second = inbound.receive(store, "sms", "+447700900123", "second")
    assert len(waits) == 1 and 0 <= waits[0] <= retry.BASE_DELAY
    assert second["conversation_id"] == first["conversation_id"]
    assert [b for (b,) in store._rows("SELECT body FROM messages ORDER BY id")] == ["first", "second"]


def test_a_receive_that_keeps_colliding_gives_up_with_a_conflict_and_stores_nothing(store, monkeypatch):
    first = inbound.receive(store, "sms", "+447700900123", "first")
    blocker = Blocker(store, TOUCH_CONVERSATION, [first["conversation_id"]])
    waits = []
    monkeypatch.setattr(retry, "sleep", waits.append)
    with pytest.raises(WriteConflict, match="this one was not stored — send it again"):
        inbound.receive(store, "sms", "+447700900123", "second", attachments=[("a.txt", b"a")])
    blocker.commit()
    assert len(waits) == retry.ATTEMPTS - 1
    assert all(0 <= w <= retry.MAX_DELAY for w in waits) and len(set(waits)) > 1  # jittered
    assert store._scalar("SELECT count(*) FROM messages") == 1
    assert not list(store.attachments_dir.rglob("*.txt")) if store.attachments_dir.exists() else True


@pytest.fixture
def ada(store):
    made = inbound.receive(store, "whatsapp", "+33611111111", "Bonjour")
    return contacts.get_contact(store, made["contact_id"])


def test_the_loser_of_two_simultaneous_saves_gets_the_conflict_message(store, ada, monkeypatch):
    # The winner's UPDATE is written and not yet committed when the loser's UPDATE runs.
    blocker = Blocker(
        store,
        "UPDATE contacts SET job_title = 'CFO', updated_by = ?, version = version + 1 WHERE id = ?",
        [ADMIN.email, ada.id],
    )
    commit_on_first_retry(monkeypatch, blocker)
    with pytest.raises(
        Conflict,
        match=r"admin@example.com changed this contact since you opened it \(version 1 → 2\)"
        r"; nothing was saved",
    ):
        contacts.update_values(store, AGENT, ada.id, ada.version, {"job_title": "Intern"})
    assert contacts.get_contact(store, ada.id).values["job_title"] == "CFO"


def test_two_threads_saving_one_contact_give_one_save_and_one_conflict(store, ada):
    titles = ["Buyer", "Seller"]
    results, errors = run_together(
        2, lambda i: contacts.update_values(store, AGENT, ada.id, ada.version, {"job_title": titles[i]})
    )
    won = [i for i in range(2) if errors[i] is None]
    assert len(won) == 1 and isinstance(errors[1 - won[0]], Conflict)
    assert "changed this contact since you opened it" in str(errors[1 - won[0]])
    after = contacts.get_contact(store, ada.id)
    assert after.values["job_title"] == titles[won[0]] and after.version == ada.version + 1


def test_a_conflict_inside_any_transaction_is_a_conflict_not_a_raw_duckdb_error(store):
    blocker = Blocker(store, "UPDATE workspace_settings SET value = 'b' WHERE key = 'plan'", [])
    with pytest.raises(WriteConflict, match="saved at the same moment") as caught:
        with store.tx() as cur:
            cur.execute("UPDATE workspace_settings SET value = 'c' WHERE key = 'plan'")
    blocker.commit()
    assert isinstance(caught.value, Conflict) and isinstance(caught.value, TransactionAborted)
    assert isinstance(caught.value.__cause__, duckdb.TransactionException)


def test_a_conflict_the_caller_swallowed_is_still_reported_as_a_conflict(store):
    blocker = Blocker(store, "UPDATE workspace_settings SET value = 'b' WHERE key = 'plan'", [])
    with pytest.raises(WriteConflict):
        with store.tx() as cur:
            try:
                cur.execute("UPDATE workspace_settings SET value = 'c' WHERE key = 'plan'")
            except duckdb.TransactionException:
                pass
    blocker.commit()
    assert store.accounts.get_setting("plan") == "b"


def test_a_duplicate_key_found_at_commit_is_a_conflict(store):
    blocker = Blocker(store, "INSERT INTO workspace_settings VALUES ('x', '1', now()::TIMESTAMP, 't')", [])
    with pytest.raises(WriteConflict):
        with store.tx() as cur:
            cur.execute("INSERT INTO workspace_settings VALUES ('x', '2', now()::TIMESTAMP, 't')")
            blocker.commit()
    assert store.accounts.get_setting("x") == "1"


def test_retry_runs_again_only_after_conflicts_and_gives_up_after_the_bound(monkeypatch):
    waits = []
    monkeypatch.setattr(retry, "sleep", waits.append)
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")
        return "done"

    assert retry.retry_conflicts(flaky) == "done" and len(calls) == 3 and len(waits) == 2
    with pytest.raises(ValueError):  # not a conflict: at once, no retry
        retry.retry_conflicts(lambda: (calls.append(1), int("x")))
    assert len(calls) == 4
    aborted = duckdb.TransactionException("Current transaction is aborted (please ROLLBACK)")
    assert not retry.is_conflict(aborted) and retry.is_conflict(WriteConflict("x"))
    with pytest.raises(WriteConflict, match="gave up") as caught:
        retry.retry_conflicts(
            lambda: (_ for _ in ()).throw(WriteConflict("again")), attempts=3, gave_up="gave up"
        )
    assert isinstance(caught.value.__cause__, WriteConflict)


@pytest.mark.parametrize("returning", [False, True])
def test_duckdb_update_returning_skips_the_conflict_check(tmp_path, returning):
    """Why the version-checked save uses no RETURNING: pinned so an upgrade that fixes it is noticed."""
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, x VARCHAR)")
    con.execute("INSERT INTO t VALUES (1, 1, 'a')")
    first, second = con.cursor(), con.cursor()
    first.begin()
    first.execute("UPDATE t SET x = 'first', v = v + 1 WHERE id = 1")
    second.begin()
    sql = "UPDATE t SET x = 'second', v = v + 1 WHERE id = 1 AND v = 1" + (
        " RETURNING v" if returning else ""
    )
    if returning:  # no conflict: both commit and the first update is lost
        second.execute(sql).fetchall()
        second.commit()
    else:
        with pytest.raises(duckdb.TransactionException, match="Conflict"):
            second.execute(sql)
        second.rollback()
    first.commit()
    assert con.execute("SELECT x FROM t").fetchone()[0] == ("second" if returning else "first")


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


@pytest.mark.parametrize(
    "first, second",
    [
        ({"email": "ada@new.example"}, {"job_title": "Intern"}),
        ({"job_title": "CFO"}, {"email": "ada@other.example"}),
        ({"email": "ada@new.example"}, {"email": "ada@other.example"}),
    ],
    ids=["indexed-then-plain", "plain-then-indexed", "both-indexed"],
)
def test_two_saves_in_flight_at_once_give_one_save_and_one_conflict_whatever_columns(
    store, ada, monkeypatch, first, second
):
    """Both saves have written and neither has committed: an e-mail (indexed: DuckDB deletes and re-inserts
    the row) must collide with any other save of the contact, not silently replace it."""
    both_written = threading.Barrier(2, timeout=2)
    record = store.contacts.history.record_diff

    def wait_then_record(*args, **kwargs):  # the last step of a save before its commit
        try:
            both_written.wait()
        except threading.BrokenBarrierError:
            pass  # the other save collided and is retrying: this one commits alone
        return record(*args, **kwargs)

    monkeypatch.setattr(store.contacts.history, "record_diff", wait_then_record)
    saves = [first, second]
    results, errors = run_together(
        2, lambda i: contacts.update_values(store, AGENT, ada.id, ada.version, saves[i])
    )
    won = [i for i in range(2) if errors[i] is None]
    assert len(won) == 1, errors
    assert isinstance(errors[1 - won[0]], Conflict)
    after = contacts.get_contact(store, ada.id)
    assert after.version == ada.version + 1
    assert all(after.values[k] == v for k, v in saves[won[0]].items())


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
