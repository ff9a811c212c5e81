"""Members and sign-in guards: the password length boundary, a blank display name, the dummy-hash timing
protection (an unknown e-mail costs one argon2 verify, like a wrong password), disabled members, roles."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from inbox import sign_in, users
from inbox.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from inbox.models import SYSTEM, Actor

PASSWORD = "correct-horse"


@pytest.fixture
def team(store):
    users.add_user(store, SYSTEM, "boss@example.com", role="admin", password=PASSWORD, display_name="Boss")
    users.add_user(store, SYSTEM, "agent@example.com", role="agent", password=PASSWORD, display_name="  Al  ")
    return store


@pytest.fixture
def verifies(monkeypatch):
    """Every argon2 verification made, as ``(hash, password)``; the real verification still runs."""
    calls = []
    real = PasswordHasher.verify

    def counting(self, hash, password):
        calls.append((hash, password))
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return calls


def test_the_password_length_boundary_is_eight(store):
    with pytest.raises(InvalidInput, match="at least 8"):
        users.add_user(store, SYSTEM, "seven@example.com", role="agent", password="x" * 7)
    assert store.accounts.user_by_email("seven@example.com") is None
    user = users.add_user(store, SYSTEM, "eight@example.com", role="agent", password="y" * 8)
    assert user.email == "eight@example.com"
    assert sign_in.authenticate(store, "eight@example.com", "y" * 8).email == "eight@example.com"
    with pytest.raises(InvalidInput):
        users.add_user(store, SYSTEM, "none@example.com", role="agent", password=None)


@pytest.mark.parametrize("name", ["   ", "\t", " \n "])
def test_a_blank_display_name_is_refused(store, name):
    with pytest.raises(InvalidInput, match="display name"):
        users.add_user(store, SYSTEM, "blank@example.com", role="agent", password=PASSWORD, display_name=name)
    assert store.accounts.user_by_email("blank@example.com") is None


def test_names_are_trimmed_and_default_to_the_address(team, store):
    assert store.accounts.user_by_email("agent@example.com").display_name == "Al"
    user = users.add_user(store, SYSTEM, " Zed@Example.COM ", role="agent", password=PASSWORD)
    assert (user.email, user.display_name) == ("zed@example.com", "zed")


def test_an_unknown_email_still_verifies_one_hash(team, verifies):
    assert sign_in.authenticate(team, "nobody@example.com", PASSWORD) is None
    assert len(verifies) == 1 and verifies[0][1] == PASSWORD
    assert verifies[0][0].startswith("$argon2id$")  # a real hash of the same cost, not a shortcut
    assert verifies[0][0] != team.accounts.password_hash("boss@example.com")


def test_an_empty_email_still_verifies_one_hash(team, verifies):
    assert sign_in.authenticate(team, "", PASSWORD) is None
    assert sign_in.authenticate(team, None, None) is None
    assert len(verifies) == 2


def test_a_wrong_password_verifies_the_members_hash_once(team, verifies):
    assert sign_in.authenticate(team, "boss@example.com", "wrong-horse") is None
    assert verifies == [(team.accounts.password_hash("boss@example.com"), "wrong-horse")]


def test_the_dummy_hashs_own_password_signs_nobody_in(team, verifies):
    # the dummy hash verifies its own password: an unknown e-mail must still give no user
    for guess in ("not-a-real-password", PASSWORD, ""):
        assert sign_in.authenticate(team, "ghost@example.com", guess) is None
    assert len(verifies) == 3


def test_a_right_password_signs_in_and_records_it(team, verifies):
    assert team.accounts.user_by_email("boss@example.com").last_sign_in_at is None
    user = sign_in.authenticate(team, "  BOSS@example.com", PASSWORD)
    assert (user.email, user.role, user.active) == ("boss@example.com", "admin", True)
    assert len(verifies) == 1
    assert team.accounts.user_by_email("boss@example.com").last_sign_in_at is not None


def test_a_disabled_member_is_refused_and_not_recorded(team):
    users.set_active(team, SYSTEM, "agent@example.com", False)
    assert sign_in.authenticate(team, "agent@example.com", PASSWORD) is None
    assert team.accounts.user_by_email("agent@example.com").last_sign_in_at is None
    assert users.current_user(team, "agent@example.com") is None
    users.set_active(team, SYSTEM, "agent@example.com", True)
    assert users.current_user(team, " Agent@example.com").email == "agent@example.com"
    assert sign_in.authenticate(team, "agent@example.com", PASSWORD) is not None


def test_the_last_active_admin_stays(team):
    with pytest.raises(Conflict):
        users.set_active(team, SYSTEM, "boss@example.com", False)
    assert team.accounts.user_by_email("boss@example.com").active
    users.add_user(team, SYSTEM, "second@example.com", role="admin", password=PASSWORD)
    assert users.set_active(team, SYSTEM, "boss@example.com", False).active is False
    with pytest.raises(Conflict):  # now the second one is the last
        users.set_active(team, SYSTEM, "second@example.com", False)
    assert users.set_active(team, SYSTEM, "agent@example.com", False).active is False
    with pytest.raises(NotFound):
        users.set_active(team, SYSTEM, "ghost@example.com", False)


def test_admin_actor_needs_an_active_admin(team):
    assert users.admin_actor(team, "Boss@Example.com").email == "boss@example.com"
    with pytest.raises(PermissionDenied) as refused:
        users.admin_actor(team, "agent@example.com")
    assert str(refused.value) == "only admins can do this (agent@example.com is not an admin)"
    with pytest.raises(NotFound):
        users.admin_actor(team, "ghost@example.com")


@pytest.mark.parametrize("actor", [Actor("agent@example.com", "agent"), None, "boss@example.com"])
def test_only_admins_manage_members(team, actor):
    add = lambda: users.add_user(team, actor, "x@example.com", role="agent", password=PASSWORD)  # noqa: E731
    for call, words in (
        (add, "add users"),
        (lambda: users.list_users(team, actor), "list users"),
        (lambda: users.set_active(team, actor, "agent@example.com", False), "disable or enable users"),
    ):
        who = "agent@example.com" if isinstance(actor, Actor) else "unknown user"
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert str(refused.value) == f"only admins can {words} ({who} is not an admin)"
    assert team.accounts.user_by_email("x@example.com") is None
    assert team.accounts.user_by_email("agent@example.com").active


def test_bad_new_members_are_refused(team):
    for email, role in (("not-an-email", "agent"), ("ok@example.com", "owner"), ("ok@example.com", "Admin")):
        with pytest.raises(InvalidInput):
            users.add_user(team, SYSTEM, email, role=role, password=PASSWORD)
    with pytest.raises(Conflict):
        users.add_user(team, SYSTEM, "BOSS@example.com", role="agent", password=PASSWORD)
    assert sorted(u.email for u in users.list_users(team, SYSTEM)) == [
        "agent@example.com",
        "boss@example.com",
    ]


def test_messages_name_what_is_wrong(team):
    agent, add = Actor("agent@example.com", "agent"), users.add_user
    cases = [
        (
            lambda: add(team, SYSTEM, "not-an-email", role="agent", password=PASSWORD),
            InvalidInput,
            "'not-an-email' is not a valid email address",
        ),
        (
            lambda: add(team, SYSTEM, "ok@example.com", role="owner", password=PASSWORD),
            InvalidInput,
            "role must be one of admin, agent, not 'owner'",
        ),
        (
            lambda: add(team, SYSTEM, "ok@example.com", role="agent", password="short"),
            InvalidInput,
            "the password must have at least 8 characters",
        ),
        (
            lambda: add(team, SYSTEM, "ok@example.com", role="agent", password=PASSWORD, display_name=" "),
            InvalidInput,
            "the display name must not be empty",
        ),
        (
            lambda: add(team, SYSTEM, "Boss@example.com", role="agent", password=PASSWORD),
            Conflict,
            "a user with email boss@example.com already exists",
        ),
        (
            lambda: add(team, agent, "x@example.com", role="agent", password=PASSWORD),
            PermissionDenied,
            "only admins can add users (agent@example.com is not an admin)",
        ),
        (
            lambda: users.set_active(team, SYSTEM, " Ghost@example.com", False),
            NotFound,
            "no user with email ghost@example.com",
        ),
        (
            lambda: users.set_active(team, SYSTEM, "boss@example.com", False),
            Conflict,
            "cannot disable the last active admin: add another admin first",
        ),
        (
            lambda: users.admin_actor(team, "GHOST@example.com"),
            NotFound,
            "no active user with email ghost@example.com",
        ),
    ]
    for call, error, message in cases:
        with pytest.raises(error) as raised:
            call()
        assert str(raised.value) == message


def test_disabling_an_already_disabled_admin_is_no_conflict(team):
    users.add_user(team, SYSTEM, "second@example.com", role="admin", password=PASSWORD)
    users.set_active(team, SYSTEM, "second@example.com", False)
    # boss is the last active admin: disabling the already disabled one again is no conflict
    assert users.set_active(team, SYSTEM, "second@example.com", False).active is False


def test_a_sign_in_keeps_a_current_hash_and_upgrades_an_old_one(team, monkeypatch):
    monkeypatch.setattr(users, "_hasher", users.product_hasher())  # tests hash cheaply (tests/conftest.py)
    team.accounts.set_user_password_hash("boss@example.com", users._hasher.hash(PASSWORD))
    current = team.accounts.password_hash("boss@example.com")
    sign_in.authenticate(team, "boss@example.com", PASSWORD)
    assert team.accounts.password_hash("boss@example.com") == current
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    team.accounts.set_user_password_hash("boss@example.com", weak)
    assert sign_in.authenticate(team, "boss@example.com", PASSWORD).email == "boss@example.com"
    upgraded = team.accounts.password_hash("boss@example.com")
    assert upgraded != weak and not PasswordHasher().check_needs_rehash(upgraded)
    assert PasswordHasher().verify(upgraded, PASSWORD)


def test_normalised_addresses():
    assert users.normalise_email("  Ada@Example.COM ") == "ada@example.com"
    assert users.normalise_email(" Not An Address ") == "not an address"
    assert users.normalise_email(None) == ""
    # read by email-validator, not merely lower-cased: Unicode composed (NFC), punycode and full-width domains
    assert users.normalise_email("Jo\u0308rg@Example.ORG") == "j\u00f6rg@example.org"
    assert users.normalise_email("A@xn--bcher-kva.de") == "a@b\u00fccher.de"
    assert users.normalise_email("x@EXAMPLE.\uff23\uff2f\uff2d") == "x@example.com"
