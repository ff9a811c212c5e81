"""``python -m inbox contact …``: commands on one contact (`contact history ID`; features add theirs in
main.py, as `contact export ID`)."""

from __future__ import annotations

import click

from .. import open_store
from .common import db_option, say_json


@click.group()
def contact() -> None:
    """Commands on one contact: `contact history ID`, `contact export ID` (all held about it, as a ZIP)."""


@contact.command("history")
@click.argument("contact_id", type=int)
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@db_option
def contact_history(contact_id: int, limit: int, db: str | None) -> None:
    """The contact's value history, newest first: one JSON line per change."""
    from ..contacts import get_contact
    from ..history import changes

    with open_store(db) as store:
        get_contact(store, contact_id)  # NotFound: one line, exit 2
        for change in changes(store, contact_id, limit=limit):
            say_json(change.as_json())
