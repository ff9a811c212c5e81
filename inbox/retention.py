"""Data retention: admins' rules (clear values or conversations N days after closing or last activity),
the preview, runs (logged), the schedule and the scheduler thread."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .auth import member_action, require_admin
from .compaction import Schedule, due, next_run
from .errors import InvalidInput, NotFound
from .models import Actor, utcnow
from .scheduler import StoreScheduler
from .store.retention import ALL, CONVERSATIONS

if TYPE_CHECKING:
    from .store import Store

BASES = {
    "closed": "after the contact's last conversation was closed",
    "active": "after the contact was last active",
}
MAX_DAYS = 36_500
SCHEDULE_KEY = "retention_schedule"  # JSON {"mode", "hour", "weekday", "set_at"} as the purge schedule's
LAST_KEY = "retention_last"  # JSON {"at", "by", "error"} of the last run (a failed one keeps its error)
DEFAULT = Schedule(mode="daily", hour=2)  # before the nightly purge (03:00): cleared data leaves the disk too
SCHEDULER = Actor(email="system (retention schedule)", role="system")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """One retention rule as the page shows it."""

    id: int
    target: str  # "*", "#conversations" or an attribute key
    basis: str
    days: int
    updated_at: datetime
    updated_by: str
    label: str  # "All attributes", "Conversations" or the attribute's label

    @property
    def as_row(self) -> dict[str, Any]:
        return {"id": self.id, "target": self.target, "basis": self.basis, "days": self.days}

    def describe(self) -> str:
        days = f"{self.days:,} day{'' if self.days == 1 else 's'}"
        if self.target == CONVERSATIONS:
            when = "after they were closed" if self.basis == "closed" else BASES["active"]
            return f"Delete closed conversations, their messages and attachments {days} {when}"
        what = "every attribute value" if self.target == ALL else f"{self.label} values"
        return f"Clear {what} {days} {BASES[self.basis]}"


def target_labels(store: Store) -> dict[str, str]:
    """Every target a rule may have, in the page's order: all attributes, each attribute, conversations."""
    from .attributes import all_attributes

    return {
        ALL: "All attributes",
        **{a.key: a.label for a in all_attributes(store)},
        CONVERSATIONS: "Conversations",
    }


def rules(store: Store) -> list[Rule]:
    labels = target_labels(store)
    return [
        Rule(
            r["id"],
            r["target"],
            r["basis"],
            int(r["days"]),
            r["updated_at"],
            r["updated_by"],
            labels.get(r["target"], r["target"]),
        )
        for r in store.retention.retention_rules()
    ]


@member_action("change data retention")
def save_rule(store: Store, actor: Actor, target: str, basis: str, days: Any) -> Rule:
    """Add or change the rule of ``target`` (admins only); ``InvalidInput`` naming what is wrong."""
    require_admin(actor, "change data retention")
    labels = target_labels(store)
    if target not in labels:
        raise InvalidInput(f"there is no attribute '{target}' to clear")
    if basis not in BASES:
        raise InvalidInput(f"choose when the clock starts: {' or '.join(BASES)}, not '{basis}'")
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise InvalidInput("the number of days must be a whole number") from None
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"the number of days must be between 1 and {MAX_DAYS:,}, not {days:,}")
    rule_id = store.retention.save_retention_rule(target, basis, days, actor.email, utcnow())
    return next(r for r in rules(store) if r.id == rule_id)


@member_action("change data retention")
def delete_rule(store: Store, actor: Actor, rule_id: int) -> None:
    require_admin(actor, "change data retention")
    if not store.retention.delete_retention_rule(int(rule_id)):
        raise NotFound(f"there is no retention rule {rule_id}")


def preview(store: Store, rule: Rule, limit: int = 60) -> list[tuple[date, int]]:
    """How many contacts (conversations for the conversations rule) fall due on which day (overdue ones:
    the earliest days, cleared by the next run)."""
    return store.retention.retention_preview(rule.as_row, limit)


# -- running -------------------------------------------------------------------------------------
@member_action("run data retention")
def run(
    store: Store, actor: Actor, *, dry_run: bool = False, trigger: str = "manual", now: datetime | None = None
) -> list[dict[str, Any]]:
    """Apply every rule now (admins only), each in its own transaction that logs it; a dry run changes
    nothing and gives how many each rule would clear. Attachment files of cleared conversations are removed
    once committed. Returns one dict per rule (the log row, or ``{"rule", "due"}`` for a dry run)."""
    require_admin(actor, "run data retention")
    now = now or utcnow()
    done: list[dict[str, Any]] = []
    for rule in rules(store):
        if dry_run:
            count = store.retention.retention_due_count(rule.as_row, now)
            done.append({"rule_id": rule.id, "target": rule.target, "rule": rule.describe(), "due": count})
            continue
        started = time.perf_counter()
        row, paths = store.retention.apply_retention_rule(
            rule.as_row,
            now,
            actor=actor.email,
            trigger=trigger,
            seconds=lambda started=started: time.perf_counter() - started,
        )
        if paths:
            from .deletion import finish_file_removal

            finish_file_removal(store, paths)
        done.append({**row, "rule": rule.describe()})
    if not dry_run:
        _record_last(store, actor, now, None)
    return done


def _record_last(store: Store, actor: Actor, at: datetime, error: str | None) -> None:
    store.accounts.put_setting(
        LAST_KEY, json.dumps({"at": at.isoformat(), "by": actor.email, "error": error}), actor.email, utcnow()
    )


TOTALS = ("contacts", "cleared_values", "conversations", "messages", "attachments")


def summary(done: list[dict[str, Any]], dry_run: bool) -> dict[str, Any]:
    """What ``run`` did as one object (the CLI's JSON, the API's answer): each rule's log row, or its count
    for a dry run, and for a run the totals."""
    out: dict[str, Any] = {"dry_run": dry_run, "rules": done}
    if not dry_run:
        out.update({k: sum(int(r[k]) for r in done) for k in TOTALS})
    return out


def overview(store: Store, actor: Actor, limit: int = 10) -> dict[str, Any]:
    """The rules (each with its sentence), the schedule, the next and last runs and the latest log entries
    (``retention show``, ``GET /retention``; admins only)."""
    require_admin(actor, "see data retention")
    return {
        "rules": [{**r.as_row, "rule": r.describe()} for r in rules(store)],
        "schedule": read_schedule(store).describe(),
        "next_run": next_scheduled(store),
        "last_run": last_run(store),
        "runs": runs(store, limit),
    }


def runs(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """The log, newest first."""
    return store.retention.retention_runs(limit)


def last_run(store: Store) -> dict[str, Any] | None:
    raw = store.accounts.get_setting(LAST_KEY)
    try:
        value = json.loads(raw) if raw else None
        if isinstance(value, dict) and value.get("at"):
            return {**value, "at": datetime.fromisoformat(value["at"])}
    except (ValueError, TypeError):
        pass
    return None


# -- the schedule ----------------------------------------------------------------------------------
def read_schedule(store: Store) -> Schedule:
    raw = store.accounts.get_setting(SCHEDULE_KEY)
    try:
        data = json.loads(raw) if raw else None
        if not isinstance(data, dict):
            return DEFAULT
        mode, hour, weekday = _checked(data.get("mode"), data.get("hour", 2), data.get("weekday", 6))
        set_at = datetime.fromisoformat(data["set_at"]) if data.get("set_at") else None
    except (ValueError, TypeError, InvalidInput):
        log.warning("the stored retention schedule cannot be read; using the default")
        return DEFAULT
    return Schedule(mode, hour, weekday, set_at)


def _checked(mode: object, hour: Any, weekday: Any) -> tuple[str, int, int]:
    mode = str(mode or "").strip().lower()
    if mode not in ("off", "daily", "weekly"):
        raise InvalidInput(f"the retention frequency must be Off, Daily or Weekly, not '{mode}'")
    try:
        hour, weekday = int(hour), int(weekday)
    except (TypeError, ValueError):
        raise InvalidInput("the retention hour and day must be whole numbers") from None
    if not (0 <= hour <= 23 and 0 <= weekday <= 6):
        raise InvalidInput("the retention hour must be 0–23 (UTC) and the day 0 (Monday)–6 (Sunday)")
    return mode, hour, weekday


@member_action("change when data retention runs")
def set_schedule(
    store: Store, actor: Actor, mode: str, hour: int = 2, weekday: int = 6, now: datetime | None = None
) -> Schedule:
    require_admin(actor, "change when data retention runs")
    mode, hour, weekday = _checked(mode, hour, weekday)
    at = now or utcnow()
    store.accounts.put_setting(
        SCHEDULE_KEY,
        json.dumps({"mode": mode, "hour": hour, "weekday": weekday, "set_at": at.isoformat()}),
        actor.email,
        utcnow(),
    )
    return Schedule(mode, hour, weekday, at)


def next_scheduled(
    store: Store, now: datetime | None = None, since: datetime | None = None
) -> datetime | None:
    last = last_run(store)
    return next_run(read_schedule(store), last["at"] if last else None, now or utcnow(), since)


def run_if_due(
    store: Store, now: datetime | None = None, since: datetime | None = None
) -> list[dict[str, Any]] | None:
    """Run every rule when the schedule says a run is due (as the scheduler); ``None`` when not due. A failed
    run is recorded (its time and error) and waits for the next scheduled time."""
    now = now or utcnow()
    last = last_run(store)
    if not due(read_schedule(store), last["at"] if last else None, now, since):
        return None
    try:
        return run(store, SCHEDULER, trigger="schedule", now=now)
    except Exception as exc:
        _record_last(store, SCHEDULER, now, str(exc) or type(exc).__name__)
        raise


class RetentionScheduler(StoreScheduler):
    """One background thread per process: every minute, runs retention on each watched store when due."""

    WHAT = "scheduled retention run"
    THREAD = "inbox-retention-scheduler"

    def run_if_due(self, store: Store, now: datetime, since: datetime) -> Any:
        return run_if_due(store, now, since)
