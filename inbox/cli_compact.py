"""CLI command ``compact``: rewrite the database into a fresh file so deleted data leaves the disk."""

from __future__ import annotations

import click

from . import db_path, open_store
from .cli import _say_json, cli, db_option
from .errors import InvalidInput
from .models import SYSTEM


@cli.command()
@db_option
def compact(db):
    """Purge deleted data from disk: rewrite the database into a fresh file, verify it and swap it in.
    Prints {"bytes_before", "bytes_after", "seconds", "purged_deletions"} as JSON. Stop the app first."""
    from .compaction import run

    path = db_path(db)
    if not path.is_file():
        raise InvalidInput(f"no database at {path}: nothing to compact")
    with open_store(path) as store:
        result = run(store, SYSTEM)
    _say_json(result)
