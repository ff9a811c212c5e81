"""Many contacts changed at once: the identifier columns are stored uncompressed, and ``update_rows`` (copy,
update, delete, re-insert) changes exactly the rows named, inside the caller's transaction."""

import pytest

from inbox.store.migrations.core import _CONTACT_COLUMNS

from ..support.engines import BLOCKED_WRITER

IDENTIFIERS = ("platform", "handle", "email", "phone", "account_id", "external_id", "search_text")


def add(store, n: int) -> None:
    with store.tx() as cur:
        cur.execute(
            "INSERT INTO contacts (id, platform, handle, email, first_name, job_title, phone, created_at,"
            " created_by, updated_at, updated_by, search_text) SELECT i, 'email', 'h' || i, 'p' || i ||"
            " '@example.org', 'First' || i, 'old', '+3361' || lpad(i::VARCHAR, 7, '0'),"
            " TIMESTAMP '2026-01-01', 'test', TIMESTAMP '2026-01-01', 'test', 'first' || i"
            " FROM generate_series(1, ?) t(i)",
            [n],
        )
        cur.execute("SELECT setval('contact_id_seq', ?)", [n])


def rows(store) -> list[tuple]:
    return store._rows(f"SELECT {_CONTACT_COLUMNS} FROM contacts ORDER BY id")


@pytest.mark.duckdb_only(
    "DuckDB's storage (compression of its segments); PostgreSQL stores text uncompressed below 2 kB"
)
def test_identifier_columns_are_stored_uncompressed_and_keep_their_indexes(store):
    add(store, 3000)
    with store.tx() as cur:
        cur.execute("CHECKPOINT")
    found = dict(
        store._rows(
            "SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info('contacts')"
            " WHERE segment_type = 'VARCHAR' GROUP BY ALL"
        )
    )
    assert {c: found[c] for c in IDENTIFIERS} == {c: ["Uncompressed"] for c in IDENTIFIERS}
    assert found["first_name"] != ["Uncompressed"]  # the other text keeps DuckDB's compression
    indexes = {
        r[0] for r in store._rows("SELECT index_name FROM duckdb_indexes() WHERE table_name = 'contacts'")
    }
    assert indexes == {f"contacts_{c}_idx" for c in ("email", "phone", "account_id", "external_id")}
    constraints = store._rows(
        "SELECT constraint_type, constraint_column_names FROM duckdb_constraints()"
        " WHERE table_name = 'contacts' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE') ORDER BY 1"
    )
    assert constraints == [("PRIMARY KEY", ["id"]), ("UNIQUE", ["platform", "handle"])]
    with store.tx() as cur:  # the id still comes from its sequence
        cur.execute(
            "INSERT INTO contacts (platform, handle, created_at, created_by, updated_at, updated_by)"
            " VALUES ('web', 'new', now()::TIMESTAMP, 't', now()::TIMESTAMP, 't')"
        )
    assert store._scalar("SELECT id FROM contacts WHERE handle = 'new'") == 3001


def test_update_rows_changes_exactly_the_rows_named(store):
    add(store, 50)
    before = rows(store)
    with store.tx() as cur:
        store.dialect.update_rows(
            cur,
            "contacts",
            "SELECT unnest(?::BIGINT[])",
            [[3, 7, 40]],
            "SET email = NULL, phone = n.phone, version = contacts.version + 1 FROM (SELECT c.id,"
            " c.phone || '9' AS phone FROM contacts c) n WHERE contacts.id = n.id AND contacts.id <> 40",
            [],
        )
    after = rows(store)
    assert len(after) == 50
    changed = {r[0]: r for r in after if r != before[r[0] - 1]}
    assert sorted(changed) == [3, 7]  # 40 was named but the WHERE kept it
    for contact_id, row in changed.items():
        old = dict(zip(_CONTACT_COLUMNS.split(", "), before[contact_id - 1], strict=True))
        new = dict(zip(_CONTACT_COLUMNS.split(", "), row, strict=True))
        assert new == {**old, "email": None, "phone": old["phone"] + "9", "version": old["version"] + 1}
    assert store._scalar("SELECT count(*) FROM contacts WHERE email = 'p3@example.org'") == 0  # index kept up
    assert store._scalar("SELECT id FROM contacts WHERE phone = ?", [before[6][7] + "9"]) == 7


def test_update_rows_is_part_of_the_callers_transaction(store):
    add(store, 20)
    before = rows(store)
    with pytest.raises(RuntimeError), store.tx() as cur:
        store.dialect.update_rows(cur, "contacts", "SELECT id FROM contacts", [], "SET email = NULL", [])
        assert cur.execute("SELECT count(email) FROM contacts").fetchall() == [(0,)]
        raise RuntimeError("a later step fails")
    assert rows(store) == before
    with store.tx() as cur:  # the work table is dropped once used (temp tables live as long as the cursor)
        store.dialect.update_rows(cur, "contacts", "SELECT 5", [], "SET first_name = 'Five'", [])
        assert cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'contacts_rewrite'"
        ).fetchall() == [(0,)]
    assert store._rows("SELECT id FROM contacts WHERE first_name = 'Five'") == [(5,)]


BULK = "SET job_title = NULL, version = contacts.version + 1"  # as retention clears a value
SAVES = {  # a member's save of contact 5, version-checked as the panel's
    "other column": "UPDATE contacts SET language = 'fr', version = version + 1 WHERE id = 5 AND version = 1",
    "indexed column": "UPDATE contacts SET email = 'new@example.org', version = version + 1 WHERE id = 5"
    " AND version = 1",
}


@pytest.mark.duckdb_only(BLOCKED_WRITER)
@pytest.mark.parametrize("save", SAVES, ids=list(SAVES))
@pytest.mark.parametrize(
    "order",
    [
        ("save", "commit save", "bulk", "commit bulk"),  # the save committed after the bulk's snapshot
        ("save", "bulk", "commit save", "commit bulk"),
        ("bulk", "save", "commit bulk", "commit save"),
        ("bulk", "commit bulk", "save", "commit save"),  # the save's snapshot is older than the bulk
    ],
    ids=["save-first", "save-bulk-interleaved", "bulk-save-interleaved", "bulk-first"],
)
def test_a_save_racing_a_bulk_update_is_a_conflict_never_a_lost_write(store, order, save):
    import duckdb

    add(store, 10)
    bulk, member = store._con.cursor(), store._con.cursor()
    for cur in (bulk, member):  # both transactions start (take their snapshot) before either writes
        cur.begin()
        cur.execute("SELECT count(*) FROM contacts").fetchall()
    committed, refused = [], []
    steps = {
        "bulk": lambda: store.dialect.update_rows(bulk, "contacts", "SELECT 5", [], BULK, []),
        "save": lambda: member.execute(SAVES[save]),
        "commit bulk": lambda: (bulk.commit(), committed.append("bulk")),
        "commit save": lambda: (member.commit(), committed.append("save")),
    }
    for step in order:
        try:
            steps[step]()
        except duckdb.TransactionException:
            refused.append(step)
            break
    for cur in (bulk, member):
        try:
            cur.rollback()
        except duckdb.Error:
            pass  # already committed
    assert len(refused) == 1 and len(committed) <= 1, (refused, committed)  # one writer is told, never silent
    [(title, language, email, version)] = store._rows(
        "SELECT job_title, language, email, version FROM contacts WHERE id = 5"
    )
    if committed == ["bulk"]:
        assert (title, language, email, version) == (None, None, "p5@example.org", 2)
    elif committed == ["save"]:
        assert title == "old" and version == 2 and (language == "fr" or email == "new@example.org")
