"""``python -m inbox`` as a real process (every other CLI test runs in-process: tests/support/cli.py): the
entry point, exit codes, one line on stderr without a traceback, real stdin and $INBOX_DB, another's lock."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "inbox", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def one_line_error(result, code: int = 2):
    """The single `inbox: …` line on stderr of a command that failed with ``code`` (no traceback)."""
    assert result.returncode == code, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("inbox: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_help_lists_the_commands():
    done = run("--help")
    assert done.returncode == 0 and done.stderr == ""
    for command in ("init", "demo", "users", "plan", "check"):
        assert command in done.stdout


def test_a_usage_error_is_one_line_and_exit_2(tmp_path):
    line = one_line_error(run("plan", "set", "gold", "--db", str(tmp_path / "w.duckdb")))
    assert "invalid" in line.lower() and "(try: python -m inbox plan set --help)" in line
    assert not (tmp_path / "w.duckdb").exists()


def test_an_unusable_database_is_one_line_without_a_traceback(tmp_path):
    line = one_line_error(run("users", "list", env={"INBOX_DB": str(tmp_path / "nope" / "x.duckdb")}))
    assert "does not exist" in line
    (tmp_path / "junk.duckdb").write_text("junk" * 100)
    junk = one_line_error(run("plan", "show", "--db", str(tmp_path / "junk.duckdb")))
    assert "not a DuckDB database" in junk


def test_the_password_from_stdin_and_the_database_from_inbox_db(tmp_path):
    db = str(tmp_path / "w.duckdb")
    added = run(
        "users",
        "add",
        "Boss@Example.com",
        "--role",
        "admin",
        "--password-stdin",
        env={"INBOX_DB": db},
        stdin="a-good-password\n",
    )
    assert (added.returncode, added.stdout) == (0, "added boss@example.com (admin)\n")
    listed = run("users", "list", "--db", db)
    assert (listed.returncode, listed.stdout) == (0, "boss@example.com\tadmin\tactive\tboss\n")


def test_locked_database_says_so(tmp_path):
    db = tmp_path / "w.duckdb"
    run("init", "--db", str(db))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time, duckdb
        con = duckdb.connect({str(db)!r}); print("locked", flush=True); time.sleep(60)"""),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        line = one_line_error(run("users", "list", "--db", str(db)))
        assert "in use by another process" in line and "app" in line
    finally:
        holder.kill()
        holder.wait()
