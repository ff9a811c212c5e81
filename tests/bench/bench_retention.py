"""Benchmark: a retention run clearing every value of 100,000 contacts (history and import snapshots scrubbed,
versions bumped), against rewriting the contacts table in the same run (target: ≤ 10 s)."""

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

CONTACTS = int(os.environ.get("BENCH_RETENTION", os.environ.get("BENCH_CONTACTS_RETENTION", "100000")))


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
            " now()::TIMESTAMP - INTERVAL 400 DAY, 'bench', now()::TIMESTAMP - INTERVAL 400 DAY, 'bench',"
            " 'first' || i FROM range(1, ? + 1) t(i)",
            [n],
        )
        cur.execute("SELECT setval('contact_id_seq', ?)", [n + 1])
        cur.execute(
            "INSERT INTO conversations (id, contact_id, platform, status, started_at, last_message_at)"
            " SELECT i, i, 'email', 'closed', now()::TIMESTAMP - INTERVAL 380 DAY,"
            " now()::TIMESTAMP - INTERVAL 365 DAY FROM range(1, ? + 1) t(i)",
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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        start = time.perf_counter()
        populate(store, CONTACTS)
        emit("retention_setup", time.perf_counter() - start, "s", contacts=CONTACTS)
        start = time.perf_counter()
        with store.tx() as cur:  # the yardstick: rewrite every contact row once
            cur.execute("UPDATE contacts SET updated_by = 'bench-baseline'")
        base = time.perf_counter() - start
        emit("baseline_rewrite_contacts", base, "s")
        retention.save_rule(store, SYSTEM, "*", "closed", 30)
        start = time.perf_counter()
        [row] = retention.run(store, SYSTEM)
        took = time.perf_counter() - start
        assert row["contacts"] == CONTACTS, row
        emit(
            "retention_run_clear_all",
            took,
            "s",
            ratio=round(took / base, 1),
            contacts=row["contacts"],
            cleared_values=row["cleared_values"],
            target_s=10,
        )
        left = store._scalar(
            "SELECT count(*) FROM value_history WHERE old_value IS NOT NULL OR new_value IS NOT NULL"
        )
        assert left == 0 and store._scalar("SELECT count(*) FROM attribute_values") == 0


if __name__ == "__main__":
    main()
