"""Concurrent writers: no message lost, transaction conflicts retried or reported as Conflict, never raw."""

import threading

import duckdb
import pytest

from inbox import contacts, inbound
from inbox.errors import Conflict, TransactionAborted, WriteConflict
from inbox.models import Actor
from inbox.store import retry

from ..support.concurrency import run_together
from ..support.engines import BLOCKED_WRITER
from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
ADMIN = Actor("admin@example.com", "admin")
_members = members_fixture(ADMIN, AGENT)  # the actors are stored members (writes re-read them)
TOUCH_CONVERSATION = "UPDATE conversations SET last_message_at = now()::TIMESTAMP WHERE id = ?"


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


@pytest.mark.duckdb_only(BLOCKED_WRITER)
def test_a_message_that_collides_with_another_writer_is_retried_and_stored(store, monkeypatch):
    first = inbound.receive(store, "sms", "+447700900123", "first")
    blocker = Blocker(store, TOUCH_CONVERSATION, [first["conversation_id"]])
    waits = commit_on_first_retry(monkeypatch, blocker)
    second = inbound.receive(store, "sms", "+447700900123", "second")
    assert len(waits) == 1 and 0 <= waits[0] <= retry.BASE_DELAY
    assert second["conversation_id"] == first["conversation_id"]
    assert [b for (b,) in store._rows("SELECT body FROM messages ORDER BY id")] == ["first", "second"]


@pytest.mark.duckdb_only(BLOCKED_WRITER)
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


@pytest.mark.duckdb_only(BLOCKED_WRITER)
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


@pytest.mark.duckdb_only(BLOCKED_WRITER)
def test_a_conflict_inside_any_transaction_is_a_conflict_not_a_raw_duckdb_error(store):
    blocker = Blocker(store, "UPDATE workspace_settings SET value = 'b' WHERE key = 'plan'", [])
    with pytest.raises(WriteConflict, match="saved at the same moment") as caught:
        with store.tx() as cur:
            cur.execute("UPDATE workspace_settings SET value = 'c' WHERE key = 'plan'")
    blocker.commit()
    assert isinstance(caught.value, Conflict) and isinstance(caught.value, TransactionAborted)
    assert isinstance(caught.value.__cause__, duckdb.TransactionException)


@pytest.mark.duckdb_only(BLOCKED_WRITER)
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


@pytest.mark.duckdb_only(BLOCKED_WRITER)
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
