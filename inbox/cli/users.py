"""CLI commands on workspace members: users add|list|disable|enable|unlock|set-password."""

from __future__ import annotations

import sys

import click

from validation.visible import visible

from .. import open_store
from ..models import ROLES, SYSTEM
from .common import db_option
from .remote import connect, remote_option


@click.group()
def users() -> None:
    """Workspace members."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: from the email).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@db_option
@remote_option
def users_add(email: str, role: str, display_name: str | None, password_stdin: bool, db: str | None) -> None:
    """Add a member; the password is prompted for (or read with --password-stdin)."""
    from ..users import add_user

    api = connect(db)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if api:
        from .remote_commands import users_add as over_http

        return over_http(api, email, role, password, display_name)
    with open_store(db) as store:
        user = add_user(store, SYSTEM, email, role=role, password=password, display_name=display_name)
    click.echo(f"added {user.email} ({user.role})")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@db_option
def users_set_password(email: str, password_stdin: bool, db: str | None) -> None:
    """Give a member a new password; every session they have open ends (they sign in again)."""
    from ..users import set_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    with open_store(db) as store:
        user = set_password(store, SYSTEM, email, password)
    click.echo(f"new password set for {user.email}; their sessions ended")


@users.command("list")
@db_option
@remote_option
def users_list(db: str | None) -> None:
    """List members: email, role, active, display name."""
    if api := connect(db):
        from .remote_commands import users_list as over_http

        return over_http(api)
    from ..users import list_users

    with open_store(db) as store:
        for u in list_users(store, SYSTEM):
            status = "active" if u.active else "disabled"
            click.echo(f"{visible(u.email)}\t{u.role}\t{status}\t{visible(u.display_name)}")


@users.command("disable")
@click.argument("email")
@db_option
@remote_option
def users_disable(email: str, db: str | None) -> None:
    """Disable a member: they can no longer sign in (their history stays)."""
    if api := connect(db):
        from .remote_commands import users_active

        return users_active(api, email, False)
    from ..users import set_active

    with open_store(db) as store:
        set_active(store, SYSTEM, email, False)
    click.echo(f"disabled {email}")


@users.command("enable")
@click.argument("email")
@db_option
@remote_option
def users_enable(email: str, db: str | None) -> None:
    """Re-enable a disabled member."""
    if api := connect(db):
        from .remote_commands import users_active

        return users_active(api, email, True)
    from ..users import set_active

    with open_store(db) as store:
        set_active(store, SYSTEM, email, True)
    click.echo(f"enabled {email}")


@users.command("unlock")
@click.argument("email")
@db_option
def users_unlock(email: str, db: str | None) -> None:
    """Lift the sign-in lock and delays of an e-mail after too many failed sign-ins."""
    from ..sign_in import unlock

    with open_store(db) as store:
        was_locked = unlock(store, SYSTEM, email)
    click.echo(
        f"unlocked {email}" if was_locked else f"{email} was not locked; its failed sign-ins are cleared"
    )
