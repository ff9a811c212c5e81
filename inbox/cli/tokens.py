"""CLI commands on personal API tokens: tokens create|list|revoke."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from validation.visible import visible

from .. import open_store
from ..models import SYSTEM, Actor
from .common import actor_option, db_option, say_json

if TYPE_CHECKING:
    from ..store import Store
    from ..tokens import ApiToken

ACTOR_HELP = "The member acting (recorded; an agent manages only their own tokens). Default: the operator."


def _actor(store: Store, email: str | None) -> Actor:
    """The active member named by ``--actor`` (any role: their role decides), else the operator."""
    from ..errors import NotFound
    from ..users import current_user, normalise_email

    if not email:
        return SYSTEM
    user = current_user(store, email)
    if user is None:
        raise NotFound(f"no active user with email {normalise_email(email)}")
    return user.actor


def _when(at: datetime | None, none: str = "-") -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else none


def public(token: ApiToken, now: datetime) -> dict[str, object]:
    """A token as ``--json`` prints it (never its secret: the last 4 characters as ``hint``)."""
    return {
        "id": token.id,
        "email": token.email,
        "name": token.name,
        "hint": token.hint,
        "status": token.status_at(now),
        "created_at": token.created_at,
        "created_by": token.created_by,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@click.group()
def tokens() -> None:
    """Personal API tokens (Authorization: Bearer …): create, list, revoke."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", required=True, metavar="NAME", help="What the token is for (1 to 80 characters).")
@click.option(
    "--expires-days",
    type=int,
    default=None,
    metavar="N",
    help="Days until it expires, 1 to 365 (default: 90).",
)
@click.option("--no-expiry", is_flag=True, help="A token that never expires (revoke it when done).")
@actor_option(ACTOR_HELP)
@db_option
def tokens_create(
    email: str, name: str, expires_days: int | None, no_expiry: bool, actor: str | None, db: str | None
) -> None:
    """Create a token for the member EMAIL and print ONLY the token (shown once: it is stored hashed)."""
    from ..tokens import DEFAULT_DAYS, create_token

    if no_expiry and expires_days is not None:
        raise click.UsageError("choose either --expires-days or --no-expiry")
    days = None if no_expiry else (DEFAULT_DAYS if expires_days is None else expires_days)
    with open_store(db) as store:
        _, raw = create_token(store, _actor(store, actor), email, name=name, expires_days=days)
    click.echo(raw)


@tokens.command("list")
@click.argument("email", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON list instead of a table.")
@actor_option(ACTOR_HELP)
@db_option
def tokens_list(email: str | None, as_json: bool, actor: str | None, db: str | None) -> None:
    """List tokens (of EMAIL, else everyone's), newest first: id, email, name, ...hint, status, created,
    expires, last used."""
    from ..models import utcnow
    from ..tokens import list_tokens

    with open_store(db) as store:
        found = list_tokens(store, _actor(store, actor), email)
    now = utcnow()
    if as_json:
        say_json([public(t, now) for t in found])
        return
    for t in found:
        cells = [
            str(t.id),
            visible(t.email),
            visible(t.name),
            f"...{t.hint}",
            t.status_at(now),
            _when(t.created_at),
            _when(t.expires_at, "never"),
            _when(t.last_used_at, "never used"),
        ]
        click.echo("\t".join(cells))


@tokens.command("revoke")
@click.argument("token_id", metavar="ID", type=click.IntRange(min=1))
@actor_option(ACTOR_HELP)
@db_option
def tokens_revoke(token_id: int, actor: str | None, db: str | None) -> None:
    """Revoke a token at once (its ID as `tokens list` shows it)."""
    from ..tokens import revoke_token

    with open_store(db) as store:
        token = revoke_token(store, _actor(store, actor), token_id)
    click.echo(f'revoked token {token.id} "{visible(token.name)}" of {visible(token.email)}')
