"""Bulk CRM sync: look many contacts up with a concurrency limit and retries, reporting progress."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from . import crm_lookup, workspace
from .auth import member_action, require_admin
from .crm_settings import lookup_config
from .errors import InvalidInput
from .models import Actor
from .store import acting

if TYPE_CHECKING:
    from .store import Store

BATCH = 200
MAX_CONCURRENCY = 32


def parse_since(text: str) -> datetime:
    """``YYYY-MM-DD`` or an ISO 8601 date-time (UTC) as a naive datetime; ``InvalidInput`` otherwise."""
    text = (text or "").strip()
    try:
        value = (
            datetime.fromisoformat(text)
            if "T" in text or " " in text
            else datetime.combine(date.fromisoformat(text), datetime.min.time())
        )
    except ValueError:
        raise InvalidInput(f"--since: not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM): {text[:40]}") from None
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value


@member_action("run a CRM sync")
def sync(
    store: Store,
    actor: Actor,
    *,
    since: datetime | None = None,
    every: bool = False,
    concurrency: int = 4,
    retries: int = 3,
    backoff: float = 0.5,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Look up every contact (``every``) or those created or changed since ``since`` (UTC), ``concurrency``
    at a time, retrying 429/5xx/timeouts/connection errors ``retries`` times with exponential backoff.

    Admins only, Enterprise only, with a CRM configured and turned on. Each contact's outcome is
    recorded as by *Refresh from CRM*. Returns the summary: ``selected``, ``looked_up``,
    ``validated``, ``updated`` (contacts changed), ``failed``, ``retried`` (extra attempts),
    ``skipped_fields``, ``errors`` (count per failure kind), ``seconds``.
    """
    require_admin(actor, "run a CRM sync")
    if every == (since is not None):
        raise InvalidInput("choose what to sync: --all, or --since DATE")
    if not 1 <= int(concurrency) <= MAX_CONCURRENCY:
        raise InvalidInput(f"--concurrency: between 1 and {MAX_CONCURRENCY}, not {concurrency}")
    if not 0 <= int(retries) <= 10:
        raise InvalidInput(f"--retries: between 0 and 10, not {retries}")
    config = lookup_config(store, "A CRM sync")
    region = workspace.default_region(store)
    say = progress or (lambda line: None)
    counts = {
        "selected": store.crm.crm_sync_count(since),
        "looked_up": 0,
        "validated": 0,
        "updated": 0,
        "failed": 0,
        "retried": 0,
        "skipped_fields": 0,
    }
    errors: dict[str | None, int] = {}
    started = time.monotonic()
    say(f"crm sync: {counts['selected']:,} contacts selected, {int(concurrency)} at a time")

    now_acting = acting.current()  # worker threads write as the same, re-checked member
    assert now_acting is not None  # (member_action set it)
    who, admin, action = now_acting

    def one(contact_id: int) -> crm_lookup.LookupResult:
        with acting.acting_as(who, admin=admin, action=action):
            return crm_lookup.run(
                store,
                contact_id,
                config,
                by=actor.email,
                trigger="sync",
                region=region,
                retries=int(retries),
                backoff=float(backoff),
            )

    pool = ThreadPoolExecutor(max_workers=int(concurrency), thread_name_prefix="crm-sync")
    try:
        after = 0
        while ids := store.crm.crm_sync_ids(after_id=after, limit=BATCH, since=since):
            after = ids[-1]
            for result in pool.map(one, ids):
                if result.error_kind == "not_found":  # deleted meanwhile: nothing to look up
                    continue
                counts["looked_up"] += 1
                counts["retried"] += result.attempts - 1
                if result.ok:
                    counts["validated"] += 1
                    counts["updated"] += bool(result.written)
                    counts["skipped_fields"] += len(result.skipped)
                else:
                    counts["failed"] += 1
                    errors[result.error_kind] = errors.get(result.error_kind, 0) + 1
            rate = counts["looked_up"] / max(time.monotonic() - started, 1e-9)
            say(
                f"crm sync: {counts['looked_up']:,}/{counts['selected']:,} contacts · "
                f"{counts['validated']:,} validated · {counts['failed']:,} failed · {rate:,.1f}/s"
            )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return {**counts, "errors": errors, "seconds": round(time.monotonic() - started, 2)}
