"""The store's gate: a compaction waits for operations in flight, holds new ones back, and they then
succeed."""

import shutil
import threading

import pytest

from inbox import inbound
from inbox.store import Store
from inbox.store import compact as compact_module

WAIT = 60  # seconds before a join gives up: only reached when something deadlocked


@pytest.fixture
def store(tmp_path, migrated_template):
    shutil.copyfile(migrated_template, tmp_path / "gate.duckdb")  # migrated once per run
    s = Store(tmp_path / "gate.duckdb")
    inbound.receive(s, "email", "first@example.com", "hello")
    yield s
    s.close()


def wait_until(condition) -> None:
    event = threading.Event()
    for _ in range(WAIT * 100):
        if condition():
            return
        event.wait(0.01)
    pytest.fail("condition never became true")


def run_thread(target) -> tuple[threading.Thread, list]:
    errors: list = []

    def body():
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)

    thread = threading.Thread(target=body)
    thread.start()
    return thread, errors


def joined(*threads) -> bool:
    for t in threads:
        t.join(WAIT)
    return not any(t.is_alive() for t in threads)


def test_compaction_waits_for_a_transaction_in_flight_and_holds_new_operations(store, monkeypatch):
    order, inside, release = [], threading.Event(), threading.Event()
    real_copy = compact_module.CompactSQL._copy_into

    def copy(self, path):
        order.append("copy")
        real_copy(self, path)

    monkeypatch.setattr(compact_module.CompactSQL, "_copy_into", copy)

    def writer():  # a transaction open when the compaction starts; a nested read inside it must not deadlock
        with store.tx() as cur:
            cur.execute("UPDATE contacts SET job_title = 'in flight' WHERE id = 1")
            inside.set()
            release.wait(WAIT)
            assert store._scalar("SELECT count(*) FROM contacts") == 1
        order.append("writer committed")

    def later():  # starts while the compaction holds the gate: runs after it, on the new file
        inbound.receive(store, "email", "second@example.com", "hi")
        order.append("later write")

    w, w_errors = run_thread(writer)
    assert inside.wait(WAIT)
    c, c_errors = run_thread(store.compaction.compact)
    wait_until(lambda: store._paused)
    n, n_errors = run_thread(later)
    wait_until(lambda: len(store._gate._waiters) >= 2)  # the compaction and the new operation both wait
    release.set()
    assert joined(w, c, n) and not (w_errors or c_errors or n_errors), (w_errors, c_errors, n_errors)
    assert order == ["writer committed", "copy", "later write"]
    assert store._scalar("SELECT job_title FROM contacts WHERE id = 1") == "in flight"
    assert store._scalar("SELECT count(*) FROM contacts") == 2


def test_reads_and_writes_from_many_threads_during_compactions_all_succeed(store):
    stop, written, errors = threading.Event(), [], []

    def worker(n):
        i = 0
        while not stop.is_set() or i < 3:
            try:
                inbound.receive(store, "sms", f"+4915112{n:02d}{i:04d}", f"message {i}")
                written.append((n, i))
                assert (
                    store._scalar(
                        "SELECT count(*) FROM contacts WHERE handle = ?", [f"+4915112{n:02d}{i:04d}"]
                    )
                    == 1
                )
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
                return
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    wait_until(lambda: len(written) >= 4)
    for _ in range(3):
        store.compaction.compact()
    stop.set()
    assert joined(*threads) and not errors, errors
    assert store._scalar("SELECT count(*) FROM contacts") == 1 + len(written)
    assert store._scalar("SELECT count(*) FROM messages") == 1 + len(written)


def test_compacting_from_inside_an_operation_is_refused(store):
    with store.cursor():
        with pytest.raises(RuntimeError, match="inside one of its operations"):
            store.compaction.compact()
    assert store.compaction.compact()["bytes_after"] > 0


def test_a_closed_store_says_so(store):
    store.close()
    assert store.closed
    store.close()  # twice is harmless
