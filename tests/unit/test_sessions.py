"""Server-side sessions: opaque tokens stored hashed, idle and absolute expiry, sign-out, and every session
of a member ending when they are disabled or get a new password (in the same transaction)."""

from datetime import datetime, timedelta

import pytest

from inbox import sessions, users
from inbox.errors import InvalidInput, PermissionDenied
from inbox.models import SYSTEM

ADA, ALEX = "ada@example.com", "alex@example.com"
T0 = datetime(2026, 12, 1, 9, 0)


@pytest.fixture
def team(store):
    users.add_user(store, SYSTEM, ADA, role="admin", password="long-enough-1")
    users.add_user(store, SYSTEM, ALEX, role="agent", password="long-enough-2")
    return {e: store.accounts.user_by_email(e) for e in (ADA, ALEX)}


def test_a_session_finds_its_member_and_only_the_hash_is_stored(store, team):
    token = sessions.start(store, team[ALEX], client="203.0.113.7", user_agent="Firefox", now=T0)
    assert len(token) >= 43  # 32 random bytes, URL-safe
    assert sessions.user_for(store, token, now=T0).email == ALEX
    stored = store._rows("SELECT token_hash, client, user_agent FROM sessions")
    assert stored == [(sessions.token_hash(token), "203.0.113.7", "Firefox")]
    assert token not in repr(store._rows("SELECT * FROM sessions"))
    assert sessions.token_hash(token) != token and len(sessions.token_hash(token)) == 64


@pytest.mark.parametrize("token", [None, "", "not-a-token", "x" * 5000])
def test_unknown_tokens_find_nobody(store, team, token):
    sessions.start(store, team[ALEX], now=T0)
    assert sessions.user_for(store, token, now=T0) is None


def test_each_sign_in_gets_its_own_token(store, team):
    a, b = sessions.start(store, team[ALEX], now=T0), sessions.start(store, team[ALEX], now=T0)
    assert a != b
    sessions.end(store, a, now=T0)
    assert sessions.user_for(store, a, now=T0) is None
    assert sessions.user_for(store, b, now=T0).email == ALEX


def test_idle_expiry_with_activity_keeping_it_alive(store, team):
    token = sessions.start(store, team[ALEX], now=T0)
    idle = timedelta(hours=sessions.IDLE_HOURS)
    assert sessions.user_for(store, token, now=T0 + idle - timedelta(minutes=1)) is not None  # seen: touched
    later = T0 + 2 * idle - timedelta(minutes=2)
    assert sessions.user_for(store, token, now=later) is not None  # idle counts from the last activity
    assert sessions.user_for(store, token, now=later + idle) is None
    assert sessions.user_for(store, token, now=later) is None  # ended on the way: never comes back
    assert store._scalar("SELECT ended_why FROM sessions") == "expired"


def test_last_seen_is_written_at_most_once_a_minute(store, team):
    token = sessions.start(store, team[ALEX], now=T0)
    sessions.user_for(store, token, now=T0 + timedelta(seconds=30))
    assert store._scalar("SELECT last_seen_at FROM sessions") == T0
    sessions.user_for(store, token, now=T0 + timedelta(seconds=61))
    assert store._scalar("SELECT last_seen_at FROM sessions") == T0 + timedelta(seconds=61)


def test_absolute_expiry_however_active(store, team):
    token = sessions.start(store, team[ALEX], now=T0)
    at = T0
    while at < T0 + timedelta(days=sessions.ABSOLUTE_DAYS) - timedelta(hours=2):
        at += timedelta(hours=1)
        assert sessions.user_for(store, token, now=at) is not None
    assert sessions.user_for(store, token, now=T0 + timedelta(days=sessions.ABSOLUTE_DAYS)) is None


def test_admins_change_the_limits_and_they_apply_to_open_sessions(store, team):
    token = sessions.start(store, team[ALEX], now=T0)
    assert sessions.limits(store) == sessions.Limits(12, 14)
    sessions.set_limits(store, team[ADA].actor, 2, 1)
    assert sessions.limits(store) == sessions.Limits(2, 1)
    assert sessions.user_for(store, token, now=T0 + timedelta(hours=3)) is None


def test_only_admins_change_the_limits_within_range(store, team):
    with pytest.raises(PermissionDenied):
        sessions.set_limits(store, team[ALEX].actor, 2, 1)
    for idle, absolute in [(0, 14), (12, 0), (12, 91), (24 * 31, 90), (49, 2)]:
        with pytest.raises(InvalidInput):
            sessions.set_limits(store, team[ADA].actor, idle, absolute)
    assert sessions.limits(store) == sessions.Limits(12, 14)


def test_sign_out_everywhere_ends_the_members_other_sessions_only(store, team):
    here, there = sessions.start(store, team[ALEX], now=T0), sessions.start(store, team[ALEX], now=T0)
    ada = sessions.start(store, team[ADA], now=T0)
    assert sessions.end(store, here, everywhere=True, now=T0) == 2
    assert sessions.user_for(store, there, now=T0) is None
    assert sessions.user_for(store, ada, now=T0).email == ADA
    assert sessions.end(store, here, now=T0) == 0  # already ended: nothing to do


def test_disabling_a_member_ends_all_their_sessions(store, team):
    tokens = [sessions.start(store, team[ALEX]) for _ in range(3)]
    ada = sessions.start(store, team[ADA])
    assert [sessions.user_for(store, t).email for t in tokens] == [ALEX] * 3  # open until disabled
    users.set_active(store, team[ADA].actor, ALEX, False)
    assert [sessions.user_for(store, t) for t in tokens] == [None, None, None]
    assert sessions.open_count(store, team[ALEX].id) == 0
    assert store._scalar("SELECT DISTINCT ended_why FROM sessions WHERE user_id = ?", [team[ALEX].id]) == (
        "member disabled"
    )
    users.set_active(store, team[ADA].actor, ALEX, True)  # enabling again does not revive them
    assert [sessions.user_for(store, t) for t in tokens] == [None, None, None]
    assert sessions.user_for(store, ada) is not None


def test_an_inactive_member_is_refused_even_with_an_open_session(store, team):
    token = sessions.start(store, team[ALEX])
    store.accounts.set_user_active(ALEX, False)  # behind the use case's back
    assert sessions.user_for(store, token) is None


def test_a_new_password_ends_all_their_sessions(store, team):
    token = sessions.start(store, team[ALEX])
    users.set_password(store, team[ADA].actor, ALEX, "a-new-password")
    assert sessions.user_for(store, token) is None
    assert users.check_credentials(store, ALEX, "a-new-password").email == ALEX
    with pytest.raises(PermissionDenied):
        users.set_password(store, team[ALEX].actor, ADA, "a-new-password")


def test_disabling_ends_sessions_in_the_same_transaction(store, team, monkeypatch):
    """When ending the sessions fails, the member stays enabled: nothing half-done."""
    token = sessions.start(store, team[ALEX])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.sessions, "end_sessions_of", broken)
    with pytest.raises(RuntimeError):
        users.set_active(store, team[ADA].actor, ALEX, False)
    assert store.accounts.user_by_email(ALEX).active
    monkeypatch.undo()
    assert sessions.user_for(store, token).email == ALEX


def test_old_ended_sessions_are_forgotten(store, team):
    old = sessions.start(store, team[ALEX], now=T0)
    sessions.end(store, old, now=T0)
    sessions.start(store, team[ALEX], now=T0 + sessions.KEEP_ENDED + timedelta(days=1))
    assert store._scalar("SELECT count(*) FROM sessions") == 1


def test_a_lookup_says_why_there_is_no_member(store, team):
    token = sessions.start(store, team[ALEX], now=T0)
    assert sessions.lookup(store, "nope").why == "unknown"
    assert sessions.lookup(store, token, now=T0).user.email == ALEX
    users.set_active(store, team[ADA].actor, ALEX, False)
    assert sessions.lookup(store, token) == sessions.Lookup(None, "member disabled")
    expiring = sessions.start(store, team[ADA], now=T0)
    assert sessions.lookup(store, expiring, now=T0 + timedelta(days=15)) == sessions.Lookup(None, "expired")
