"""CLI exports: `export` (the contacts a search finds, as CSV, Excel or Parquet) and `contact export ID`."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click

from .. import open_store
from ..errors import WriteFailed
from ..outputs import check_writable
from .common import actor_option, db_option, say_json

SORT_CHOICES = ("updated", "name", "created", "created_asc")


def write_through(out: Path, write: Callable[[IO[bytes]], Any]) -> Any:
    """Run ``write`` on a temporary file next to ``out``, renamed to ``out`` when complete: a failure (a
    full disk, a refusal) leaves the previous file or none, never half of one. A pipe is written as it is."""
    if out.exists() and not out.is_file():  # /dev/stdout, a named pipe
        with open(out, "wb") as fh:
            return write(fh)
    part = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with open(part, "wb") as fh:
            result = write(fh)
        os.replace(part, out)
    except OSError as exc:
        raise WriteFailed(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        part.unlink(missing_ok=True)
    return result


def _member(store: Any, email: str) -> Any:
    """The active member named by ``--actor`` (the export itself says when they are not an admin)."""
    from ..errors import NotFound
    from ..users import current_user

    user = current_user(store, email)
    if user is None:
        raise NotFound(f"no active member with email {email.strip().lower()}")
    return user.actor


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE")
@click.option("--query", default="", metavar="TEXT", help="The Contacts page's search text (default: all).")
@click.option("--platform", default=None, metavar="P", help="Only this platform (whatsapp, email, …).")
@click.option("--language", default=None, metavar="TAG", help="Only this language (pt finds pt-BR too).")
@click.option("--subscription", default=None, metavar="S", help="Only this subscription.")
@click.option("--sort", "order", type=click.Choice(SORT_CHOICES), default="updated", show_default=True)
@actor_option("The admin exporting (recorded in the access log).", required=True)
@db_option
def export_contacts(
    fmt: str,
    out: Path,
    query: str,
    platform: str | None,
    language: str | None,
    subscription: str | None,
    order: str,
    actor: str,
    db: str | None,
) -> None:
    """Export the contacts a search finds (every page) with the enabled attributes; prints
    {"contacts", "format", "file"}. Text cells a spreadsheet would run get a leading quote (CSV) or
    Excel's quote prefix (xlsx). Logged in the access log."""
    from ..contact_export import ExportQuery, write_export

    check_writable(out, "--out")
    q = ExportQuery(query, platform, language, subscription, order=order)
    with open_store(db) as store:
        who = _member(store, actor)
        n = write_through(out, lambda fh: write_export(store, who, q, fmt, fh))
    say_json({"contacts": n, "format": fmt, "file": str(out)})


@click.command("export")
@click.argument("contact_id", type=click.IntRange(min=1))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.zip")
@actor_option("The admin downloading the data (recorded in the access log).", required=True)
@db_option
def export_subject(contact_id: int, out: Path, actor: str, db: str | None) -> None:
    """Everything held about one contact as a ZIP (contact.json and its attachment files: a data-subject
    access request); prints {"contact_id", "conversations", "messages", "attachments", "bytes", "problems",
    "file"}. Logged in the access log."""
    from ..subject_export import write_subject_export

    check_writable(out, "--out")
    with open_store(db) as store:
        who = _member(store, actor)
        summary = write_through(out, lambda fh: write_subject_export(store, who, contact_id, fh))
    say_json({**summary, "file": str(out)})
