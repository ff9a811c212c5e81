"""``inbox check``: a fresh store is clean; each kind of damage is found and reported."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from inbox.check import CheckReport, Problem, files_on_disk, run_check
from inbox.store.schema import SEARCH_TEXT_SQL

T = datetime(2024, 3, 1, 9, 30)
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"


def add_contact(
    cur, cid: int, *, platform: str = "whatsapp", email: str | None = None, search: bool = True
) -> None:
    cur.execute(
        "INSERT INTO contacts (id, platform, handle, email, created_at, created_by, updated_at, updated_by)"
        " VALUES (?, ?, ?, ?, ?, 'test', ?, 'test')",
        [cid, platform, f"handle-{cid}", email, T, T],
    )
    if search:
        cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = ?", [cid])


def add_conversation(cur, cid: int, contact_id: int) -> None:
    cur.execute(
        "INSERT INTO conversations VALUES (?, ?, 'whatsapp', 'open', NULL, ?, ?)", [cid, contact_id, T, T]
    )


def add_message(cur, mid: int, conversation_id: int, contact_id: int) -> None:
    cur.execute(
        "INSERT INTO messages VALUES (?, ?, ?, 'inbound', NULL, 'hello', ?)",
        [mid, conversation_id, contact_id, T],
    )


def add_attachment(
    store, cur, aid: int, message_id: int, conversation_id: int, contact_id: int, *, write_file: bool = True
) -> str:
    data = f"attachment {aid}".encode()
    path = f"{contact_id}/{aid}/note.txt"
    if write_file:
        target = store.attachments_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    cur.execute(
        "INSERT INTO attachments VALUES (?, ?, ?, ?, 'note.txt', 'text/plain', ?, ?, ?, ?)",
        [aid, message_id, conversation_id, contact_id, len(data), path, hashlib.sha256(data).hexdigest(), T],
    )
    return path


@pytest.fixture
def populated(store):
    """Two contacts with a conversation, messages, an attribute value and an attachment file."""
    with store.tx() as cur:
        add_contact(cur, 1, email="ada@example.com")
        add_contact(cur, 2, platform="sms")
        add_conversation(cur, 10, 1)
        add_message(cur, 100, 10, 1)
        add_message(cur, 101, 10, 1)
        add_attachment(store, cur, 1000, 100, 10, 1)
        cur.execute(
            "INSERT INTO attribute_values (contact_id, attribute_key, value_text, updated_at, updated_by)"
            " VALUES (1, 'job_title', 'Engineer', ?, 'test')",
            [T],
        )
        cur.execute(
            "INSERT INTO users (id, email, display_name, role, password_hash, active, created_at)"
            " VALUES (1, 'admin@example.com', 'Ada', 'admin', ?, TRUE, ?)",
            [HASH, T],
        )
    return store


def problem(report: CheckReport, table: str, kind_part: str) -> Problem:
    found = [p for p in report.problems if p.table == table and kind_part in p.kind]
    assert found, report.lines()
    return found[0]


def test_fresh_store_is_clean(store):
    report = run_check(store)
    assert report.ok
    assert report.lines()[-1] == "clean"
    assert report.tables["workspace_settings"] == 1 and report.tables["attribute_definitions"] == 9
    assert report.tables["layout_versions"] == 1
    assert "contacts: 0 rows OK" in report.lines()


def test_populated_store_is_clean(populated):
    report = run_check(populated)
    assert report.ok, report.lines()
    assert report.tables["messages"] == 2 and report.tables["attachments"] == 1


def test_orphan_message(populated):
    with populated.tx() as cur:
        add_message(cur, 102, 99, 1)
    report = run_check(populated)
    p = problem(report, "messages", "messages_without_conversation")
    assert (p.count, p.examples) == (1, ("102",))
    assert "  messages: 1 messages whose conversation is missing, e.g. 102" in report.lines()
    assert "messages: 3 rows, 1 problem" in report.lines()
    assert report.lines()[-1] == "1 problem" and not report.ok


def test_message_contact_differs_from_conversation(populated):
    with populated.tx() as cur:
        add_message(cur, 103, 10, 2)
    p = problem(run_check(populated), "messages", "messages_contact_mismatch")
    assert p.examples == ("103",)


def test_orphan_conversation(populated):
    with populated.tx() as cur:
        add_conversation(cur, 11, 42)
    report = run_check(populated)
    assert problem(report, "conversations", "conversations_without_contact").examples == ("11",)
    assert any(
        line.startswith("  conversations: 1 conversations whose contact is missing")
        for line in report.lines()
    )


def test_orphan_attribute_value(populated):
    with populated.tx() as cur:
        cur.execute(
            "INSERT INTO attribute_values (contact_id, attribute_key, value_text, updated_at, updated_by)"
            " VALUES (42, 'job_title', 'Ghost', ?, 'test')",
            [T],
        )
    report = run_check(populated)
    assert problem(report, "attribute_values", "attribute_values_without_contact").examples == (
        "42/job_title",
    )
    assert any(
        "attribute values whose contact is missing, e.g. 42/job_title" in line for line in report.lines()
    )


def test_attribute_value_rules(populated):
    with populated.tx() as cur:
        cur.execute(
            "INSERT INTO attribute_values (contact_id, attribute_key, value_text, updated_at, updated_by)"
            " VALUES (2, 'no_such_key', 'x', ?, 'test'), (2, 'subscription', 'platinum', ?, 'test')",
            [T, T],
        )
        cur.execute(
            "INSERT INTO attribute_values (contact_id, attribute_key, value_number, updated_at, updated_by)"
            " VALUES (2, 'first_name', 3, ?, 'test')",
            [T],
        )
        cur.execute("UPDATE contacts SET subscription = 'gold' WHERE id = 1")
    report = run_check(populated)
    assert problem(report, "attribute_values", "without_definition").examples == ("2/no_such_key",)
    assert problem(report, "attribute_values", "not_in_options").examples == ("2/subscription=platinum",)
    assert problem(report, "attribute_values", "wrong_column").examples == ("2/first_name",)
    assert problem(report, "contacts", "subscription_not_in_options").examples == ("1=gold",)


def test_attachment_row_without_file(populated):
    with populated.tx() as cur:
        path = add_attachment(populated, cur, 1001, 101, 10, 1, write_file=False)
    report = run_check(populated)
    p = problem(report, "attachments", "file_missing")
    assert (p.count, p.examples) == (1, (path,))
    assert f"  attachments: 1 attachment rows whose file is missing, e.g. {path}" in report.lines()


def test_file_without_row(populated):
    stray = populated.attachments_dir / "9" / "stray" / "left.bin"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    report = run_check(populated)
    p = problem(report, "attachments", "file_without_row")
    assert p.examples == ("9/stray/left.bin",)
    assert any(
        line.endswith("files without an attachment row, e.g. 9/stray/left.bin") for line in report.lines()
    )


def test_attachment_whose_message_and_contact_are_missing(populated):
    with populated.tx() as cur:
        add_attachment(populated, cur, 1002, 555, 10, 77)
    report = run_check(populated)
    assert problem(report, "attachments", "attachments_without_message").examples == ("1002",)
    assert problem(report, "attachments", "attachments_without_contact").examples == ("1002",)


def test_invalid_email_in_contacts(populated):
    with populated.tx() as cur:
        cur.execute("UPDATE contacts SET email = 'not-an-email' WHERE id = 2")
        cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = 2")
    report = run_check(populated)
    p = problem(report, "contacts", "email is_email")
    assert (p.count, p.examples) == (1, ("2 'not-an-email'",))
    assert "  contacts.email is_email: 1 row, e.g. 2 'not-an-email'" in report.lines()
    assert "contacts: 2 rows, 1 problem" in report.lines()


def test_bad_platform(populated):
    with populated.tx() as cur:
        add_contact(cur, 3, platform="myspace")
    report = run_check(populated)
    p = problem(report, "contacts", "platform isin")
    assert p.examples == ("3 'myspace'",)
    assert "  contacts.platform isin(allowed values): 1 row, e.g. 3 'myspace'" in report.lines()


def test_bad_plan_setting(store):
    with store.tx() as cur:
        cur.execute("UPDATE workspace_settings SET value = 'gold' WHERE key = 'plan'")
        cur.execute("INSERT INTO workspace_settings VALUES ('colour', 'red', ?, 'test')", [T])
    report = run_check(store)
    assert problem(report, "workspace_settings", "plan_is_known").examples == ("plan",)
    assert problem(report, "workspace_settings", "key isin").examples == ("colour 'colour'",)
    assert "  workspace_settings.plan_is_known: 1 row, e.g. plan" in report.lines()
    assert report.lines()[-1] == "2 problems"


def test_password_hash_values_are_never_shown(populated):
    with populated.tx() as cur:
        cur.execute("UPDATE users SET password_hash = 'hunter2-plaintext' WHERE id = 1")
    report = run_check(populated)
    assert problem(report, "users", "password_hash").examples == ("1 <hidden>",)
    assert not any("hunter2" in line for line in report.lines())


def test_chunking_counts_rows_and_finds_bad_row_in_last_chunk(store):
    with store.tx() as cur:
        for cid in range(1, 6):
            add_contact(cur, cid, email=f"user{cid}@example.com" if cid < 5 else "broken@")
    chunks = list(store.integrity.iter_table_chunks("contacts", 2))
    assert [len(c) for c in chunks] == [2, 2, 1]
    assert [list(c["id"]) for c in chunks] == [[1, 2], [3, 4], [5]]
    lines: list[str] = []
    report = run_check(store, chunk_size=2, progress=lines.append)
    assert report.tables["contacts"] == 5
    assert "contacts: 5 rows, 1 problem" in report.lines()
    assert problem(report, "contacts", "email is_email").examples == ("5 'broken@'",)
    assert "contacts: 2/5 rows" in lines and "contacts: 5/5 rows" in lines


def test_chunking_a_composite_key_keeps_order_and_every_row(store):
    with store.tx() as cur:
        for cid in (3, 1, 2):
            for key in ("job_title", "first_name"):
                cur.execute(
                    "INSERT INTO attribute_values (contact_id, attribute_key, value_text, updated_at,"
                    " updated_by) VALUES (?, ?, 'x', ?, 'test')",
                    [cid, key, T],
                )
    chunks = list(store.integrity.iter_table_chunks("attribute_values", 4))
    assert [len(c) for c in chunks] == [4, 2]
    keys = [
        (int(c), k)
        for chunk in chunks
        for c, k in zip(chunk["contact_id"], chunk["attribute_key"], strict=True)
    ]
    assert keys == sorted(keys) and len(set(keys)) == 6


def test_counts_aggregate_across_chunks_with_five_examples(store):
    with store.tx() as cur:
        for cid in range(1, 9):
            add_contact(cur, cid, email=f"BAD{cid}")
    p = problem(run_check(store, chunk_size=3), "contacts", "email is_email")
    assert p.count == 8 and p.examples == ("1 'BAD1'", "2 'BAD2'", "3 'BAD3'", "4 'BAD4'", "5 'BAD5'")


def test_iter_table_chunks_refuses_unknown_tables(store):
    with pytest.raises(ValueError):
        list(store.integrity.iter_table_chunks("contacts; DROP TABLE users", 10))
    with pytest.raises(ValueError):
        list(store.integrity.iter_table_chunks("schema_migrations", 10))
    with pytest.raises(ValueError):
        list(store.integrity.iter_table_chunks("contacts", 0))


def test_integrity_findings_have_counts_and_examples(populated):
    with populated.tx() as cur:
        for mid in range(200, 207):
            add_message(cur, mid, 99, 1)
    found = populated.integrity.integrity_finding("messages_without_conversation")
    assert found.count == 7 and found.examples == ["200", "201", "202", "203", "204"]
    assert all(f.count == 0 for f in populated.integrity.integrity_findings() if f.name != found.name)


def test_files_on_disk_are_relative_forward_slash_paths(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "c.txt").write_text("x")
    (tmp_path / "top.txt").write_text("x")
    assert files_on_disk(tmp_path) == {"a/b/c.txt", "top.txt"}
    assert files_on_disk(tmp_path / "missing") == set()


def test_a_column_the_schema_does_not_know_is_reported_once(store):
    with store.tx() as cur:
        cur.execute("ALTER TABLE contacts ADD COLUMN colour VARCHAR")
        for cid in range(1, 6):
            add_contact(cur, cid)
    report = run_check(store, chunk_size=2)
    p = problem(report, "contacts", "colour column_in_schema")
    assert (p.count, p.examples) == (1, ("colour",))
    assert "  contacts: 1 unexpected column, e.g. colour" in report.lines()


def test_stale_search_text(populated):
    with populated.tx() as cur:
        add_contact(cur, 3, search=False)
        cur.execute("UPDATE contacts SET first_name = 'Renamed' WHERE id = 1")
    p = problem(run_check(populated), "contacts", "contacts_search_text_stale")
    assert (p.count, p.examples) == (2, ("1", "3"))


def test_layout_version_reverted_from_a_missing_version(store):
    with store.tx() as cur:
        cur.execute(
            "INSERT INTO layout_versions VALUES (2, ?, 'admin@example.com', '[]', '[\"reverted\"]', 1),"
            " (3, ?, 'admin@example.com', '[]', '[]', 2)",
            [T, T],
        )
        cur.execute("DELETE FROM layout_versions WHERE version = 2")
        cur.execute("INSERT INTO layout_versions VALUES (4, ?, 'admin@example.com', 'nope', '[]', 7)", [T])
    report = run_check(store)
    assert problem(report, "layout_versions", "layout_versions_missing_source").examples == ("3", "4")
    assert problem(report, "layout_versions", "reverted_from_an_earlier_version").examples == ("4",)
    assert problem(report, "layout_versions", "layout is_json_list_of_objects").examples == ("4 'nope'",)


def test_every_table_schema_matches_the_migrated_columns(store):
    from validation.tables import TABLE_SCHEMAS

    assert list(store.integrity.checked_tables()) == list(TABLE_SCHEMAS)
    for table, schema in TABLE_SCHEMAS.items():
        with store.cursor() as cur:
            columns = [
                r[0]
                for r in cur.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                    " AND table_schema = ? ORDER BY ordinal_position",
                    [table, store.dialect.schema],
                ).fetchall()
            ]
        assert columns == list(schema.to_schema().columns), table
