"""``python -m inbox …``: the root command group, with every feature's commands added to it."""

from __future__ import annotations

import click

from . import (
    contact,
    contacts,
    crm,
    database,
    deletion,
    export,
    imports,
    layout,
    merge,
    plan,
    retention,
    tokens,
    users,
)
from .common import run


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Inbox contacts: manage the workspace database from the command line."""


for command in (
    database.init,
    database.demo,
    database.check,
    database.compact,
    users.users,
    tokens.tokens,
    plan.plan,
    layout.layout,
    contacts.receive,
    contacts.search,
    crm.crm,
    deletion.delete,
    deletion.erase,
    deletion.audit,
    imports.import_command,
    imports.undo_import_command,
    retention.retention,
    contact.contact,
    merge.merge,
    merge.duplicates,
    export.export_contacts,
):
    cli.add_command(command)
contact.contact.add_command(export.export_subject)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one clear line on stderr and exit 2 for any usage or input error."""
    run(cli, argv)


__all__ = ["cli", "main"]
