"""CLI commands of the CRM integration: crm sync, crm lookup, crm status."""

from __future__ import annotations

import click

from .. import open_store
from ..models import SYSTEM
from .common import db_option, say_json


@click.group()
def crm() -> None:
    """CRM integration (Enterprise plan): bulk sync, one lookup, status."""


@crm.command("sync")
@click.option("--all", "every", is_flag=True, help="Look up every contact.")
@click.option(
    "--since",
    metavar="DATE",
    default=None,
    help="Look up the contacts created or changed since DATE (UTC): YYYY-MM-DD or YYYY-MM-DDTHH:MM.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Lookups in flight at once.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=3,
    show_default=True,
    help="Retries of a lookup answered 429 or 5xx, timed out or not connected.",
)
@click.option(
    "--backoff",
    type=click.FloatRange(0, 60),
    default=0.5,
    show_default=True,
    help="Seconds before the first retry, doubling each time (the CRM's Retry-After wins).",
)
@db_option
def crm_sync(
    every: bool, since: str | None, concurrency: int, retries: int, backoff: float, db: str | None
) -> int:
    """Look contacts up in the CRM: progress on stderr, a JSON summary on stdout,
    exit 1 if any lookup failed."""
    from ..crm_sync import parse_since, sync

    when = parse_since(since) if since is not None else None
    with open_store(db) as store:
        summary = sync(
            store,
            SYSTEM,
            since=when,
            every=every,
            concurrency=concurrency,
            retries=retries,
            backoff=backoff,
            progress=lambda line: click.echo(line, err=True),
        )
    say_json(summary)
    return 1 if summary["failed"] else 0


@crm.command("lookup")
@click.argument("contact_id", type=click.IntRange(min=1))
@db_option
def crm_lookup(contact_id: int, db: str | None) -> int:
    """Look one contact up now (as Refresh from CRM); prints the outcome as JSON, exit 1 if it failed."""
    from ..crm import refresh_contact

    with open_store(db) as store:
        result = refresh_contact(store, SYSTEM, contact_id)
    say_json(
        {
            "contact_id": result.contact_id,
            "ok": result.ok,
            "error": result.error,
            "written": result.written,
            "kept": result.kept,
            "skipped": result.skipped,
            "ignored": result.ignored,
            "attempts": result.attempts,
            "seconds": round(result.seconds, 3),
        }
    )
    return 0 if result.ok else 1


@crm.command("status")
@db_option
def crm_status(db: str | None) -> None:
    """Print the CRM settings (never the secret), the managed attributes and contacts by lookup status."""
    from ..attributes import all_attributes
    from ..crm import get_settings, lookup_counts
    from ..workspace import get_plan

    with open_store(db) as store:
        settings = get_settings(store)
        out = {
            "plan": get_plan(store),
            "configured": settings is not None,
            "managed": [a.key for a in all_attributes(store) if a.crm_managed],
            "contacts": lookup_counts(store),
        }
        if settings is not None:
            out.update(
                {
                    "enabled": settings.enabled,
                    "lookup_url": settings.lookup_url,
                    "timeout_seconds": settings.timeout_seconds,
                    "lookup_key": settings.lookup_key,
                    "aliases": settings.aliases,
                    "secret_set": True,
                    "secret_set_at": settings.secret_set_at,
                    "secret_set_by": settings.secret_set_by,
                    "updated_at": settings.updated_at,
                    "updated_by": settings.updated_by,
                }
            )
    say_json(out)
