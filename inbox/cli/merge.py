"""CLI commands of merging: ``merge SURVIVOR OTHER… --actor EMAIL`` and ``duplicates``."""

from __future__ import annotations

import click

from .. import open_store
from ..errors import NotFound
from ..users import normalise_email
from .common import actor_option, db_option, say_json


@click.command()
@click.argument("survivor_id", type=click.IntRange(min=1))
@click.argument("other_ids", nargs=-1, required=True, type=click.IntRange(min=1))
@actor_option("The member merging (an admin or an agent; recorded in the merge log).", required=True)
@click.option(
    "--choose",
    "choices",
    multiple=True,
    metavar="KEY=ID",
    help="Keep attribute KEY's value of contact ID (default: the most recently updated non-empty value).",
)
@db_option
def merge(
    survivor_id: int, other_ids: tuple[int, ...], actor: str, choices: tuple[str, ...], db: str | None
) -> None:
    """Merge contacts into SURVIVOR_ID in one transaction; prints the merge-log entry as JSON."""
    from ..merge import merge_contacts
    from ..users import current_user

    chosen: dict[str, int] = {}
    for item in choices:
        key, _, cid = item.partition("=")
        if not key.strip() or not cid.strip().isdigit():
            raise click.UsageError(f"--choose takes KEY=ID (e.g. email=42), not '{item}'")
        chosen[key.strip()] = int(cid)
    with open_store(db) as store:
        user = current_user(store, actor)
        if user is None:
            raise NotFound(f"no active user with email {normalise_email(actor)}")
        entry = merge_contacts(store, user.actor, survivor_id, list(other_ids), choices=chosen)
    say_json(entry)


@click.command()
@click.option(
    "--match",
    "kinds",
    multiple=True,
    type=click.Choice(["email", "phone", "name_account", "name"]),
    help="What duplicates share (repeatable; default: email, phone and name_account — name alone is weaker).",
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@db_option
def duplicates(kinds: tuple[str, ...], limit: int, db: str | None) -> None:
    """Groups of likely duplicate contacts, biggest first: one JSON line per group, then the total."""
    from ..merge import duplicates as find
    from ..models import SYSTEM
    from ..store.duplicates import STRONG

    with open_store(db) as store:
        groups, total = find(store, SYSTEM, tuple(kinds) or STRONG, limit=limit)
    for group in groups:
        say_json(group)
    say_json({"groups": total, "shown": len(groups)})
