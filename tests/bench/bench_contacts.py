"""Benchmark: contact lookup at 1M demo contacts (substring p95, exact lookups) and the Contacts page run."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inbox import contacts  # noqa: E402
from inbox.store import Store  # noqa: E402
from tests.bench.common import demo_db, emit, p95, timed_ms  # noqa: E402
from tests.support.apptest import token_for  # noqa: E402
from tests.support.navigation import open_page  # noqa: E402
from ui.session import TOKEN_KEY  # noqa: E402


def lookups(path: Path) -> None:
    with Store(path, read_only=True) as store:
        rng = random.Random(7)
        n = store._scalar("SELECT max(id) FROM contacts")
        sample = [store.contacts.contact_row(rng.randint(1, n)) for _ in range(40)]
        sample = [s for s in sample if s]
        base = timed_ms(lambda: store._scalar("SELECT 1"), 200)
        emit("baseline_select_1", p95(base), "ms")
        common = (
            [s["last_name"] for s in sample if s["last_name"]][:10]
            + [s["first_name"][:3].lower() for s in sample if s["first_name"]][:10]
            + ["an", "e"]
        )
        rare = [(s["email"] or "x@x")[:6] for s in sample][:10] + ["zzzz-nomatch"]  # full scans
        contacts.search(store, "warm-up")  # a running app has its pages cached and its window computed
        took = {w: timed_ms(lambda w=w: contacts.search(store, w), 3) for w in common + rare}
        subs = [ms for times in took.values() for ms in times]
        emit(
            "search_substring_p95", p95(subs), "ms", ratio=round(p95(subs) / p95(base), 1), queries=len(subs)
        )
        emit(
            "search_substring_rare_p95",
            p95([ms for w in rare for ms in took[w]]),
            "ms",
            queries=3 * len(rare),
        )
        emails = [s["email"] for s in sample if s["email"]]
        phones = [s["phone"] for s in sample if s["phone"]]
        ids = [f"#{s['id']}" for s in sample]
        for name, values, column, _key in [
            ("email", emails, "email", "email"),
            ("phone", phones, "phone", "phone"),
            ("id", ids, "id", "id"),
        ]:
            raw = []
            for v in values:
                value = int(v[1:]) if column == "id" else v
                raw += timed_ms(
                    lambda column=column, value=value: store.contacts.exact_contacts(column, value), 5
                )
            emit(f"exact_{name}_store_p95", p95(raw), "ms", ratio=round(p95(raw) / p95(base), 1))
            full = []
            for v in values:
                full += timed_ms(lambda v=v: contacts.search(store, v), 3)
            emit(f"exact_{name}_search_p95", p95(full), "ms")


def page_run(path: Path) -> None:
    """The Contacts page script with a contact open, through AppTest (adds its own overhead)."""
    from streamlit.testing.v1 import AppTest

    os.environ["INBOX_DB"] = str(path)
    root = Path(__file__).resolve().parents[2]
    with Store(path) as store:
        from inbox import users
        from inbox.models import SYSTEM

        if store.accounts.user_by_email("bench@example.com") is None:
            users.add_user(store, SYSTEM, "bench@example.com", role="agent", password="bench-password")
        first = store.contacts.first_contact_id()
    at = AppTest.from_file(str(root / "router.py"), default_timeout=60)
    at.session_state[TOKEN_KEY] = token_for("bench@example.com")
    at.run()
    open_page(at, "contacts").run()
    at.session_state["contacts.open"] = first
    at.run()
    assert not at.exception, at.exception
    runs = timed_ms(at.run, 15)
    home = AppTest.from_file(str(root / "router.py"), default_timeout=60)
    home.session_state[TOKEN_KEY] = token_for("bench@example.com")
    base = timed_ms(home.run, 15)  # the Overview page: counts over the whole workspace
    emit("contacts_page_run_p95", p95(runs), "ms", ratio_to_overview=round(p95(runs) / p95(base), 2))
    emit("overview_page_run_p95", p95(base), "ms")


def main() -> None:
    path = demo_db()
    lookups(path)
    page_run(path)


if __name__ == "__main__":
    main()
