"""Benchmark: one deletion at 1M contacts / 5M messages, bulk erasure of 10,000 contacts, and the Deleted
contacts report (filters + charts) over 1M log entries; ratios against a point SELECT by id in the same
run."""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from inbox import checkpoints, deletion, erasure, users  # noqa: E402
from inbox import deletion_report as report  # noqa: E402
from inbox.keys import require_keys  # noqa: E402
from inbox.models import PLATFORMS, SYSTEM, Actor  # noqa: E402
from inbox.store import Store  # noqa: E402
from tests.bench.common import BENCH_DIR, copy_of, demo_db, emit, p95, remove_db, timed_ms  # noqa: E402
from tests.support.apptest import token_for  # noqa: E402
from tests.support.navigation import open_page  # noqa: E402
from ui.session import TOKEN_KEY  # noqa: E402

ADMIN = Actor("bench-admin@example.com", "admin")
LOG_ENTRIES = int(os.environ.get("BENCH_LOG_ENTRIES", "1000000"))
ERASE = int(os.environ.get("BENCH_ERASE", "10000"))


def baseline(store, ids) -> float:
    """p95 of a point SELECT of a contact by id (the same-run yardstick of every ratio)."""
    sample = iter(ids * 5)
    return p95(timed_ms(lambda: store.contacts.contact_row(next(sample)), 200))


def add_custom_values(store) -> int:
    """One custom value for 60% of the contacts, in random order (the demo has none): the cascade deletes
    them."""
    with store.tx() as cur:  # bench set-up SQL, not app code
        cur.execute(
            "INSERT INTO attribute_values SELECT id, 'tier', 'gold', NULL, NULL, NULL, now()::TIMESTAMP,"
            " 'bench' FROM contacts USING SAMPLE 60 PERCENT (reservoir, 7) ORDER BY hash(id)"
        )
    return int(store._scalar("SELECT count(*) FROM attribute_values"))


def deletions(store) -> None:
    rng = random.Random(11)
    n = int(store._scalar("SELECT max(id) FROM contacts"))
    emit("contacts", store._scalar("SELECT count(*) FROM contacts"), "rows")
    emit("messages", store._scalar("SELECT count(*) FROM messages"), "rows")
    emit("attribute_values", add_custom_values(store), "rows")
    picks = rng.sample(range(1, n + 1), 260)
    base = baseline(store, picks[:60])
    emit("baseline_contact_by_id_p95", base, "ms")
    deletion.delete_contact(store, ADMIN, picks[60], hint="warm-up", reason="test_data")  # secret, caches
    times = []
    for cid in picks[61:]:
        if store.contacts.contact_row(cid) is None:
            continue
        start = time.perf_counter()
        deletion.delete_contact(store, ADMIN, cid, hint=f"bench ticket #{cid}", reason="gdpr_request")
        times.append((time.perf_counter() - start) * 1000)
    emit(
        "delete_one_p95",
        p95(times),
        "ms",
        ratio=round(p95(times) / base, 1),
        deletions=len(times),
        median=round(sorted(times)[len(times) // 2], 2),
        target_ms=20,
    )
    manifest = timed_ms(lambda: deletion.manifest(store, ADMIN, picks[0]), 50)
    emit("manifest_p95", p95(manifest), "ms", ratio=round(p95(manifest) / base, 1))

    # bulk erasure: identifiers of 10,000 random contacts (emails, phones, external ids, handles), plus misses
    rows = store._rows(
        "SELECT id, email, phone, external_id, platform, handle FROM contacts"
        f" USING SAMPLE {ERASE} ROWS (reservoir, 3)"
    )
    idents = []
    for i, (_cid, email, phone, ext, platform, handle) in enumerate(rows):
        kind = i % 4
        idents.append(
            email
            if kind == 0 and email
            else phone
            if kind == 1 and phone
            else ext
            if kind == 2 and ext
            else f"{platform}:{handle}"
        )
    idents += [f"nobody-{i}@example.invalid" for i in range(100)]
    start = time.perf_counter()
    plan = erasure.preview(store, ADMIN, idents)
    preview_s = time.perf_counter() - start
    start = time.perf_counter()
    result = erasure.execute(store, ADMIN, plan, hint="bench bulk erasure", reason="gdpr_request")
    execute_s = time.perf_counter() - start
    emit("erase_preview", preview_s, "s", identifiers=len(idents), contacts=len(plan.contact_ids))
    emit(
        "erase_execute",
        execute_s,
        "s",
        contacts_deleted=result.summary["contacts_deleted"],
        failed=result.summary["contacts_failed"],
        ratio=round(execute_s * 1000 / base, 0),
        target_s=5,
    )
    emit("erase_total", preview_s + execute_s, "s", target_s=5)
    emit("erase_per_contact", execute_s * 1000 / max(result.summary["contacts_deleted"], 1), "ms")
    start = time.perf_counter()
    verdict = deletion.verify_log(store, ADMIN)
    emit("verify_log", time.perf_counter() - start, "s", entries=verdict.entries, ok=verdict.ok)


def synthetic_log(store, n: int) -> None:
    """``n`` entries over two years, hash-chained exactly as the app chains them (bench set-up SQL)."""
    rng = np.random.default_rng(5)
    start = datetime(2025, 1, 1)
    seconds = np.sort(rng.integers(0, 730 * 86_400, n))
    admins = np.array([f"admin{i:02d}@example.com" for i in range(25)])
    reasons = np.array(list(deletion.DELETION_REASONS))
    platforms = np.array(PLATFORMS)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype="int64"),
            "deleted_at": pd.to_datetime(start) + pd.to_timedelta(seconds, unit="s"),
            "deleted_by": admins[rng.integers(0, len(admins), n)],
            "contact_id": rng.permutation(np.arange(1, n + 1, dtype="int64")),
            "platform": platforms[rng.integers(0, len(platforms), n)],
            "display_name": [f"Person {i}" for i in range(n)],
            "identity_hint": [f"ticket #{i} erasure request" for i in range(n)],
            "reason": reasons[rng.integers(0, len(reasons), n)],
            "conversations": rng.integers(0, 5, n),
            "messages": rng.integers(0, 30, n),
            "attachments": np.zeros(n, dtype="int64"),
            "bytes": np.zeros(n, dtype="int64"),
        }
    )
    keys = require_keys(store)  # the workspace's key file: lookups find them, `audit verify` checks them
    key = keys.identifier_key
    frame["email_hmac"] = [deletion.keyed_hash(key, "email", f"p{i}@example.com") for i in range(n)]
    frame["phone_hmac"] = None
    frame["handle_hmac"] = [deletion.keyed_hash(key, "handle", f"x:h{i}") for i in range(n)]
    frame["external_id_hmac"] = None
    frame["snapshot"] = None
    prev, prevs, hashes = deletion.GENESIS, [], []
    for entry in frame.to_dict("records"):
        entry["prev_hash"] = prev
        prevs.append(prev)
        prev = deletion.entry_hash(keys.chain_key, entry)
        hashes.append(prev)
    frame["prev_hash"], frame["entry_hash"] = prevs, hashes
    with store.tx() as cur:
        cur.register("bench_log", frame)
        cur.execute(f"INSERT INTO deletion_log SELECT {', '.join(deletion.LOG_COLUMNS)} FROM bench_log")
        cur.execute(
            "UPDATE deletion_log_head SET entries = ?, last_hash = ?, updated_at = now()::TIMESTAMP",
            [n, prev],
        )
    checkpoints.append(store, keys, n, prev)


def report_bench(path: Path) -> None:
    remove_db(path)
    with Store(path) as store:
        started = time.perf_counter()
        synthetic_log(store, LOG_ENTRIES)
        emit("synthetic_log_build", time.perf_counter() - started, "s", entries=LOG_ENTRIES)
        users.add_user(store, SYSTEM, ADMIN.email, role="admin", password="bench-password")
        ids = list(range(1, 61))
        base = p95(timed_ms(lambda: store._rows("SELECT * FROM deletion_log WHERE id = ?", [ids[0]]), 200))
        emit("baseline_log_entry_by_id_p95", base, "ms")
        today = datetime(2026, 12, 31).date()
        cases = {
            "none": report.Filters(),
            "platform_reason": report.Filters(platforms=("whatsapp", "sms"), reasons=("gdpr_request",)),
            "date_range_admin": report.Filters(
                since=today - timedelta(days=180), until=today, admins=("admin03@example.com",)
            ),
            "text": report.Filters(text="ticket #4242"),
        }
        for name, filters in cases.items():
            runs = timed_ms(lambda f=filters: report.report(store, ADMIN, f), 15)
            emit(f"report_{name}_p95", p95(runs), "ms", ratio=round(p95(runs) / base, 1), target_ms=200)
        assert [e["id"] for e in report.lookup(store, ADMIN, "p123456@example.com")] == [123457]
        looked = timed_ms(lambda: report.lookup(store, ADMIN, "p123456@example.com"), 15)
        emit("lookup_p95", p95(looked), "ms", ratio=round(p95(looked) / base, 1))
        started = time.perf_counter()
        n = report.write_export(store, ADMIN, report.Filters(), "csv", BENCH_DIR / "deletion-log.csv")
        emit("export_csv", time.perf_counter() - started, "s", entries=n)
        (BENCH_DIR / "deletion-log.csv").unlink(missing_ok=True)
        started = time.perf_counter()
        verdict = deletion.verify_log(store, ADMIN)
        emit("verify_log", time.perf_counter() - started, "s", entries=verdict.entries, ok=verdict.ok)
    page_run(path)


def page_run(path: Path) -> None:
    """The Deleted contacts page through AppTest (adds AppTest's own overhead) over the 1M-entry log."""
    from streamlit.testing.v1 import AppTest

    os.environ["INBOX_DB"] = str(path)
    root = Path(__file__).resolve().parents[2]
    at = AppTest.from_file(str(root / "router.py"), default_timeout=120)
    at.session_state[TOKEN_KEY] = token_for(ADMIN.email)
    at.run()
    open_page(at, "deleted_contacts").run()
    assert not at.exception, at.exception
    runs = timed_ms(at.run, 8)
    emit("report_page_run_p95", p95(runs), "ms", note="whole page incl. AppTest overhead, 1M entries")


def main() -> None:
    path = copy_of(demo_db(), "deletion-bench")
    try:
        with Store(path) as store:
            if store.accounts.user_by_email(ADMIN.email) is None:  # use cases re-read their member
                users.add_user(store, SYSTEM, ADMIN.email, role="admin", password="bench-password")
            deletions(store)
    finally:
        remove_db(path)
        import shutil

        shutil.rmtree(path.with_name(path.stem + "-attachments"), ignore_errors=True)
    log_path = BENCH_DIR / "deletion-log-bench.duckdb"
    try:
        report_bench(log_path)
    finally:
        remove_db(log_path)


if __name__ == "__main__":
    main()
