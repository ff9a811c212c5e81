"""Choosing the engine (``INBOX_DB`` / ``--db``: a DuckDB file or a PostgreSQL URL, whose own files live in
``INBOX_FILES``) and the SQL each engine spells its own way, checked to give the same answers on both."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from inbox import db_path, db_target, open_store
from inbox.errors import InvalidInput, StoreUnavailable
from inbox.keys import key_file_for
from inbox.store import PgStore
from inbox.store.dialect_postgres import frame_columns
from tests.support.cli import invoke, one_line

URL = "postgresql://inbox:s3cret@db.internal:5432/inbox"


def test_a_postgresql_url_is_kept_as_given_and_a_file_is_a_path(monkeypatch):
    monkeypatch.delenv("INBOX_DB", raising=False)
    assert db_target(URL) == URL and db_target("postgres://h/db") == "postgres://h/db"
    assert db_target("data/x.duckdb") == Path("data/x.duckdb") and db_target() == Path("data/inbox.duckdb")
    monkeypatch.setenv("INBOX_DB", URL)
    assert db_target() == URL
    with pytest.raises(InvalidInput, match="DuckDB database file, not on a PostgreSQL database"):
        db_path()


def test_postgresql_without_its_files_folder_is_refused_with_one_line(monkeypatch, pg_url):
    monkeypatch.delenv("INBOX_FILES", raising=False)
    with pytest.raises(StoreUnavailable, match="a PostgreSQL database needs INBOX_FILES"):
        open_store(pg_url)
    line = one_line(invoke("plan", "show", "--db", pg_url))
    assert "INBOX_FILES" in line and "shared by every app server" in line


def test_a_postgresql_workspace_keeps_its_files_in_the_shared_folder(monkeypatch, pg_url, tmp_path):
    monkeypatch.setenv("INBOX_FILES", str(tmp_path / "shared"))
    monkeypatch.delenv("INBOX_KEY_FILE", raising=False)
    monkeypatch.delenv("INBOX_CHECKPOINT_DIR", raising=False)
    with open_store(pg_url) as store:
        assert isinstance(store, PgStore) and store.dialect.name == "postgres"
        assert store.attachments_dir == tmp_path / "shared" / "inbox-attachments"
        assert key_file_for(store.file_base) == tmp_path / "shared" / "inbox.key"
        assert (tmp_path / "shared" / "inbox.key").is_file()  # created at the first read-write open
    ran = invoke("plan", "show", "--db", pg_url)
    assert ran.code == 0, ran  # the CLI opens the same database with the same key file
    assert not any(p.name.startswith("postgresql:") for p in Path.cwd().iterdir())  # never a path of a URL


def test_an_error_page_shows_the_url_without_its_password(monkeypatch):
    from inbox.errors import StoreUnavailable as Unavailable
    from ui.errors import plain_text

    monkeypatch.setenv("INBOX_DB", URL)
    text = plain_text(Unavailable(f"cannot connect to database {URL}: no answer in 30 s"))
    assert "s3cret" not in text and "postgresql://inbox:***@db.internal:5432/inbox" in text


def test_unpivot_gives_each_non_missing_cell_once(store):
    sql = store.dialect.unpivot(
        "SELECT id AS contact_id, email, phone FROM contacts WHERE id IN (1, 2)",
        ["contact_id"],
        ["email", "phone"],
        "attribute_key",
        "value",
    )
    with store.tx() as cur:
        cur.execute(
            "INSERT INTO contacts (id, platform, handle, email, phone, created_at, created_by, updated_at,"
            " updated_by, search_text) VALUES"
            " (1, 'email', 'a', 'a@x.org', NULL, now(), 't', now(), 't', 'a'),"
            " (2, 'sms', 'b', NULL, '+33612345678', now(), 't', now(), 't', 'b')"
        )
        rows = sorted(cur.execute(sql).fetchall())
    assert rows == [(1, "email", "a@x.org"), (2, "phone", "+33612345678")]


def test_first_values_keep_the_order_of_their_keys(store):
    rows = "(VALUES (1, 'b', 20), (2, 'a', 20), (3, 'c', 10)) AS t(id, label, k)"
    first = store.dialect.first_values("label", ["k", "id"], "2")
    newest = store.dialect.first_values("id", ["k", "id"], "2", descending=True)
    one = store.dialect.first_values("label", ["id"])
    assert store._one(f"SELECT {first}, {newest}, {one} FROM {rows}") == (["c", "b"], [2, 1], "b")
    assert store._one(f"SELECT {first} FROM {rows} WHERE false") == (None,)


def test_json_strings_reads_an_array_and_nothing_else(store):
    as_list = store.dialect.json_strings("j")
    found = store._rows(
        f"SELECT n, {as_list} FROM (VALUES (1, '[\"a\", \"b c\"]'), (2, '[]'), (3, '{{\"a\": 1}}'))"
        " AS t(n, j) ORDER BY n"
    )
    assert found == [(1, ["a", "b c"]), (2, []), (3, [])]


def test_a_temporary_table_is_replaced(store):
    with store.tx() as cur:
        store.dialect.temp_table(cur, "scratch", "SELECT 1 AS n")
        store.dialect.temp_table(cur, "scratch", "SELECT ? AS n UNION ALL SELECT 3", [2])
        assert sorted(cur.execute("SELECT n FROM scratch").fetchall()) == [(2,), (3,)]


def test_a_write_without_returning_answers_its_row_count(store):
    with store.tx() as cur:
        assert cur.execute("UPDATE workspace_settings SET value = value").fetchall() == [
            (store._scalar("SELECT count(*) FROM workspace_settings"),)
        ]


def test_a_frame_keeps_its_types_in_a_postgresql_temporary_table():
    frame = pd.DataFrame(
        {
            "n": [1, 2],
            "x": [0.5, None],
            "flag": [None, True],
            "day": [None, date(2024, 2, 29)],
            "at": [datetime(2024, 1, 1, 12), None],
            "text": ["a", None],
            "empty": [None, None],
        }
    )
    assert frame_columns(frame) == [
        ("n", "BIGINT"),
        ("x", "DOUBLE PRECISION"),
        ("flag", "BOOLEAN"),
        ("day", "DATE"),
        ("at", "TIMESTAMP"),
        ("text", "TEXT"),
        ("empty", "TEXT"),
    ]


def test_compact_keeps_every_row(store):
    from inbox import compaction
    from inbox.models import SYSTEM

    before = store.stats.table_counts()
    result = compaction.run(store, SYSTEM)
    assert result["bytes_before"] > 0 and result["bytes_after"] > 0
    assert store.stats.table_counts() == before


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("50% off", "0% o", True),
        ("5000 off", "0% o", False),
        ("a_b", "a_b", True),
        ("axb", "a_b", False),
        ("c:\\dir", ":\\d", True),
        ("c:dir", ":\\d", False),
        ("Zoë", "oë", True),
    ],
)
def test_contains_reads_its_term_literally(store, text, term, found):
    assert store._scalar("SELECT contains(?, ?)", [text, term]) is found
