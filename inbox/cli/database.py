"""CLI commands on the database file as a whole: init, demo, check, compact."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .. import db_target, open_store
from ..errors import InvalidInput
from ..models import SYSTEM
from .common import db_option, say_json


@click.command()
@db_option
def init(db: str | None) -> None:
    """Create (or migrate) an empty database. It has no account until `users add`."""
    from ..key_adoption import last_adoption
    from ..keys import require_keys

    with open_store(db) as store:
        require_keys(store)  # a missing or wrong key file of an existing database: one line, exit 2
        click.echo(f"database {store.path} at schema version {store.schema_version()}")
        done = last_adoption(store.path)
        for line in done.lines() if done else ():
            click.echo(line, err=True)


@click.command()
@click.option("--contacts", type=click.IntRange(min=1), required=True, help="How many contacts to make.")
@click.option("--seed", type=int, default=42, show_default=True)
@db_option
def demo(contacts: int, seed: int, db: str | None) -> None:
    """Build synthetic demo data (plus the demo admin and agent) into an empty database."""
    from ..demo import add_demo_users, build_demo

    with open_store(db) as store:
        started = time.perf_counter()
        counts = build_demo(
            store, contacts=contacts, seed=seed, progress=lambda line: click.echo(line, err=True)
        )
        add_demo_users(store)
        say_json({**counts, "seconds": round(time.perf_counter() - started, 1)})


@click.command()
@click.option("--chunk-size", type=click.IntRange(min=1), default=250_000, show_default=True)
@db_option
def check(chunk_size: int, db: str | None) -> int:
    """Validate every table (pandera) and cross-table integrity; exit 1 when not clean."""
    from ..check import run_check

    with open_store(db) as store:
        report = run_check(store, chunk_size=chunk_size, progress=lambda line: click.echo(line, err=True))
    for line in report.lines():
        click.echo(line)
    click.echo(f"checked in {report.seconds:.1f} s", err=True)
    return 0 if report.ok else 1


@click.command()
@db_option
def compact(db: str | None) -> None:
    """Purge deleted data from disk: rewrite the database into a fresh file, verify it and swap it in.
    Prints {"bytes_before", "bytes_after", "seconds", "purged_deletions"} as JSON. Stop the app first."""
    from ..compaction import run

    target = db_target(db)
    if isinstance(target, Path) and not target.is_file():
        raise InvalidInput(f"no database at {target}: nothing to compact")
    with open_store(target) as store:
        result = run(store, SYSTEM)
    say_json(result)
