"""Benchmark: a retention run clearing an attribute of 100,000 contacts (history and import snapshots
scrubbed, versions bumped; target ≤ 10 s), one clearing every attribute of 100,000 (the same target); against
rewriting all rows."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inbox import retention  # noqa: E402
from inbox.models import SYSTEM  # noqa: E402
from inbox.store import Store  # noqa: E402
from tests.bench.common import emit  # noqa: E402

CONTACTS = int(os.environ.get("BENCH_RETENTION", "100000"))
ALL_CONTACTS = int(os.environ.get("BENCH_RETENTION_ALL", "100000"))


def populate(store: Store, n: int) -> None:
    """``n`` contacts whose only conversation closed a year ago, each with names, e-mail, phone, two custom
    values, their history and an import batch's prior values (bench set-up SQL, not app code)."""
    with store.tx() as cur:
        cur.execute(
            "INSERT INTO attribute_definitions VALUES ('tier', 'Tier', 'text', false, true, 100, NULL, NULL,"
            " false, false, now()::TIMESTAMP), ('orders', 'Orders', 'number', false, true, 101, NULL, NULL,"
            " false, false, now()::TIMESTAMP)"
        )
        cur.execute(
            "INSERT INTO contacts (id, platform, handle, email, first_name, last_name, phone, created_at,"
            " created_by, updated_at, updated_by, search_text) SELECT i, 'email', 'h' || i || '@example.org',"
            " 'p' || i || '@example.org', 'First' || i, 'Last' || i, '+3361' || lpad(i::VARCHAR, 7, '0'),"
            " now()::TIMESTAMP - INTERVAL '400 day', 'bench', now()::TIMESTAMP - INTERVAL '400 day', 'bench',"
            " 'first' || i FROM range(1, ? + 1) t(i)",
            [n],
        )
        cur.execute("SELECT setval('contact_id_seq', ?)", [n + 1])
        cur.execute(
            "INSERT INTO conversations (id, contact_id, platform, status, started_at, last_message_at)"
            " SELECT i, i, 'email', 'closed', now()::TIMESTAMP - INTERVAL '380 day',"
            " now()::TIMESTAMP - INTERVAL '365 day' FROM range(1, ? + 1) t(i)",
            [n],
        )
        cur.execute("SELECT setval('conversation_id_seq', ?)", [n + 1])
        cur.execute(
            "INSERT INTO attribute_values SELECT i, 'tier', 'gold', NULL, NULL, NULL, now()::TIMESTAMP,"
            " 'bench' FROM range(1, ? + 1) t(i) UNION ALL SELECT i, 'orders', NULL, i, NULL, NULL,"
            " now()::TIMESTAMP, 'bench' FROM range(1, ? + 1) t(i)",
            [n, n],
        )
        cur.execute(
            "INSERT INTO value_history (contact_id, attribute_key, old_value, new_value, changed_at, source,"
            " actor, ref) SELECT i, k, NULL, 'v' || i, now()::TIMESTAMP, 'import', 'bench', '1'"
            " FROM range(1, ? + 1) t(i), (VALUES ('email'), ('first_name'), ('tier')) v(k)",
            [n],
        )
        cur.execute(
            "INSERT INTO import_batches (id, created_at, created_by, file_name, encoding, delimiter,"
            " on_conflict, match_order, mapping, rows_total, inserted, updated, unchanged, skipped, rejected,"
            " status) VALUES (1, now()::TIMESTAMP, 'bench', 'b.csv', 'utf-8', ',', 'update', 'email', '{}',"
            " ?, 0, ?, 0, 0, 0, 'committed')",
            [n, n],
        )
        cur.execute(
            "INSERT INTO import_batch_contacts (batch_id, contact_id, action, version_after,"
            " prior_first_name, prior_version, prior_updated_at, prior_updated_by)"
            " SELECT 1, i, 'updated', 1, 'Old' || i, 1, now()::TIMESTAMP, 'bench' FROM range(1, ? + 1) t(i)",
            [n],
        )


def one(n: int, target: str, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        start = time.perf_counter()
        populate(store, n)
        emit(f"{name}_setup", time.perf_counter() - start, "s", contacts=n)
        start = time.perf_counter()
        with store.tx() as cur:  # the yardstick: rewrite every contact row once
            cur.execute("UPDATE contacts SET updated_by = 'bench-baseline'")
        base = time.perf_counter() - start
        retention.save_rule(store, SYSTEM, target, "closed", 30)
        start = time.perf_counter()
        [row] = retention.run(store, SYSTEM)
        took = time.perf_counter() - start
        assert row["contacts"] == n, row
        emit(
            name,
            took,
            "s",
            ratio=round(took / base, 1),
            baseline_s=round(base, 3),
            contacts=row["contacts"],
            cleared_values=row["cleared_values"],
            target_s=10 if n >= 100_000 else None,
        )
        keys = None if target == "*" else [target]
        left = store._scalar(
            "SELECT count(*) FROM value_history WHERE (old_value IS NOT NULL OR new_value IS NOT NULL)"
            " AND (? IS NULL OR list_contains(?, attribute_key))",
            [keys, keys],
        )
        assert left == 0


def main() -> None:
    # A custom attribute (and any attribute stored outside the indexed columns): the 100,000 contacts.
    one(CONTACTS, "tier", "retention_clear_attribute")
    # Every attribute, the indexed identifiers too (e-mail, phone): rows rewritten by dialect.update_rows.
    one(ALL_CONTACTS, "*", "retention_clear_all")


if __name__ == "__main__":
    main()
