"""CLI commands of the bulk CSV import: import, undo-import."""

from __future__ import annotations

import json

import click

from .. import open_store
from ..errors import InvalidInput
from ..models import SYSTEM
from ..outputs import check_writable
from .common import actor_option, db_option, say_import
from .remote import connect, remote_option

SHOWN = 20


def _progress(fraction: float, message: str) -> None:
    click.echo(f"[{fraction:4.0%}] {message}", err=True)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@actor_option("The admin running the import (recorded on the batch).")
@click.option(
    "--dry-run", is_flag=True, help="Validate and count new/updated/unchanged/rejected rows; write nothing."
)
@click.option(
    "--mapping",
    "mapping_file",
    metavar="FILE.json",
    default=None,
    help='Column header → attribute key (or null to ignore), e.g. {"Courriel": "email"}; or '
    '{"mapping": {…}, "fallbacks": {"phone": ["Mobile Phone"]}}. '
    'Overrides --template column by column.',
)
@click.option(
    "--template",
    "template",
    metavar="NAME",
    default=None,
    help="A built-in template for a vendor's export (any case): Google Contacts, Outlook, HubSpot, "
    "Salesforce, Zendesk users, Mailchimp audience, Intercom users, Freshdesk contacts, "
    "Chatwoot contacts.",
)
@click.option(
    "--on-conflict",
    type=click.Choice(["update", "skip", "fill-empty"]),
    default="update",
    show_default=True,
    help="For rows matching a contact: overwrite with non-empty cells, "
    "leave the contact, or fill empty values.",
)
@click.option(
    "--match",
    "match_order",
    default="external_id,email,phone",
    show_default=True,
    help="Keys that find an existing contact, in order (comma-separated).",
)
@click.option(
    "--phone-platform",
    default="sms",
    show_default=True,
    help="Platform of new contacts known only by a phone number (sms or whatsapp).",
)
@click.option(
    "--invalid-values",
    type=click.Choice(["skip-value", "reject-row"]),
    default="skip-value",
    show_default=True,
    help="An invalid optional value: leave the cell empty and import the row "
    "(listed in the rejects file), or reject the whole row. Invalid e-mails, phones and external "
    "ids always reject it.",
)
@click.option(
    "--region",
    default=None,
    metavar="CC",
    help="Region of phone numbers written without +country code, e.g. FR (default: the workspace's).",
)
@click.option(
    "--encoding", default=None, help="The file's encoding (default: detected): utf-8, utf-16, windows-1252…"
)
@click.option("--delimiter", default=None, help="The field delimiter (default: detected): , ; | or tab.")
@click.option(
    "--sheet", default=None, help="The sheet of an .xlsx/.xls/.ods file (default: its first sheet with data)."
)
@click.option(
    "--rejects",
    "rejects_file",
    metavar="OUT.csv",
    default=None,
    help="Write the rejected rows there: the file's columns plus `errors`, ready to fix and re-import.",
)
@click.option("--progress", "show_progress", is_flag=True, help="Print progress lines on stderr.")
@db_option
@remote_option
def import_command(
    file: str,
    actor: str | None,
    dry_run: bool,
    mapping_file: str | None,
    template: str | None,
    on_conflict: str,
    match_order: str,
    phone_platform: str,
    invalid_values: str,
    region: str | None,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    rejects_file: str | None,
    show_progress: bool,
    db: str | None,
) -> None:
    """Import contacts from a CSV file or a sheet of an .xlsx/.xls/.ods file (one transaction);
    prints one JSON object with the counts and batch id."""
    from .. import import_templates, imports
    from ..mapping_fallbacks import read_mapping_document
    from ..users import admin_actor

    if template:
        import_templates.template(template)  # an unknown name: InvalidInput listing the names, nothing read
    template = template or None
    mapping, fallbacks = read_mapping_document(mapping_file) if mapping_file else (None, None)
    options = imports.ImportOptions(
        on_conflict=on_conflict,
        phone_platform=phone_platform.strip().lower(),
        match_order=tuple(k.strip() for k in match_order.split(",") if k.strip()),
        invalid_values=invalid_values,
        region=region,
    ).checked()
    try:
        with open(file, "rb"):
            pass
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror}") from None
    if rejects_file:
        # before the import commits: never a saved import reported failed
        check_writable(rejects_file, "--rejects")
    if api := connect(db, actor):
        from .remote_commands import run_import

        body = {
            **{k: getattr(options, k) for k in ("on_conflict", "phone_platform", "invalid_values", "region")},
            "match": list(options.match_order),
            "dry_run": dry_run,
            "template": template,
            "mapping": {"mapping": mapping, "fallbacks": fallbacks or {}} if mapping is not None else None,
            "encoding": encoding,
            "delimiter": delimiter,
            **({"sheet": sheet} if sheet else {}),
        }
        return run_import(api, file, body, rejects_file)
    with open_store(db) as store:
        who = admin_actor(store, actor) if actor else SYSTEM
        result = imports.run_import(
            store,
            who,
            file,
            mapping=mapping,
            options=options,
            encoding=encoding,
            delimiter=delimiter,
            sheet=sheet,
            dry_run=dry_run,
            progress=_progress if show_progress else None,
            fallbacks=fallbacks,
            template=template,
        )
    say_import(result.summary(), rejects_file, result.rejects_csv if len(result.rejects) else None)


@click.command("undo-import")
@click.argument("batch_id", type=int)
@actor_option("The admin undoing the import (recorded).")
@db_option
@remote_option
def undo_import_command(batch_id: int, actor: str | None, db: str | None) -> int:
    """Undo a whole import batch; exit 1 (changing nothing) when some of its contacts changed since."""
    from .. import imports
    from ..users import admin_actor

    if api := connect(db, actor):
        from .remote_commands import undo_import

        return undo_import(api, batch_id)

    with open_store(db) as store:
        who = admin_actor(store, actor) if actor else SYSTEM
        try:
            done = imports.undo(store, who, batch_id)
        except imports.UndoRefused as exc:
            click.echo(f"inbox: {exc}", err=True)
            for c in exc.contacts[:SHOWN]:
                why = (
                    "it has a conversation"
                    if c["conversation"] and c["version"] == c["version_after"]
                    else f"version {c['version_after']} → {c['version']}, last by {c['updated_by']}"
                    f" at {c['updated_at']:%Y-%m-%d %H:%M}"
                )
                click.echo(f"  contact #{c['contact_id']} ({c['action']} by the import): {why}", err=True)
            if len(exc.contacts) > SHOWN:
                click.echo(f"  … and {len(exc.contacts) - SHOWN:,} more", err=True)
            return 1
    click.echo(json.dumps(done))
    return 0
