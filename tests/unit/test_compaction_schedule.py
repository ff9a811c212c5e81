"""Purge schedule: due / next run for a given clock, admin-only settings, pending count, the scheduler's
tick."""

import json
from datetime import datetime

import pytest

from inbox import compaction, deletion, inbound
from inbox.compaction import Schedule, due, last_slot, next_run, next_slot
from inbox.errors import InvalidInput, PermissionDenied
from inbox.models import SYSTEM, Actor
from inbox.store import CompactionFailed

from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
_members = members_fixture(ADMIN, AGENT)  # the actors are stored members (writes re-read them)
DAILY = Schedule("daily", hour=3)
WEEKLY = Schedule("weekly", hour=22, weekday=6)  # Sundays 22:00 UTC
OFF = Schedule("off")
TUE = datetime(2026, 12, 1, 14, 30)  # a Tuesday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute)


def test_slots():
    assert last_slot(DAILY, TUE) == at(1, 3) and next_slot(DAILY, TUE) == at(2, 3)
    assert last_slot(DAILY, at(1, 3)) == at(1, 3) and next_slot(DAILY, at(1, 3)) == at(2, 3)
    assert last_slot(DAILY, at(1, 2, 59)) == datetime(2026, 11, 30, 3)
    assert last_slot(WEEKLY, TUE) == datetime(2026, 11, 29, 22) and next_slot(WEEKLY, TUE) == at(6, 22)
    assert last_slot(WEEKLY, at(6, 22)) == at(6, 22) and last_slot(WEEKLY, at(6, 21)) == datetime(
        2026, 11, 29, 22
    )
    assert last_slot(OFF, TUE) is None and next_slot(OFF, TUE) is None


def test_due_after_a_scheduled_time_passed_since_the_last_purge():
    assert not due(DAILY, at(1, 3, 1), TUE)  # purged today after 03:00
    assert due(DAILY, at(1, 2), TUE)  # last purge before today's 03:00: caught up
    assert due(DAILY, datetime(2026, 11, 20, 3), TUE)  # the app was down for days: one catch-up run
    assert not due(DAILY, at(1, 2), at(1, 2, 30))  # before 03:00 nothing is due yet
    assert due(DAILY, at(1, 2), at(1, 3))
    assert not due(WEEKLY, datetime(2026, 11, 29, 22, 1), TUE) and due(
        WEEKLY, datetime(2026, 11, 29, 21), TUE
    )
    assert not due(OFF, None, TUE) and not due(OFF, datetime(2020, 1, 1), TUE)


def test_never_purged_runs_at_the_first_scheduled_time_after_the_schedule_or_the_start():
    assert not due(DAILY, None, TUE)  # nothing known: wait for the next scheduled time
    assert next_run(DAILY, None, TUE) == at(2, 3)
    assert not due(DAILY, None, TUE, since=at(1, 14))  # the scheduler started after today's 03:00
    assert due(DAILY, None, at(2, 3), since=at(1, 14))
    changed = Schedule("daily", hour=3, set_at=at(1, 10))
    assert not due(changed, at(1, 1), TUE)  # saving a schedule does not trigger a run for slots before it
    assert due(changed, at(1, 1), at(2, 3, 1))


def test_next_run():
    assert next_run(DAILY, at(1, 3, 1), TUE) == at(2, 3)
    assert next_run(DAILY, at(1, 2), TUE) == TUE  # due: within the minute
    assert next_run(WEEKLY, datetime(2026, 11, 29, 22, 5), TUE) == at(6, 22)
    assert next_run(OFF, None, TUE) is None


def test_describe():
    assert DAILY.describe() == "daily at 03:00 UTC"
    assert WEEKLY.describe() == "every Sunday at 22:00 UTC" and OFF.describe() == "off"


def test_schedule_is_saved_by_admins_only_and_checked(store):
    assert compaction.read_schedule(store) == compaction.DEFAULT == Schedule("daily", 3, 6)
    saved = compaction.set_schedule(store, ADMIN, "Weekly", hour=22, weekday=6, now=TUE)
    assert compaction.read_schedule(store) == saved == Schedule("weekly", 22, 6, TUE)
    assert store._one("SELECT updated_by FROM workspace_settings WHERE key = 'purge_schedule'") == (
        ADMIN.email,
    )
    with pytest.raises(PermissionDenied, match="only admins can change when deleted data is purged"):
        compaction.set_schedule(store, AGENT, "off")
    for args, message in [
        (("hourly",), "one of Off, Daily, Weekly"),
        (("daily", 24), "between 0 and 23"),
        (("weekly", 3, 7), "between 0 \\(Monday\\) and 6"),
        (("daily", "x"), "whole numbers"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            compaction.set_schedule(store, ADMIN, *args)
    assert compaction.read_schedule(store) == saved  # nothing changed by the refused attempts
    store.accounts.put_setting("purge_schedule", "{not json", "someone", TUE)
    assert compaction.read_schedule(store) == compaction.DEFAULT


def _delete_one(store, handle: str) -> None:
    cid = inbound.receive(store, "sms", handle, "bye")["contact_id"]
    deletion.delete_contact(store, ADMIN, cid, hint="test", reason="test_data")


def test_pending_count_and_run_record_the_purge(store):
    assert compaction.pending_count(store) == 0 and compaction.last_purge(store) is None
    for i in range(3):
        _delete_one(store, f"+4915112300{i:02d}")
    assert compaction.pending_count(store) == 3
    with pytest.raises(PermissionDenied):
        compaction.run(store, AGENT)
    done = compaction.run(store, ADMIN)
    assert done["purged_deletions"] == 3 and compaction.pending_count(store) == 0
    last = json.loads(store.accounts.get_setting(compaction.LAST_KEY))
    assert last["log_entries"] == 3 and last["by"] == ADMIN.email and compaction.last_purge(store) is not None
    _delete_one(store, "+491511230099")
    status = compaction.status(store, now=TUE)
    assert status.pending == 1 and status.last["purged_deletions"] == 3 and status.last_error is None


def test_a_failed_purge_is_recorded_and_waits_for_the_next_time(store, monkeypatch):
    _delete_one(store, "+491511230001")

    def fail():
        raise CompactionFailed("the copy could not be written (disk full); nothing changed")

    monkeypatch.setattr(store.compaction, "compact", fail)
    with pytest.raises(CompactionFailed):
        compaction.run_if_due(store, now=TUE, since=at(1, 1))
    status = compaction.status(store, now=TUE)
    assert status.pending == 1 and "disk full" in status.last_error["error"]
    assert compaction.run_if_due(store, now=TUE, since=at(1, 1)) is None  # not retried every minute
    assert status.next_run.date() == at(2, 3).date()
    monkeypatch.undo()
    assert compaction.run_if_due(store, now=at(2, 3, 1), since=at(1, 1))["purged_deletions"] == 1
    assert compaction.status(store).last_error is None and compaction.pending_count(store) == 0


def test_scheduler_tick_purges_due_stores_and_survives_failures(store, tmp_path):
    clock = [at(1, 2)]
    scheduler = compaction.PurgeScheduler(clock=lambda: clock[0])
    scheduler.watch(store)
    _delete_one(store, "+491511230002")
    assert scheduler.tick() == []  # 02:00, watching since 02:00: the next time is 03:00
    clock[0] = at(1, 3, 1)
    done = scheduler.tick()
    assert [d["purged_deletions"] for d in done] == [1] and compaction.pending_count(store) == 0
    assert json.loads(store.accounts.get_setting(compaction.LAST_KEY))["by"] == compaction.SCHEDULER.email
    assert scheduler.tick() == []  # done for today
    compaction.set_schedule(store, SYSTEM, "off")
    clock[0] = at(5, 3, 1)
    assert scheduler.tick() == []
    store.close()
    assert scheduler.tick() == []  # a closed store is skipped, not an error
