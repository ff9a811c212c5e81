"""CLI: tokens create (prints only the token), list (table and --json), revoke; one line on stderr and exit 2
for every refusal."""

import json

import pytest

from inbox import open_store, tokens, users
from inbox.models import SYSTEM

from ..support.cli import invoke as run
from ..support.cli import one_line

ADA, ALEX, BEA = "ada@example.com", "alex@example.com", "bea@example.com"


@pytest.fixture
def db(store, db_target):
    users.add_user(store, SYSTEM, ADA, role="admin", password="long-enough-1")
    users.add_user(store, SYSTEM, ALEX, role="agent", password="long-enough-2")
    users.add_user(store, SYSTEM, BEA, role="agent", password="long-enough-3")
    store.close()
    return db_target


def member_of(db: str, raw: str) -> str:
    with open_store(db) as store:
        return tokens.member_for(store, raw).email


def test_create_prints_only_the_token_which_acts_for_its_member(db):
    ran = run("tokens", "create", ALEX, "--name", "nightly export", "--db", db)
    assert ran.code == 0 and ran.stderr == ""
    raw = ran.stdout.strip()
    assert ran.stdout == raw + "\n" and raw.startswith(tokens.TOKEN_PREFIX) and " " not in raw
    assert member_of(db, raw) == ALEX
    listed = json.loads(run("tokens", "list", ALEX, "--json", "--db", db).stdout)
    assert [(t["name"], t["hint"], t["status"], t["created_by"]) for t in listed] == [
        ("nightly export", raw[-4:], "active", SYSTEM.email)
    ]
    assert listed[0]["expires_at"] is not None and raw not in json.dumps(listed)


def test_list_table_and_revoke(db):
    run("tokens", "create", ALEX, "--name", "a", "--expires-days", "7", "--db", db)
    raw = run("tokens", "create", BEA, "--name", "b", "--no-expiry", "--db", db).stdout.strip()
    rows = [line.split("\t") for line in run("tokens", "list", "--db", db).stdout.splitlines()]
    assert [(r[0], r[1], r[2], r[3], r[4], r[6], r[7]) for r in rows] == [
        ("2", BEA, "b", "..." + raw[-4:], "active", "never", "never used"),
        ("1", ALEX, "a", rows[1][3], "active", rows[1][6], "never used"),
    ]
    assert rows[1][6] != "never"
    revoked = run("tokens", "revoke", "2", "--db", db)
    assert revoked.code == 0 and revoked.stdout.strip() == f'revoked token 2 "b" of {BEA}'
    assert run("tokens", "list", BEA, "--db", db).stdout.split("\t")[4] == "revoked"
    with open_store(db) as store, pytest.raises(tokens.TokenRefused):
        tokens.member_for(store, raw)


def test_an_agent_acts_on_their_own_tokens_only(db):
    assert run("tokens", "create", ALEX, "--name", "mine", "--actor", ALEX, "--db", db).code == 0
    line = one_line(run("tokens", "create", BEA, "--name", "x", "--actor", ALEX, "--db", db))
    assert line == f"inbox: only admins can create another member's token ({ALEX} is not an admin)"
    run("tokens", "create", BEA, "--name", "bea's", "--actor", ADA, "--db", db)
    assert "only admins can revoke" in one_line(run("tokens", "revoke", "2", "--actor", ALEX, "--db", db))
    assert "only admins can see" in one_line(run("tokens", "list", BEA, "--actor", ALEX, "--db", db))
    mine = run("tokens", "list", "--actor", ALEX, "--json", "--db", db).stdout
    assert [t["name"] for t in json.loads(mine)] == ["mine"]  # an agent's list: their own only
    assert run("tokens", "revoke", "2", "--actor", ADA, "--db", db).code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (("create", ALEX, "--name", ""), "inbox: give the token a name"),
        (("create", ALEX, "--name", "x", "--expires-days", "0"), "between 1 and 365 days"),
        (("create", ALEX, "--name", "x", "--expires-days", "7", "--no-expiry"), "either --expires-days"),
        (("create", "nobody@example.com", "--name", "x"), "no user with email nobody@example.com"),
        (("create", ALEX, "--name", "x", "--actor", "ghost@example.com"), "no active user with email"),
        (("revoke", "99"), "inbox: no API token 99"),
        (("revoke", "0"), "0 is not in the range"),
        (("create", ALEX), "Missing option '--name'"),
    ],
)
def test_refusals_are_one_line_and_exit_2(db, args, message):
    ran = run("tokens", *args, "--db", db)
    assert message in one_line(ran) and ran.stdout == ""


def test_a_taken_name_and_a_disabled_member_are_refused(db):
    run("tokens", "create", ALEX, "--name", "job", "--db", db)
    assert 'an active token named "job" already exists for' in one_line(
        run("tokens", "create", ALEX, "--name", "job", "--db", db)
    )
    run("users", "disable", ALEX, "--db", db)
    assert "is disabled" in one_line(run("tokens", "create", ALEX, "--name", "job2", "--db", db))
