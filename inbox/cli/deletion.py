"""CLI commands of deletion and its audit log: delete, erase, audit verify|checkpoint|export|lookup."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import open_store
from ..errors import InvalidInput, WriteFailed
from ..models import SYSTEM
from ..outputs import check_writable, write_whole
from .common import FC, actor_option, db_option, say_json
from .remote import connect, remote_option

if TYPE_CHECKING:
    from ..store import Store

REASON_HELP = "gdpr_request, duplicate, test_data or other."


def checkpoints_option(fn: FC) -> FC:
    """``--checkpoints DIR``: the folder of the signed log checkpoints."""
    return click.option(
        "--checkpoints",
        "checkpoint_dir",
        metavar="DIR",
        default=None,
        help="Folder of the signed log checkpoints (default: $INBOX_CHECKPOINT_DIR, else <db>-checkpoints).",
    )(fn)


def _open(db: str | None, checkpoint_dir: str | None) -> Store:
    from ..checkpoints import use_folder

    store = open_store(db)
    use_folder(store, checkpoint_dir)
    return store


@click.command()
@click.argument("contact_id", type=click.IntRange(min=1))
@actor_option("The admin deleting the contact (recorded; not with --url).")
@click.option(
    "--hint", required=True, metavar="TEXT", help="Identity hint, e.g. 'customer #1234, request of …'."
)
@click.option("--reason", required=True, metavar="R", help=REASON_HELP)
@checkpoints_option
@db_option
@remote_option
def delete(
    contact_id: int, actor: str | None, hint: str, reason: str, checkpoint_dir: str | None, db: str | None
) -> None:
    """Delete a contact and everything it owns; prints its deletion-log entry as JSON."""
    from ..deletion import delete_contact, public_entry
    from ..users import admin_actor

    if api := connect(db, actor):
        from .remote_commands import delete as over_http

        if checkpoint_dir:
            raise click.UsageError("--checkpoints is not used with --url: the app keeps its own checkpoints")
        return over_http(api, contact_id, hint, reason)
    if not actor:
        raise click.UsageError("Missing option '--actor'.")

    with _open(db, checkpoint_dir) as store:
        entry = delete_contact(store, admin_actor(store, actor), contact_id, hint=hint, reason=reason)
    say_json(public_entry(entry))


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@actor_option("The admin erasing the contacts (recorded; not with --url).")
@click.option("--hint", required=True, metavar="TEXT", help="Identity hint recorded with every entry.")
@click.option("--reason", required=True, metavar="R", help=REASON_HELP)
@click.option(
    "--column",
    default=None,
    metavar="NAME",
    help="Read this column of a CSV file (header row first); default: one identifier per line.",
)
@click.option(
    "--result",
    "result_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Result CSV (default: FILE-erasure-result.csv next to FILE).",
)
@click.option("--dry-run", is_flag=True, help="Only preview: write the result file with what would match.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=5_000,
    show_default=True,
    help="Contacts per transaction (each keeps its own log entry).",
)
@checkpoints_option
@db_option
@remote_option
def erase(
    file: Path,
    actor: str | None,
    hint: str,
    reason: str,
    column: str | None,
    result_path: Path | None,
    dry_run: bool,
    batch_size: int,
    checkpoint_dir: str | None,
    db: str | None,
) -> int:
    """Erase every contact matching the identifiers of FILE (emails, phones, external ids, handles);
    writes a result CSV (one line per identifier) and prints a JSON summary."""
    from ..deletion import check_hint, check_reason
    from ..erasure import execute, preview, read_identifiers
    from ..users import admin_actor

    hint, reason = check_hint(hint), check_reason(reason)  # bad input: nothing read, nothing deleted
    identifiers = read_identifiers(file.read_bytes(), column=column)
    result_path = check_writable(result_path or file.with_name(f"{file.stem}-erasure-result.csv"), "--result")
    if api := connect(db, actor):
        from .remote_commands import erase as over_http

        if checkpoint_dir:
            raise click.UsageError("--checkpoints is not used with --url: the app keeps its own checkpoints")
        data, summary = over_http(api, identifiers, hint, reason, dry_run)
        _write(result_path, data)
        say_json({**summary, "result_file": str(result_path)})
        return 0
    if not actor:
        raise click.UsageError("Missing option '--actor'.")
    with _open(db, checkpoint_dir) as store:
        who = admin_actor(store, actor)
        plan = preview(store, who, identifiers)
        if dry_run:
            _write(result_path, plan.csv())
            say_json({"dry_run": True, **plan.counts(), "result_file": str(result_path)})
            return 0
        result = execute(
            store,
            who,
            plan,
            hint=hint,
            reason=reason,
            batch_size=batch_size,
            progress=lambda line: click.echo(line, err=True),
        )
    _write(result_path, result.csv())
    say_json({**result.summary, "result_file": str(result_path)})
    return 1 if result.summary["contacts_failed"] else 0


@click.group()
def audit() -> None:
    """The deletion log: verify the hash chain, export it, look an identifier up."""


@audit.command("verify")
@click.option(
    "--expect",
    default=None,
    metavar="CHECKPOINT",
    help="A checkpoint kept elsewhere (its JSON line, or a file): prove the log still extends it.",
)
@checkpoints_option
@db_option
@remote_option
def audit_verify(expect: str | None, checkpoint_dir: str | None, db: str | None) -> int:
    """Check the keyed hash chain against the key file and the signed checkpoints: prints `OK <n> entries`
    (exit 0) or the first entry that does not match (exit 1)."""
    if api := connect(db):
        if expect is not None or checkpoint_dir:
            raise click.UsageError("--expect and --checkpoints need the database file: leave out --url")
        from .remote_commands import audit_verify as over_http

        return over_http(api)
    from ..checkpoints import parse
    from ..deletion_chain import verify_log

    expected = parse(expect) if expect is not None else None
    with _open(db, checkpoint_dir) as store:
        result = verify_log(store, SYSTEM, expect=expected)
    click.echo(result.line())
    if result.ok:
        click.echo(f"head {result.head}", err=True)
        if expected is not None:
            click.echo(
                f"extends the expected checkpoint of {expected['at']} ({expected['entries']} entries)",
                err=True,
            )
    return 0 if result.ok else 1


@audit.command("checkpoint")
@checkpoints_option
@db_option
def audit_checkpoint(checkpoint_dir: str | None, db: str | None) -> int:
    """Verify the log, then print its latest signed checkpoint (one JSON line) to keep somewhere else;
    `audit verify --expect` proves the log still extends it. Exit 1 (nothing printed) when the log does not
    verify."""
    from ..deletion_chain import latest_checkpoint

    with _open(db, checkpoint_dir) as store:
        result, checkpoint = latest_checkpoint(store, SYSTEM)
    if checkpoint is None:
        click.echo(result.line(), err=True)
        return 1
    from ..checkpoints import as_line

    click.echo(as_line(checkpoint))
    click.echo(
        f"public key (Ed25519) {checkpoint['public_key']}; the signature covers the line without"
        " \"signature\", keys sorted, no spaces",
        err=True,
    )
    return 0


def _write(path: Path, data: bytes) -> None:
    write_whole(path, data)


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"--since must be a date YYYY-MM-DD, not '{value}'") from None


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE")
@click.option(
    "--since", default=None, metavar="DATE", help="Only entries deleted on or after DATE (UTC, YYYY-MM-DD)."
)
@db_option
@remote_option
def audit_export(fmt: str, out: Path, since: str | None, db: str | None) -> None:
    """Export the deletion log (entries failing the schema are included, flagged in `schema_problems`)."""
    from ..deletion_report import Filters, write_export

    filters = Filters(since=_since(since))
    check_writable(out, "--out")
    if api := connect(db):
        from .remote_commands import audit_export as over_http

        return over_http(api, fmt, out, filters.since.isoformat() if filters.since else None)
    with open_store(db) as store:
        try:
            n = write_export(store, SYSTEM, filters, fmt, out)
        except OSError as exc:
            if out.is_file():
                out.unlink()  # no half-written export left behind
            raise WriteFailed(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo(f"exported {n} entries to {out}", err=True)


@audit.command("lookup")
@click.argument("identifier")
@db_option
@remote_option
def audit_lookup(identifier: str, db: str | None) -> int:
    """Was a contact with this email, phone, handle (or platform:handle) or external id deleted?
    Prints `deleted` with the log entry ids (exit 0) or `not found` (exit 1)."""
    if api := connect(db):
        from .remote_commands import audit_lookup as over_http

        return over_http(api, identifier)
    from ..deletion_report import lookup

    with open_store(db) as store:
        found = lookup(store, SYSTEM, identifier)
    if not found:
        click.echo("not found")
        return 1
    click.echo("deleted " + " ".join(str(e["id"]) for e in found))
    click.echo("matched by " + ", ".join(sorted({k for e in found for k in e["matched"]})), err=True)
    return 0
