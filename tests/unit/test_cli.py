"""CLI: init, users, plan; every bad input gives one line on stderr and exit 2."""

import pytest

from ..support.cli import invoke as run
from ..support.cli import one_line


def test_init_users_and_plan(tmp_path):
    db = str(tmp_path / "w.duckdb")
    assert "schema version" in run("init", "--db", db).stdout
    assert run("users", "list", "--db", db).stdout == ""  # no account until one is added
    added = run(
        "users",
        "add",
        "Boss@Example.com",
        "--role",
        "admin",
        "--name",
        "Boss",
        "--password-stdin",
        "--db",
        db,
        stdin="a-good-password\n",
    )
    assert added.returncode == 0 and "added boss@example.com (admin)" in added.stdout
    run(
        "users",
        "add",
        "ag@example.com",
        "--role",
        "agent",
        "--password-stdin",
        "--db",
        db,
        stdin="another-pass\n",
    )
    assert run("users", "disable", "ag@example.com", "--db", db).returncode == 0
    listed = run("users", "list", "--db", db).stdout.splitlines()
    assert listed == ["ag@example.com\tagent\tdisabled\tag", "boss@example.com\tadmin\tactive\tBoss"]
    switched = run("plan", "set", "enterprise", "--db", db)
    assert switched.stdout.strip() == "plan enterprise"
    assert "- No attribute is managed by the CRM yet: choose them on the CRM page." in switched.stderr
    assert run("plan", "show", env={"INBOX_DB": db}).stdout.strip() == "enterprise"  # INBOX_DB honoured


@pytest.mark.parametrize(
    "args",
    [
        ("frobnicate",),
        ("users", "add"),
        ("users", "add", "x@example.com", "--role", "owner"),
        ("plan", "set", "gold"),
        ("init", "--bogus"),
        ("demo", "--contacts", "0"),
    ],
)
def test_unknown_or_bad_arguments(tmp_path, args):
    line = one_line(run(*args, "--db", str(tmp_path / "w.duckdb")))
    assert "--help" in line or "invalid" in line.lower() or "no such" in line.lower()


def test_bad_values_are_one_line(tmp_path):
    db = str(tmp_path / "w.duckdb")
    assert "at least 8" in one_line(
        run(
            "users",
            "add",
            "x@example.com",
            "--role",
            "agent",
            "--password-stdin",
            "--db",
            db,
            stdin="short\n",
        )
    )
    assert "not a valid email" in one_line(
        run("users", "add", "nope", "--role", "agent", "--password-stdin", "--db", db, stdin="long-enough\n")
    )
    assert "no user" in one_line(run("users", "disable", "ghost@example.com", "--db", db))


def test_bad_inbox_db_path(tmp_path):
    line = one_line(run("users", "list", env={"INBOX_DB": str(tmp_path / "nope" / "x.duckdb")}))
    assert "does not exist" in line
    (tmp_path / "junk.duckdb").write_text("junk" * 100)
    assert "not a DuckDB database" in one_line(run("plan", "show", "--db", str(tmp_path / "junk.duckdb")))
