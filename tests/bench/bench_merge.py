"""Benchmark: duplicate suggestions over the whole workspace (1M contacts: target ≤ 2 s) and the merge of two
contacts with 5 conversations each (target p95 ≤ 50 ms); ratios against yardsticks measured in the same run
(a full scan of the contacts' search text; a point SELECT of a contact by id)."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inbox import merge, users  # noqa: E402
from inbox.models import SYSTEM, Actor  # noqa: E402
from inbox.store import Store  # noqa: E402
from inbox.store.duplicates import STRONG  # noqa: E402
from tests.bench.common import best, copy_of, demo_db, emit, p95, remove_db, timed_ms  # noqa: E402

ADMIN = Actor("bench-admin@example.com", "admin")
PAIRS = 80


def add_duplicates(store) -> None:
    """The demo's identifiers are all distinct: give 2% of the contacts a shared e-mail, 1% a shared phone
    and 1% a shared name + account id (groups of two), as a workspace fed by several channels has."""
    changes = (  # bench set-up SQL, not app code; many rows: the dialect's bulk update
        ("id % 100 IN (1, 2)", "email = 'dup' || (id // 100) || '@example.org'"),
        ("id % 200 IN (3, 4)", "phone = '+3361' || lpad((id // 200)::VARCHAR, 7, '0')"),
        (
            "id % 200 IN (5, 6)",
            "first_name = 'Lukas', last_name = 'Weber', account_id = 'ACC-D' || (id // 200)",
        ),
    )
    with store.tx() as cur:
        for where, sets in changes:
            store.dialect.update_rows(
                cur, "contacts", f"SELECT id FROM contacts WHERE {where}", [], f"SET {sets}", []
            )


def duplicates(store) -> None:
    emit("contacts", store._scalar("SELECT count(*) FROM contacts"), "rows")
    scan = best(lambda: store._scalar("SELECT count(*) FROM contacts WHERE contains(search_text, 'zzqx')"))
    emit("baseline_search_text_scan", scan * 1000, "ms")
    result: list = []
    seconds = best(lambda: result.append(merge.duplicates(store, ADMIN, STRONG, limit=20)))
    emit(
        "duplicate_suggestions_whole_workspace",
        seconds,
        "s",
        ratio=round(seconds / scan, 1),
        groups=result[-1][1],
        target_s=2,
    )
    print(f"# duplicate suggestions: {result[-1][1]:,} groups in {seconds:.2f} s", file=sys.stderr)
    weak = best(lambda: merge.duplicates(store, ADMIN, ("name",), limit=20), repeat=2)
    emit("duplicate_suggestions_same_name", weak, "s", ratio=round(weak / scan, 1))


def five_conversations(store, ids: list[int]) -> None:
    """Exactly 5 conversations of 3 messages each for every contact of ``ids`` (set-up SQL)."""
    with store.tx() as cur:
        cur.execute("DELETE FROM attachments WHERE list_contains(?::BIGINT[], contact_id)", [ids])
        cur.execute("DELETE FROM messages WHERE list_contains(?::BIGINT[], contact_id)", [ids])
        cur.execute("DELETE FROM conversations WHERE list_contains(?::BIGINT[], contact_id)", [ids])
        cur.execute(
            "INSERT INTO conversations (contact_id, platform, status, started_at, last_message_at)"
            " SELECT c.id, c.platform, 'closed', now()::TIMESTAMP, now()::TIMESTAMP FROM contacts c,"
            " range(5) WHERE list_contains(?::BIGINT[], c.id)",
            [ids],
        )
        cur.execute(
            "INSERT INTO messages (conversation_id, contact_id, direction, body, sent_at)"
            " SELECT v.id, v.contact_id, 'inbound', 'hello', now()::TIMESTAMP FROM conversations v, range(3)"
            " WHERE list_contains(?::BIGINT[], v.contact_id)",
            [ids],
        )


def merges(store) -> None:
    rng = random.Random(16)
    n = int(store._scalar("SELECT max(id) FROM contacts"))
    picks = [i for i in rng.sample(range(1, n + 1), 2 * PAIRS + 100) if store.contacts.contact_row(i)]
    sample = iter(picks * 5)
    base = p95(timed_ms(lambda: store.contacts.contact_row(next(sample)), 200))
    emit("baseline_contact_by_id_p95", base, "ms")
    ids = picks[: 2 * PAIRS + 2]
    five_conversations(store, ids)
    merge.merge_contacts(store, ADMIN, ids[0], [ids[1]])  # warm-up: key file, caches
    times = []
    for a, b in zip(ids[2::2], ids[3::2], strict=False):
        start = time.perf_counter()
        entry = merge.merge_contacts(store, ADMIN, a, [b])
        times.append((time.perf_counter() - start) * 1000)
        assert entry["conversations"] == 5, entry
    emit(
        "merge_two_contacts_5_conversations_each_p95",
        p95(times),
        "ms",
        ratio=round(p95(times) / base, 1),
        merges=len(times),
        median=round(sorted(times)[len(times) // 2], 2),
        target_ms=50,
    )


def main() -> None:
    path = copy_of(demo_db(), "merge-bench")
    try:
        with Store(path) as store:
            if store.accounts.user_by_email(ADMIN.email) is None:
                users.add_user(store, SYSTEM, ADMIN.email, role="admin", password="bench-admin-password")
            add_duplicates(store)
            duplicates(store)
            merges(store)
    finally:
        remove_db(path)
        import shutil

        shutil.rmtree(path.with_name(path.stem + "-attachments"), ignore_errors=True)


if __name__ == "__main__":
    main()
