"""Purging deleted data from disk: the admin's schedule, what is pending, running a purge, the scheduler."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .auth import member_action, require_admin
from .errors import InboxError, InvalidInput
from .models import Actor, utcnow
from .scheduler import StoreScheduler

if TYPE_CHECKING:
    from .store import Store

SCHEDULE_KEY = "purge_schedule"  # JSON {"mode", "hour", "weekday", "set_at"}
# JSON of the last purge: "at" (UTC), "log_entries" (deletion-log entries that existed then), "bytes_before",
# "bytes_after", "seconds", "purged_deletions", "by"
LAST_KEY = "purge_last"
LAST_ERROR_KEY = "purge_last_error"  # JSON {"at", "error"} of the last failed purge, "" once one succeeds

MODES = {"off": "Off", "daily": "Daily", "weekly": "Weekly"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCHEDULER = Actor(email="system (purge schedule)", role="system")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    """When purges run: ``off``, ``daily`` at ``hour``:00 UTC, or ``weekly`` on ``weekday`` (0 = Monday)."""

    mode: str = "daily"
    hour: int = 3
    weekday: int = 6
    set_at: datetime | None = None  # when an admin last saved it (no catch-up run for slots before that)

    def describe(self) -> str:
        if self.mode == "off":
            return "off"
        at = f"{self.hour:02d}:00 UTC"
        return f"daily at {at}" if self.mode == "daily" else f"every {WEEKDAYS[self.weekday]} at {at}"


DEFAULT = Schedule()  # daily at 03:00 UTC: deleted data leaves the disk within a day unless an admin opts out


def _checked(mode: object, hour: Any, weekday: Any) -> tuple[str, int, int]:
    mode = str(mode or "").strip().lower()
    if mode not in MODES:
        raise InvalidInput(f"the purge frequency must be one of {', '.join(MODES.values())}, not '{mode}'")
    try:
        hour, weekday = int(hour), int(weekday)
    except (TypeError, ValueError):
        raise InvalidInput("the purge hour and day must be whole numbers") from None
    if not 0 <= hour <= 23:
        raise InvalidInput(f"the purge hour must be between 0 and 23 (UTC), not {hour}")
    if not 0 <= weekday <= 6:
        raise InvalidInput(f"the purge day must be between 0 (Monday) and 6 (Sunday), not {weekday}")
    return mode, hour, weekday


def read_schedule(store: Store) -> Schedule:
    """The stored schedule, or ``DEFAULT`` when none was saved (or the stored one cannot be read)."""
    raw = store.accounts.get_setting(SCHEDULE_KEY)
    if not raw:
        return DEFAULT
    try:
        data = json.loads(raw)
        mode, hour, weekday = _checked(data.get("mode"), data.get("hour", 3), data.get("weekday", 6))
        set_at = datetime.fromisoformat(data["set_at"]) if data.get("set_at") else None
    except (ValueError, TypeError, AttributeError, KeyError):
        log.warning("the stored purge schedule cannot be read; using the default")
        return DEFAULT
    return Schedule(mode, hour, weekday, set_at)


@member_action("change when deleted data is purged from disk")
def set_schedule(
    store: Store, actor: Actor, mode: str, hour: int = 3, weekday: int = 6, now: datetime | None = None
) -> Schedule:
    """Save when purges run. Admins only; ``InvalidInput`` for an unknown frequency, hour or day."""
    require_admin(actor, "change when deleted data is purged from disk")
    mode, hour, weekday = _checked(mode, hour, weekday)
    set_at = now or utcnow()
    schedule = Schedule(mode, hour, weekday, set_at)
    store.accounts.put_setting(
        SCHEDULE_KEY,
        json.dumps({"mode": mode, "hour": hour, "weekday": weekday, "set_at": set_at.isoformat()}),
        actor.email,
        utcnow(),
    )
    return schedule


# -- the clock ---------------------------------------------------------------------------------
def last_slot(schedule: Schedule, now: datetime) -> datetime | None:
    """The latest scheduled time at or before ``now`` (``None`` when off)."""
    if schedule.mode == "off":
        return None
    slot = now.replace(hour=schedule.hour, minute=0, second=0, microsecond=0)
    if slot > now:
        slot -= timedelta(days=1)
    if schedule.mode == "weekly":
        slot -= timedelta(days=(slot.weekday() - schedule.weekday) % 7)
    return slot


def next_slot(schedule: Schedule, now: datetime) -> datetime | None:
    """The first scheduled time after ``now`` (``None`` when off)."""
    slot = last_slot(schedule, now)
    return None if slot is None else slot + timedelta(days=7 if schedule.mode == "weekly" else 1)


def due(schedule: Schedule, last_at: datetime | None, now: datetime, since: datetime | None = None) -> bool:
    """Whether a scheduled time passed after the last purge (or failed attempt), the schedule's change and
    ``since`` (when the scheduler started watching): a time missed while the app was down is caught up.
    With none of these known, nothing is due before the next scheduled time."""
    slot = last_slot(schedule, now)
    marks = [t for t in (last_at, schedule.set_at, since) if t is not None]
    return slot is not None and bool(marks) and slot > max(marks)


def next_run(
    schedule: Schedule, last_at: datetime | None, now: datetime, since: datetime | None = None
) -> datetime | None:
    """When the next purge starts: ``now`` when one is due (within a minute), else the next scheduled time."""
    if schedule.mode == "off":
        return None
    return now if due(schedule, last_at, now, since) else next_slot(schedule, now)


# -- state -------------------------------------------------------------------------------------
def _json(store: Store, key: str) -> dict[str, Any] | None:
    raw = store.accounts.get_setting(key)
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _at(record: dict[str, Any] | None) -> datetime | None:
    try:
        return datetime.fromisoformat(record["at"]) if record and record.get("at") else None
    except (TypeError, ValueError):
        return None


def last_purge(store: Store) -> datetime | None:
    """When the last purge finished (UTC), ``None`` before the first."""
    return _at(_json(store, LAST_KEY))


def _last_attempt(store: Store) -> datetime | None:
    """The last purge, or the last failed one if later (a failure waits for the next scheduled time)."""
    times = (last_purge(store), _at(_json(store, LAST_ERROR_KEY)))
    return max((t for t in times if t is not None), default=None)


def pending_count(store: Store) -> int:
    """How many deletions are not yet purged from disk: log entries written since the last purge."""
    last = _json(store, LAST_KEY) or {}
    try:
        purged = int(last.get("log_entries") or 0)
    except (TypeError, ValueError):
        purged = 0
    return max(0, store.compaction.deletion_log_count() - purged)


@dataclass(frozen=True)
class Status:
    """What the Deleted contacts page shows about purging."""

    schedule: Schedule
    pending: int
    last: dict[str, Any] | None  # the last purge (see LAST_KEY), ``None`` before the first
    next_run: datetime | None
    last_error: dict[str, Any] | None  # {"at", "error"} when the last attempt failed


def status(store: Store, now: datetime | None = None, since: datetime | None = None) -> Status:
    """Pending deletions, the last purge and the next one (``since``: when the scheduler began watching)."""
    now = now or utcnow()
    schedule = read_schedule(store)
    return Status(
        schedule,
        pending_count(store),
        _json(store, LAST_KEY),
        next_run(schedule, _last_attempt(store), now, since),
        _json(store, LAST_ERROR_KEY),
    )


# -- running -----------------------------------------------------------------------------------
@member_action("purge deleted data from disk")
def run(store: Store, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    """Purge deleted data from disk now: compact the database (``Store.compaction.compact``) and record it
    (at ``now``, default the clock). Admins only. Returns bytes before/after, seconds and how many deletions
    were purged."""
    require_admin(actor, "purge deleted data from disk")
    # read before: a deletion during the purge stays counted as pending
    entries = store.compaction.deletion_log_count()
    pending = pending_count(store)
    try:
        result = store.compaction.compact()
    except InboxError as exc:
        failed_at = now or utcnow()
        store.accounts.put_setting(
            LAST_ERROR_KEY,
            json.dumps({"at": failed_at.isoformat(), "error": str(exc)}),
            actor.email,
            utcnow(),
        )
        raise
    result = {**result, "purged_deletions": pending}
    at = now or utcnow()
    store.accounts.put_setting(
        LAST_KEY,
        json.dumps({**result, "at": at.isoformat(), "log_entries": entries, "by": actor.email}),
        actor.email,
        utcnow(),
    )
    if store.accounts.get_setting(LAST_ERROR_KEY):
        store.accounts.put_setting(LAST_ERROR_KEY, "", actor.email, utcnow())
    return result


def run_if_due(
    store: Store, now: datetime | None = None, since: datetime | None = None
) -> dict[str, Any] | None:
    """Run a purge when the schedule says one is due (as the scheduler); ``None`` when not due."""
    now = now or utcnow()
    if not due(read_schedule(store), _last_attempt(store), now, since):
        return None
    return run(store, SCHEDULER, now)


class PurgeScheduler(StoreScheduler):
    """One background thread per process: every minute, purges each watched store whose schedule is due."""

    WHAT = "scheduled purge"
    THREAD = "inbox-purge-scheduler"

    def run_if_due(self, store: Store, now: datetime, since: datetime) -> Any:
        return run_if_due(store, now, since)
