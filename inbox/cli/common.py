"""What every CLI command shares: the --db and --actor options, JSON output, errors as one line + exit 2."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from validation.visible import visible, visible_json

from ..errors import InboxError, WriteFailed
from ..outputs import write_whole

FC = TypeVar("FC", bound=Callable[..., Any])  # a command function (or a click.Command) being decorated


def db_option(fn: FC) -> FC:
    """``--db PATH|URL``: the database a command opens (a DuckDB file or a PostgreSQL URL)."""
    return click.option(
        "--db",
        "db",
        metavar="PATH|URL",
        default=None,
        help="DuckDB file or postgresql:// URL (default: $INBOX_DB, else data/inbox.duckdb); PostgreSQL"
        " needs $INBOX_FILES, the shared folder of the key file, checkpoints and attachments.",
    )(fn)


def actor_option(help_text: str, *, required: bool = False) -> Callable[[FC], FC]:
    """``--actor EMAIL``: the member a command acts as (recorded); ``help_text`` says who that must be."""
    if required:
        return click.option("--actor", required=True, metavar="EMAIL", help=help_text)
    return click.option("--actor", metavar="EMAIL", default=None, help=help_text)


def say_json(obj: object) -> None:
    """One JSON line; times in ISO 8601 (as the API writes them); bidi overrides and invisible characters in
    values written as \\uXXXX escapes."""
    click.echo(visible_json(json.dumps(obj, ensure_ascii=False, default=_plain)))


def say_import(out: dict[str, Any], rejects_file: str | None, rejects: Callable[[], bytes] | None) -> None:
    """An import's summary as JSON, after writing its rejects file (``rejects`` gives the content; None: no
    rejects). A rejects file that cannot be written: the summary, then one line saying whether the import
    was saved and how to undo it (``WriteFailed``, exit 2)."""
    out["rejects_file"] = None
    if rejects_file and rejects is not None:
        try:
            write_whole(rejects_file, rejects())
        except InboxError as exc:  # writing the file (WriteFailed), or fetching the rejects (--url)
            say_json(out)
            dry, batch = out["dry_run"], out["batch_id"]
            saved = "" if dry else f"the import was saved (batch {batch}), but "
            raise WriteFailed(
                f"{saved}{exc}; the rejects were not written"
                + ("" if dry else f" (undo it with: undo-import {batch})")
            ) from None
        out["rejects_file"] = rejects_file
    say_json(out)


def _plain(value: object) -> str:
    return value.isoformat() if isinstance(value, (datetime, date)) else str(value)


def run(group: click.Group, argv: list[str] | None = None) -> None:
    """Run ``group`` as ``python -m inbox``: one clear line on stderr and exit 2 for bad usage or input."""
    try:
        rv = group.main(args=argv, prog_name="python -m inbox", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("inbox: aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        hint = f" (try: {exc.ctx.command_path} --help)" if exc.ctx else ""
        click.echo(f"inbox: {exc.format_message()}{hint}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"inbox: {visible(exc.format_message())}", err=True)
        sys.exit(2)
    except InboxError as exc:  # messages may quote a handle, a name or a file name: hidden characters shown
        for line in getattr(exc, "problems", None) or [str(exc)]:
            click.echo(f"inbox: {visible(line)}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("inbox: interrupted", err=True)
        sys.exit(130)
    except OSError as exc:  # a file or folder the command reads or writes
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"inbox: {exc.strerror or exc}{where}", err=True)
        sys.exit(2)
    except Exception as exc:  # a bug: one line (the traceback with INBOX_DEBUG=1), never a wall of text
        if os.environ.get("INBOX_DEBUG"):
            raise
        first = (str(exc).splitlines() or [""])[0][:200]
        click.echo(
            f"inbox: unexpected error ({type(exc).__name__}: {first}); "
            "run again with INBOX_DEBUG=1 to see where",
            err=True,
        )
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)
