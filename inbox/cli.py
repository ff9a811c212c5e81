"""``python -m inbox …``: a thin command-line layer over the same use cases the pages call."""

from __future__ import annotations

import json
import os
import sys
import time

import click

from validation.visible import visible, visible_json

from . import db_path, open_store
from .errors import InboxError
from .models import PLANS, ROLES, SYSTEM

DEMO_USERS = (
    # email, role, password, display name — stated in README.md
    ("admin@example.com", "admin", "demo-admin-password", "Ada Admin"),
    ("agent@example.com", "agent", "demo-agent-password", "Alex Agent"),
)


def db_option(fn):
    return click.option(
        "--db", "db", metavar="PATH", default=None,
        help="DuckDB file (default: $INBOX_DB, else data/inbox.duckdb).",
    )(fn)


def _say_json(obj) -> None:
    """One JSON line; bidi overrides and invisible characters in values written as \\uXXXX escapes."""
    click.echo(visible_json(json.dumps(obj, ensure_ascii=False, default=str)))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Inbox contacts: manage the workspace database from the command line."""


@cli.command()
@db_option
def init(db):
    """Create (or migrate) an empty database. It has no account until `users add`."""
    from .key_adoption import last_adoption
    from .keys import require_keys

    with open_store(db) as store:
        require_keys(store)  # a missing or wrong key file of an existing database: one line, exit 2
        click.echo(f"database {store.path} at schema version {store.schema_version()}")
        done = last_adoption(store.path)
        for line in done.lines() if done else ():
            click.echo(line, err=True)


@cli.command()
@click.option("--contacts", type=click.IntRange(min=1), required=True, help="How many contacts to make.")
@click.option("--seed", type=int, default=42, show_default=True)
@db_option
def demo(contacts, seed, db):
    """Build synthetic demo data (plus the demo admin and agent) into an empty database."""
    from .demo import build_demo
    from .users import add_user

    with open_store(db) as store:
        started = time.perf_counter()
        counts = build_demo(store, contacts=contacts, seed=seed,
                            progress=lambda line: click.echo(line, err=True))
        for email, role, password, name in DEMO_USERS:
            if store.user_by_email(email) is None:
                add_user(store, SYSTEM, email, role=role, password=password, display_name=name)
        counts["seconds"] = round(time.perf_counter() - started, 1)
        _say_json(counts)


@cli.group()
def users():
    """Workspace members."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: from the email).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@db_option
def users_add(email, role, display_name, password_stdin, db):
    """Add a member; the password is prompted for (or read with --password-stdin)."""
    from .users import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_store(db) as store:
        user = add_user(store, SYSTEM, email, role=role, password=password, display_name=display_name)
    click.echo(f"added {user.email} ({user.role})")


@users.command("list")
@db_option
def users_list(db):
    """List members: email, role, active, display name."""
    from .users import list_users

    with open_store(db) as store:
        for u in list_users(store, SYSTEM):
            status = "active" if u.active else "disabled"
            click.echo(f"{visible(u.email)}\t{u.role}\t{status}\t{visible(u.display_name)}")


@users.command("disable")
@click.argument("email")
@db_option
def users_disable(email, db):
    """Disable a member: they can no longer sign in (their history stays)."""
    from .users import set_active

    with open_store(db) as store:
        set_active(store, SYSTEM, email, False)
    click.echo(f"disabled {email}")


@users.command("enable")
@click.argument("email")
@db_option
def users_enable(email, db):
    """Re-enable a disabled member."""
    from .users import set_active

    with open_store(db) as store:
        set_active(store, SYSTEM, email, True)
    click.echo(f"enabled {email}")


@users.command("unlock")
@click.argument("email")
@db_option
def users_unlock(email, db):
    """Lift the sign-in lock and delays of an e-mail after too many failed sign-ins."""
    from .sign_in import unlock

    with open_store(db) as store:
        was_locked = unlock(store, SYSTEM, email)
    click.echo(f"unlocked {email}" if was_locked
               else f"{email} was not locked; its failed sign-ins are cleared")


@cli.group()
def plan():
    """The workspace plan (team or enterprise)."""


@plan.command("set")
@click.argument("name", type=click.Choice(PLANS))
@db_option
def plan_set(name, db):
    """Set the workspace plan."""
    from .workspace import set_plan

    with open_store(db) as store:
        click.echo(f"plan {set_plan(store, SYSTEM, name)}")


@plan.command("show")
@db_option
def plan_show(db):
    """Print the workspace plan."""
    from .workspace import get_plan

    with open_store(db) as store:
        click.echo(get_plan(store))


@cli.command()
@click.option("--chunk-size", type=click.IntRange(min=1), default=250_000, show_default=True)
@db_option
def check(chunk_size, db):
    """Validate every table (pandera) and cross-table integrity; exit 1 when not clean."""
    from .check import run_check

    with open_store(db) as store:
        report = run_check(store, chunk_size=chunk_size, progress=lambda line: click.echo(line, err=True))
    for line in report.lines():
        click.echo(line)
    click.echo(f"checked in {report.seconds:.1f} s", err=True)
    return 0 if report.ok else 1


@cli.group()
def layout():
    """The contact attribute layout as JSON (layout as code)."""


@layout.command("export")
@db_option
def layout_export(db):
    """Print the layout: a JSON list of {key, label, type, enabled, order, options, regex, required_on_import}."""
    from .attributes import export_layout

    with open_store(db) as store:
        click.echo(visible_json(json.dumps(export_layout(store), ensure_ascii=False, indent=2)))


@layout.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--actor", required=True, metavar="EMAIL", help="The admin applying the layout (recorded).")
@db_option
def layout_import(file, actor, db):
    """Apply a layout file (UTF-8 JSON) with the same validation as the page (nothing changes when invalid)."""
    from .attributes import import_layout
    from .errors import InvalidInput
    from .users import admin_actor

    raw = file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InvalidInput(f"{file.name} is not UTF-8 text (byte 0x{raw[exc.start]:02X} on line {line}): "
                           "save it as UTF-8 (the format `layout export` writes)") from None
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{file.name} is not valid JSON: {exc}") from None
    with open_store(db) as store:
        version = import_layout(store, admin_actor(store, actor), items)
    click.echo(f"layout version {version}")


@cli.command()
@click.option("--platform", required=True, help="whatsapp, messenger, instagram, x, email, sms or webchat.")
@click.option("--handle", required=True, help="The person's id on that platform.")
@click.option("--text", default="", help="The message text.")
@click.option("--attach", "attach", multiple=True, metavar="FILE", help="A file to attach (repeatable).")
@db_option
def receive(platform, handle, text, attach, db):
    """Deliver an inbound message; prints {"contact_id", "conversation_id", "new_contact"}."""
    from .inbound import receive as receive_message

    with open_store(db) as store:
        result = receive_message(store, platform, handle, text, attachments=attach)
    _say_json({k: result[k] for k in ("contact_id", "conversation_id", "new_contact")})


@cli.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@db_option
def search(query, limit, db):
    """Print matching contacts as JSON: id, platform, handle and attributes by key."""
    from .contacts import get_contact, search as search_contacts
    from .attributes import all_attributes

    with open_store(db) as store:
        definitions = all_attributes(store)
        found = search_contacts(store, query, page_size=limit).rows
        out = []
        for row in found:
            contact = get_contact(store, row["id"], definitions)
            out.append({"id": contact.id, "platform": contact.platform, "handle": contact.handle,
                        "attributes": {a.key: contact.values.get(a.key) for a in definitions}})
    _say_json(out)


# Commands of the deletion and import features live beside this module and register on `cli`.
from . import cli_compact, cli_crm, cli_deletion, cli_imports  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    """Entry point: one clear line on stderr and exit 2 for any usage or input error."""
    try:
        rv = cli.main(args=argv, prog_name="python -m inbox", standalone_mode=False)
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
        click.echo(f"inbox: unexpected error ({type(exc).__name__}: {first}); "
                   "run again with INBOX_DEBUG=1 to see where", err=True)
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)


__all__ = ["cli", "main", "db_path"]
