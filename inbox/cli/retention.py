"""CLI commands of data retention: ``retention run [--dry-run]`` (for cron) and ``retention show``; both
also against the running app (``--url``)."""

from __future__ import annotations

from typing import Any

import click

from .. import open_store
from ..models import SYSTEM
from ..plurals import counted
from .common import actor_option, db_option, say_json
from .remote import connect, remote_option


@click.group()
def retention() -> None:
    """Data retention: clear contact values and closed conversations after the admins' rules."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what each rule would clear now; change nothing.")
@actor_option("The admin running it (recorded in the log; default: the operator; not with --url).")
@db_option
@remote_option
def retention_run(dry_run: bool, actor: str | None, db: str | None) -> None:
    """Apply every retention rule now; one JSON object on stdout, one line per rule on stderr."""
    from .. import retention as uc
    from ..users import admin_actor

    if api := connect(db, actor):
        out = api.json("POST", "/retention/runs", json={"dry_run": dry_run})
    else:
        with open_store(db) as store:
            who = admin_actor(store, actor) if actor else SYSTEM
            out = uc.summary(uc.run(store, who, dry_run=dry_run, trigger="cli"), dry_run)
    say_rules(out["rules"], dry_run)
    say_json(out)


def say_rules(done: list[dict[str, Any]], dry_run: bool) -> None:
    """One line per rule on stderr: what it would clear (dry run) or cleared."""
    if not done:
        click.echo(
            "inbox: no retention rule is set; nothing to do (admins set them on Data retention)", err=True
        )
    for row in done:
        if dry_run:
            click.echo(f"- {row['rule']}: {row['due']:,} would be cleared now", err=True)
        else:
            what = (
                f"{counted(row['conversations'], 'conversation')} of {counted(row['contacts'], 'contact')}"
                if row["target"] == "#conversations"
                else f"{counted(row['cleared_values'], 'value')} of {counted(row['contacts'], 'contact')}"
            )
            click.echo(f"- {row['rule']}: cleared {what} (run #{row['id']})", err=True)


@retention.command("show")
@click.option(
    "--runs",
    "limit",
    type=click.IntRange(0, 1000),
    default=10,
    show_default=True,
    help="How many log entries to print.",
)
@db_option
@remote_option
def retention_show(limit: int, db: str | None) -> None:
    """Print the rules, the schedule, the next run and the latest log entries as JSON."""
    from .. import retention as uc

    if api := connect(db):
        return say_json(api.json("GET", "/retention", params={"runs": limit}))
    with open_store(db) as store:
        say_json(uc.overview(store, SYSTEM, limit))
