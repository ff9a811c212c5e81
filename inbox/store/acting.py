"""Who is acting: the member a use case runs for, re-checked (active, role) inside every write transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from ..errors import PermissionDenied
from ..models import Actor


class Fetches(Protocol):
    def fetchall(self) -> list[Any]: ...


class Executes(Protocol):
    """A cursor that runs one statement: a ``TxCursor``, a raw DuckDB cursor or a PostgreSQL ``PgCursor``."""

    def execute(self, sql: str, params: list[Any], /) -> Fetches: ...


# (actor, admin needed, action in words) of the use case running in this thread/context, or None.
_ACTING: ContextVar[tuple[Actor, bool, str] | None] = ContextVar("inbox_acting", default=None)


@contextmanager
def acting_as(actor: Actor, *, admin: bool, action: str) -> Iterator[None]:
    """Run the block for ``actor``: every ``store.tx()`` opened in it re-reads the member first."""
    token = _ACTING.set((actor, admin, action))
    try:
        yield
    finally:
        _ACTING.reset(token)


def current() -> tuple[Actor, bool, str] | None:
    """What ``acting_as`` set (a worker thread re-enters it with ``acting_as(*current())``)."""
    return _ACTING.get()


def refusal(actor: Actor, row: tuple[Any, ...] | None, *, admin: bool, action: str) -> str | None:
    """Why the member (``row``: stored (role, active), or ``None``) may not ``action`` now; else ``None``."""
    if actor.role == "system":  # the CLI operator, who holds the database file itself
        return None
    if row is None:
        return f"{actor.email} is no longer a member of this workspace: you cannot {action}"
    role, active = row
    if not active:
        return f"{actor.email} has been disabled by an admin: you can no longer {action}"
    if admin and role != "admin":
        return f"only admins can {action} ({actor.email} is no longer an admin)"
    return None


def member_row(cur: Executes, email: str) -> tuple[Any, ...] | None:
    """``(role, active)`` of the member as stored now (``cur``: a cursor, inside a transaction or not)."""
    rows = cur.execute("SELECT role, active FROM users WHERE email = ?", [email]).fetchall()  # read it all
    return rows[0] if rows else None


def check_acting(cur: Executes) -> None:
    """Inside a transaction: refuse (``PermissionDenied``) when the acting member is disabled, gone or lost
    the role the running use case needs. Nothing to check outside a use case (channels, housekeeping)."""
    acting = _ACTING.get()
    if acting is None:
        return
    actor, admin, action = acting
    if actor.role == "system":
        return
    why = refusal(actor, member_row(cur, actor.email), admin=admin, action=action)
    if why:
        raise PermissionDenied(why)
