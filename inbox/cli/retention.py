"""CLI commands of data retention: ``retention run [--dry-run]`` (for cron) and ``retention show``."""

from __future__ import annotations

import click

from .. import open_store
from ..models import SYSTEM
from ..plurals import counted
from .common import actor_option, db_option, say_json

TOTALS = ("contacts", "cleared_values", "conversations", "messages", "attachments")


@click.group()
def retention() -> None:
    """Data retention: clear contact values and closed conversations after the admins' rules."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what each rule would clear now; change nothing.")
@actor_option("The admin running it (recorded in the log; default: the operator).")
@db_option
def retention_run(dry_run: bool, actor: str | None, db: str | None) -> None:
    """Apply every retention rule now; one JSON object on stdout, one line per rule on stderr."""
    from .. import retention as uc
    from ..users import admin_actor

    with open_store(db) as store:
        who = admin_actor(store, actor) if actor else SYSTEM
        done = uc.run(store, who, dry_run=dry_run, trigger="cli")
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
    out: dict[str, object] = {"dry_run": dry_run, "rules": done}
    if not dry_run:
        out.update({k: sum(int(r[k]) for r in done) for k in TOTALS})
    say_json(out)


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
def retention_show(limit: int, db: str | None) -> None:
    """Print the rules, the schedule, the next run and the latest log entries as JSON."""
    from .. import retention as uc

    with open_store(db) as store:
        schedule = uc.read_schedule(store)
        say_json(
            {
                "rules": [{**r.as_row, "rule": r.describe()} for r in uc.rules(store)],
                "schedule": schedule.describe(),
                "next_run": uc.next_scheduled(store),
                "last_run": uc.last_run(store),
                "runs": uc.runs(store, limit),
            }
        )
