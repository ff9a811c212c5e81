"""CLI: retention run [--dry-run] (for cron), retention show, contact history — output and exit codes."""

import datetime
import json

from inbox import contacts, inbound, retention
from inbox.models import SYSTEM, Actor
from inbox.store import Store

from ..support.cli import invoke as run
from ..support.cli import one_line
from ..support.members import seed_members

ADMIN = Actor("admin@example.com", "admin")


def workspace(tmp_path) -> tuple[str, int]:
    db = str(tmp_path / "w.duckdb")
    with Store(db) as store:
        seed_members(store, ADMIN, Actor("agent@example.com", "agent"))
        cid = inbound.receive(store, "email", "old@example.org", "hello")["contact_id"]
        c = contacts.get_contact(store, cid)
        contacts.update_values(store, SYSTEM, cid, c.version, {"job_title": "Chef"})
        with store.tx() as cur:
            cur.execute(
                "UPDATE conversations SET status = 'closed', last_message_at = ?",
                [datetime.datetime(2020, 1, 1)],
            )
    return db, cid


def test_without_rules_a_run_says_so_and_succeeds(tmp_path):
    db, _ = workspace(tmp_path)
    ran = run("retention", "run", "--db", db)
    assert ran.code == 0 and json.loads(ran.stdout)["rules"] == []
    assert (
        ran.stderr.strip()
        == "inbox: no retention rule is set; nothing to do (admins set them on Data retention)"
    )


def test_dry_run_then_run_then_show_and_history(tmp_path):
    db, cid = workspace(tmp_path)
    with Store(db) as store:
        retention.save_rule(store, ADMIN, "job_title", "closed", 30)
    dry = run("retention", "run", "--dry-run", "--db", db)
    assert dry.code == 0 and json.loads(dry.stdout)["rules"][0]["due"] == 1
    assert dry.stderr.strip() == (
        "- Clear Job title values 30 days after the contact's last conversation was closed:"
        " 1 would be cleared now"
    )
    done = run("retention", "run", "--actor", "admin@example.com", "--db", db)
    out = json.loads(done.stdout)
    assert done.code == 0 and (out["contacts"], out["cleared_values"], out["dry_run"]) == (1, 1, False)
    assert out["rules"][0]["actor"] == "admin@example.com" and out["rules"][0]["trigger"] == "cli"
    assert (
        done.stderr.strip().endswith(": cleared 1 values of 1 contacts (run #1)")
        or "cleared 1 value" in done.stderr
    )
    shown = json.loads(run("retention", "show", "--db", db).stdout)
    assert shown["schedule"] == "daily at 02:00 UTC" and [r["id"] for r in shown["runs"]] == [1]
    lines = [json.loads(line) for line in run("contact", "history", cid, "--db", db).stdout.splitlines()]
    assert [(c["who"], c["attribute"], c["old"], c["new"]) for c in lines] == [
        ("Automatic clearing", "Job title", "(cleared)", "(empty)"),
        ("system (cli)", "Job title", "(cleared)", "(cleared)"),
    ]


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    db, _ = workspace(tmp_path)
    assert "not an admin" in one_line(run("retention", "run", "--actor", "agent@example.com", "--db", db))
    assert "no contact with id 999" in one_line(run("contact", "history", "999", "--db", db))
