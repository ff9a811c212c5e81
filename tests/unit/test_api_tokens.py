"""Personal API tokens: shown once and stored hashed, listed with a hint, revoked, expired, refused for a
disabled member at once, own tokens only for agents (admins: anyone's), and throttled like sign-in."""

from datetime import datetime, timedelta

import pytest

from inbox import sign_in, tokens, users
from inbox.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Throttled, TokenRefused
from inbox.models import SYSTEM, Actor

ADA, ALEX, BEA = "ada@example.com", "alex@example.com", "bea@example.com"
T0 = datetime(2026, 12, 1, 9, 0)
ADMIN, AGENT = Actor(ADA, "admin"), Actor(ALEX, "agent")


@pytest.fixture
def team(store):
    users.add_user(store, SYSTEM, ADA, role="admin", password="long-enough-1")
    users.add_user(store, SYSTEM, ALEX, role="agent", password="long-enough-2")
    users.add_user(store, SYSTEM, BEA, role="agent", password="long-enough-3")
    return {e: store.accounts.user_by_email(e) for e in (ADA, ALEX, BEA)}


@pytest.mark.duckdb_only("reads the bytes of the DuckDB file")
def test_a_token_is_shown_once_and_only_its_hash_is_stored(store, team, db_path):
    token, raw = tokens.create_token(store, AGENT, ALEX, name="nightly export", now=T0)
    assert raw.startswith(tokens.TOKEN_PREFIX) and len(raw) >= len(tokens.TOKEN_PREFIX) + 43
    assert (token.email, token.name, token.created_by, token.hint) == (ALEX, "nightly export", ALEX, raw[-4:])
    assert token.expires_at == T0 + timedelta(days=90) and token.last_used_at is None
    assert raw not in repr(token) and raw not in repr(store._rows("SELECT * FROM api_tokens"))
    store.close()  # everything on disk: the raw token is nowhere in the file
    data = db_path.read_bytes()
    assert raw.encode() not in data and raw[len(tokens.TOKEN_PREFIX) :].encode() not in data


def test_a_token_acts_for_its_member_and_records_when_it_was_used(store, team):
    _, raw = tokens.create_token(store, AGENT, ALEX, name="script", now=T0)
    assert tokens.member_for(store, raw, client="203.0.113.7", now=T0 + timedelta(hours=1)) == team[ALEX]
    assert tokens.list_tokens(store, AGENT)[0].last_used_at == T0 + timedelta(hours=1)
    tokens.member_for(store, raw, now=T0 + timedelta(hours=1, seconds=30))  # within a minute: not written
    assert tokens.list_tokens(store, AGENT)[0].last_used_at == T0 + timedelta(hours=1)
    tokens.member_for(store, raw, now=T0 + timedelta(hours=1, minutes=2))
    assert tokens.list_tokens(store, AGENT)[0].last_used_at == T0 + timedelta(hours=1, minutes=2)


def test_listing_shows_own_tokens_newest_first_and_admins_see_everyones(store, team):
    tokens.create_token(store, AGENT, ALEX, name="first", now=T0)
    tokens.create_token(store, AGENT, ALEX, name="second", now=T0)
    tokens.create_token(store, Actor(BEA, "agent"), BEA, name="bea's", now=T0)
    assert [t.name for t in tokens.list_tokens(store, AGENT)] == ["second", "first"]
    assert [t.name for t in tokens.list_tokens(store, AGENT, ALEX)] == ["second", "first"]
    assert [t.name for t in tokens.list_tokens(store, ADMIN)] == ["bea's", "second", "first"]
    assert [t.name for t in tokens.list_tokens(store, ADMIN, BEA)] == ["bea's"]
    assert [t.email for t in tokens.list_tokens(store, SYSTEM)] == [BEA, ALEX, ALEX]
    with pytest.raises(PermissionDenied, match="only admins can see another member's token"):
        tokens.list_tokens(store, AGENT, BEA)


def test_a_revoked_token_is_refused_at_once(store, team):
    token, raw = tokens.create_token(store, AGENT, ALEX, name="script", now=T0)
    revoked = tokens.revoke_token(store, AGENT, token.id, now=T0 + timedelta(minutes=5))
    assert (revoked.revoked_at, revoked.revoked_by) == (T0 + timedelta(minutes=5), ALEX)
    assert not revoked.active
    with pytest.raises(TokenRefused, match="^invalid or expired token$"):
        tokens.member_for(store, raw, now=T0 + timedelta(minutes=5))
    again = tokens.revoke_token(store, AGENT, token.id, now=T0 + timedelta(minutes=9))  # changes nothing
    assert again.revoked_at == T0 + timedelta(minutes=5)
    with pytest.raises(NotFound):
        tokens.revoke_token(store, AGENT, 999)


def test_an_expired_token_is_refused_and_one_without_expiry_lasts(store, team):
    _, raw = tokens.create_token(store, AGENT, ALEX, name="week", expires_days=7, now=T0)
    _, forever = tokens.create_token(store, AGENT, ALEX, name="forever", expires_days=None, now=T0)
    assert tokens.member_for(store, raw, now=T0 + timedelta(days=7) - timedelta(seconds=1)).email == ALEX
    with pytest.raises(TokenRefused, match="^invalid or expired token$"):
        tokens.member_for(store, raw, now=T0 + timedelta(days=7))
    assert tokens.member_for(store, forever, now=T0 + timedelta(days=3000)).email == ALEX
    statuses = {t.name: t.status_at(T0 + timedelta(days=8)) for t in tokens.list_tokens(store, AGENT)}
    assert statuses == {"week": "expired", "forever": "active"}


def test_a_disabled_member_is_refused_at_once_and_again_served_when_enabled(store, team):
    _, raw = tokens.create_token(store, AGENT, ALEX, name="script", now=T0)
    assert tokens.member_for(store, raw, now=T0).email == ALEX
    users.set_active(store, ADMIN, ALEX, False)
    with pytest.raises(TokenRefused, match="^invalid or expired token$"):
        tokens.member_for(store, raw, now=T0)
    users.set_active(store, ADMIN, ALEX, True)  # as GitHub keeps a re-enabled member's tokens
    assert tokens.member_for(store, raw, now=T0).email == ALEX


def test_a_token_acts_with_its_members_role_as_stored_now(store, team):
    _, raw = tokens.create_token(store, ADMIN, ADA, name="admin script", now=T0)
    store.accounts.set_user_active(ADA, True)
    with store.tx() as cur:
        cur.execute("UPDATE users SET role = 'agent' WHERE email = ?", [ADA])
    assert tokens.member_for(store, raw, now=T0).role == "agent"


@pytest.mark.parametrize("raw", ["", "inbox_pat_guess", "x" * 5000, "Bearer inbox_pat_x"])
def test_unknown_tokens_are_refused_with_the_same_words(store, team, raw):
    tokens.create_token(store, AGENT, ALEX, name="script", now=T0)
    with pytest.raises(TokenRefused) as info:
        tokens.member_for(store, raw, now=T0)
    assert str(info.value) == "invalid or expired token" and isinstance(info.value, PermissionDenied)


def test_agents_cannot_create_or_revoke_others_tokens_and_admins_can(store, team):
    with pytest.raises(PermissionDenied, match="only admins can create another member's token"):
        tokens.create_token(store, AGENT, BEA, name="for bea", now=T0)
    bea_token, _ = tokens.create_token(store, Actor(BEA, "agent"), BEA, name="mine", now=T0)
    with pytest.raises(PermissionDenied, match="only admins can revoke another member's token"):
        tokens.revoke_token(store, AGENT, bea_token.id)
    made, raw = tokens.create_token(store, ADMIN, BEA, name="made by ada", now=T0)
    assert (made.email, made.created_by) == (BEA, ADA)
    assert tokens.member_for(store, raw, now=T0).email == BEA  # acts as Bea, not as the admin who made it
    assert tokens.revoke_token(store, ADMIN, bea_token.id).revoked_by == ADA
    assert tokens.revoke_token(store, SYSTEM, made.id).revoked_by == SYSTEM.email


def test_a_disabled_member_can_no_longer_manage_tokens(store, team):
    token, _ = tokens.create_token(store, AGENT, ALEX, name="script", now=T0)
    users.set_active(store, ADMIN, ALEX, False)
    for call in (
        lambda: tokens.create_token(store, AGENT, ALEX, name="another"),
        lambda: tokens.list_tokens(store, AGENT),
        lambda: tokens.revoke_token(store, AGENT, token.id),
    ):
        with pytest.raises(PermissionDenied, match="has been disabled"):
            call()
    with pytest.raises(InvalidInput, match="is disabled: enable the member"):
        tokens.create_token(store, ADMIN, ALEX, name="for a disabled member")


@pytest.mark.parametrize(
    "name, days, message",
    [
        ("", 30, "give the token a name"),
        ("   ", 30, "give the token a name"),
        ("x" * 81, 30, "at most 80 characters"),
        ("ok", 0, "between 1 and 365 days"),
        ("ok", 366, "between 1 and 365 days"),
        ("ok", True, "whole number of days"),
    ],
)
def test_names_and_expiries_are_checked(store, team, name, days, message):
    with pytest.raises(InvalidInput, match=message):
        tokens.create_token(store, AGENT, ALEX, name=name, expires_days=days, now=T0)
    assert tokens.list_tokens(store, AGENT) == []


def test_names_are_unique_per_member_among_active_tokens(store, team):
    first, _ = tokens.create_token(store, AGENT, ALEX, name="  nightly   export ", now=T0)
    assert first.name == "nightly export" and len("x" * 80) == tokens.MAX_NAME
    with pytest.raises(Conflict, match='an active token named "nightly export" already exists'):
        tokens.create_token(store, AGENT, ALEX, name="nightly export", now=T0)
    tokens.create_token(store, Actor(BEA, "agent"), BEA, name="nightly export", now=T0)  # another member
    tokens.revoke_token(store, AGENT, first.id, now=T0)
    tokens.create_token(store, AGENT, ALEX, name="nightly export", now=T0)  # the first one is revoked


def test_ended_tokens_are_forgotten_after_90_days(store, team):
    old, _ = tokens.create_token(store, AGENT, ALEX, name="old", expires_days=1, now=T0)
    tokens.create_token(store, AGENT, ALEX, name="new", now=T0 + timedelta(days=91))
    assert [t.name for t in tokens.list_tokens(store, AGENT)] == ["new", "old"]
    tokens.create_token(store, AGENT, ALEX, name="newer", now=T0 + timedelta(days=92))
    assert [t.name for t in tokens.list_tokens(store, AGENT)] == ["newer", "new"]


def test_failed_tokens_throttle_their_client_before_any_lookup(store, team):
    _, raw = tokens.create_token(store, AGENT, ALEX, name="script", now=T0)
    for i in range(sign_in.CLIENT_FREE):
        with pytest.raises(TokenRefused):
            tokens.member_for(store, f"inbox_pat_guess{i}", client="198.51.100.9", now=T0)
    with pytest.raises(Throttled, match="wait 4 seconds") as info:  # even with a good token
        tokens.member_for(store, raw, client="198.51.100.9", now=T0 + timedelta(seconds=1))
    assert info.value.wait == 4
    assert tokens.member_for(store, raw, client="203.0.113.7", now=T0).email == ALEX  # another client
    later = T0 + timedelta(seconds=5)
    assert tokens.member_for(store, raw, client="198.51.100.9", now=later).email == ALEX
    rows = store._rows("SELECT email, client, outcome FROM sign_in_attempts")  # a throttled one: not logged
    assert rows == [(tokens.LOGGED_AS, "198.51.100.9", "failure")] * sign_in.CLIENT_FREE


def test_failed_tokens_and_failed_sign_ins_of_a_client_add_up(store, team):
    for i in range(sign_in.CLIENT_FREE - 1):
        sign_in.attempt(store, f"guess{i}@example.com", "wrong password", client="198.51.100.9", now=T0)
    with pytest.raises(TokenRefused):
        tokens.member_for(store, "inbox_pat_guess", client="198.51.100.9", now=T0)
    refused = sign_in.attempt(store, BEA, "long-enough-3", client="198.51.100.9", now=T0)
    assert refused.outcome == "throttled"


def test_refused_tokens_never_lock_the_members_password_sign_in(store, team):
    _, raw = tokens.create_token(store, AGENT, ALEX, name="stale", expires_days=1, now=T0)
    later = T0 + timedelta(days=2)
    for i in range(sign_in.LOCK_AFTER + 1):  # a scheduled job with an expired token, from many workers
        with pytest.raises(TokenRefused):
            tokens.member_for(store, raw, client=f"10.0.0.{i}", now=later)
    assert sign_in.attempt(store, ALEX, "long-enough-2", client="203.0.113.7", now=later).user is not None
    assert tokens.refused_since(store, ADMIN, T0) == sign_in.LOCK_AFTER + 1
    with pytest.raises(PermissionDenied):
        tokens.refused_since(store, AGENT, T0)


def test_check_validates_the_table_and_finds_tokens_without_a_member(store, team):
    from inbox.check import run_check

    tokens.create_token(store, AGENT, ALEX, name="script", now=T0)
    assert run_check(store).ok
    with store.tx() as cur:  # damage no use case can do: the member row gone
        cur.execute("DELETE FROM users WHERE email = ?", [ALEX])
    found = [p for p in run_check(store).problems if p.table == "api_tokens"]
    assert [(p.kind, p.examples) for p in found] == [("api_tokens_without_member", ("1",))]
