"""Undoing an import removes every row of the contacts it inserted (CRM lookups too), in the same transaction;
`check` reports child rows whose parent is missing (CRM lookups, import rows, prior import values)."""

from inbox import imports
from inbox.check import run_check
from inbox.models import utcnow

from ..support.cli import invoke
from ..support.imports import ADMIN, _members, run, write  # noqa: F401


def lookup(store, contact_id):
    store.crm.record_crm_lookup(
        contact_id,
        ok=True,
        at=utcnow(),
        by="crm",
        trigger="sync",
        error=None,
        written=["job_title"],
        skipped=[],
    )


def test_undo_removes_the_crm_lookups_of_the_contacts_it_removed(store, tmp_path):
    first = run(store, write(tmp_path, "Email\nkept@example.com\n", name="first.csv"))
    second = run(store, write(tmp_path, "Email\nnew1@example.com\nnew2@example.com\n", name="second.csv"))
    ids = dict(store._rows("SELECT email, id FROM contacts"))
    for contact_id in ids.values():
        lookup(store, contact_id)
    done = imports.undo(store, ADMIN, second.batch_id)
    assert done["removed"] == 2 and first.batch_id != second.batch_id
    assert store._rows("SELECT contact_id FROM crm_lookups") == [(ids["kept@example.com"],)]
    assert run_check(store).ok, run_check(store).lines()


def test_a_failing_undo_keeps_the_crm_lookups_too(store, tmp_path, monkeypatch):
    batch = run(store, write(tmp_path, "Email\nx@example.com\n"))
    [(contact_id,)] = store._rows("SELECT id FROM contacts")
    lookup(store, contact_id)
    real_tx = store.tx

    def failing_tx():  # the last statement of the undo fails: everything before it is rolled back with it
        class Cursor:
            def __init__(self, cur):
                self.cur = cur

            def execute(self, sql, params=None):
                if sql.startswith("UPDATE import_batches SET status = 'undone'"):
                    raise RuntimeError("disk gone")
                return self.cur.execute(sql, params)

        class Tx:
            def __enter__(self):
                self.inner = real_tx()
                return Cursor(self.inner.__enter__())

            def __exit__(self, *exc):
                return self.inner.__exit__(*exc)

        return Tx()

    monkeypatch.setattr(store, "tx", failing_tx)
    try:
        imports.undo(store, ADMIN, batch.batch_id)
    except RuntimeError:
        pass
    monkeypatch.undo()
    assert store._rows("SELECT contact_id FROM crm_lookups") == [(contact_id,)]
    assert store._scalar("SELECT count(*) FROM contacts") == 1


def test_check_reports_orphan_child_rows(store, tmp_path):
    batch = run(store, write(tmp_path, "Email\nann@example.com\n"))
    [(contact_id,)] = store._rows("SELECT id FROM contacts")
    lookup(store, contact_id)
    with store.tx() as cur:  # what the old undo left behind, and rows of a batch that no longer exists
        cur.execute("DELETE FROM contacts WHERE id = ?", [contact_id])
        cur.execute("DELETE FROM import_batches WHERE id = ?", [batch.batch_id])
        cur.execute(
            "INSERT INTO import_batch_values (batch_id, contact_id, attribute_key, existed)"
            " VALUES (99, 7, 'tier', FALSE)"
        )
    report = run_check(store)
    found = {p.kind: p.examples for p in report.problems}
    assert found["crm_lookups_without_contact"] == (str(contact_id),)
    assert found["import_batch_contacts_without_batch"] == (f"{batch.batch_id}/{contact_id}",)
    assert found["import_batch_values_without_contact_row"] == ("99/7/tier",)
    assert not report.ok


def test_check_exits_1_on_an_orphan_crm_lookup(db_path, tmp_path):
    assert (
        invoke(
            "receive", "--platform", "email", "--handle", "o@example.com", "--text", "hi", "--db", db_path
        ).code
        == 0
    )
    from inbox.store import Store

    with Store(db_path) as store:
        lookup(store, 1)
        with store.tx() as cur:
            for table in ("messages", "conversations", "contacts"):
                cur.execute(f"DELETE FROM {table} WHERE {'id' if table == 'contacts' else 'contact_id'} = 1")
    ran = invoke("check", "--db", db_path)
    assert ran.code == 1 and any(
        "CRM lookup rows whose contact is missing" in line for line in ran.stdout.splitlines()
    )
