"""Sign-in sessions: an opaque random token per session, only its SHA-256 stored; idle and absolute expiry."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .auth import member_action, require_admin
from .errors import Conflict, InvalidInput
from .models import Actor, User, utcnow

if TYPE_CHECKING:
    from .store import Store
    from .store.core import TxCursor

IDLE_KEY, ABSOLUTE_KEY = "session_idle_hours", "session_absolute_days"
IDLE_HOURS, ABSOLUTE_DAYS = (
    12,
    14,
)  # defaults: signed out after 12 h without activity, and after 14 days anyway
MAX_IDLE_HOURS, MAX_ABSOLUTE_DAYS = 30 * 24, 90
TOUCH_EVERY = timedelta(minutes=1)  # "last seen" is written at most this often per session
KEEP_ENDED = timedelta(days=90)  # ended sessions are forgotten after this
MAX_TOKEN = 200  # longer cookie values are not even hashed


@dataclass(frozen=True)
class Limits:
    """How long a session lasts: ``idle_hours`` without activity, ``absolute_days`` at most."""

    idle_hours: int = IDLE_HOURS
    absolute_days: int = ABSOLUTE_DAYS

    @property
    def idle(self) -> timedelta:
        return timedelta(hours=self.idle_hours)

    @property
    def absolute(self) -> timedelta:
        return timedelta(days=self.absolute_days)


def token_hash(token: str) -> str:
    """What the store keeps of a token: its SHA-256 in hex (a stolen database gives no usable token)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _setting(store: Store, key: str, default: int) -> int:
    value = store.accounts.get_setting(key)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def limits(store: Store) -> Limits:
    """The workspace's session limits (the defaults until an admin changes them)."""
    return Limits(_setting(store, IDLE_KEY, IDLE_HOURS), _setting(store, ABSOLUTE_KEY, ABSOLUTE_DAYS))


@member_action("change the session settings")
def set_limits(store: Store, actor: Actor, idle_hours: int, absolute_days: int) -> Limits:
    """Change how long sessions last (applies to open sessions too). Admins only; ``InvalidInput`` when out of
    range."""
    require_admin(actor, "change the session settings")
    idle, absolute = int(idle_hours), int(absolute_days)
    if not 1 <= idle <= MAX_IDLE_HOURS:
        raise InvalidInput(f"Sign out after inactivity: choose between 1 and {MAX_IDLE_HOURS} hours.")
    if not 1 <= absolute <= MAX_ABSOLUTE_DAYS:
        raise InvalidInput(f"Sign out in any case: choose between 1 and {MAX_ABSOLUTE_DAYS} days.")
    if idle > absolute * 24:
        raise InvalidInput("The inactivity limit cannot be longer than the longest a session lasts.")
    now = utcnow()
    store.accounts.put_setting(IDLE_KEY, str(idle), actor.email, now)
    store.accounts.put_setting(ABSOLUTE_KEY, str(absolute), actor.email, now)
    return Limits(idle, absolute)


def start(
    store: Store, user: User, *, client: str = "", user_agent: str = "", now: datetime | None = None
) -> str:
    """Open a session for ``user`` (already authenticated) and return its token (shown once, never stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)  # 32 random bytes
    store.sessions.insert_session(token_hash(token), user.id, now, client, user_agent)
    store.sessions.prune_sessions(now - KEEP_ENDED)
    return token


@dataclass(frozen=True)
class Lookup:
    """A token looked up: its member when the session is open, else why not (``unknown``, ``expired``,
    ``inactive`` or the reason it ended: ``signed out``, ``member disabled``, ``password changed``…)."""

    user: User | None
    why: str = ""


def lookup(store: Store, token: str | None, *, now: datetime | None = None) -> Lookup:
    """``user_for`` with the reason when there is no member (to tell a signed-out visitor why)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        return Lookup(None, "unknown")
    now = now or utcnow()
    digest = token_hash(token)
    row = store.sessions.session_by_hash(digest)
    if row is None:
        return Lookup(None, "unknown")
    if row.ended_at is not None:
        return Lookup(None, store.sessions.ended_why(row.id) or "ended")
    limit = limits(store)
    if now >= row.created_at + limit.absolute or now >= row.last_seen_at + limit.idle:
        store.sessions.end_session(digest, now, "expired")
        return Lookup(None, "expired")
    if not row.user.active:
        return Lookup(None, "inactive")
    if now - row.last_seen_at >= TOUCH_EVERY:
        try:
            store.sessions.touch_session(row.id, now)
        except Conflict:  # another run touched it at the same moment: as good
            pass
    return Lookup(row.user)


def user_for(store: Store, token: str | None, *, now: datetime | None = None) -> User | None:
    """The member of an open session, re-read now; ``None`` for an unknown, ended or expired token or a
    member who is no longer active. An expired session is ended on the way."""
    return lookup(store, token, now=now).user


def end(store: Store, token: str | None, *, everywhere: bool = False, now: datetime | None = None) -> int:
    """Sign out: end this token's session, and with ``everywhere`` every open session of its member.
    Returns how many sessions ended."""
    if not token or len(token) > MAX_TOKEN:
        return 0
    now = now or utcnow()
    user_id = store.sessions.end_session(token_hash(token), now, "signed out")
    if not user_id:
        return 0
    return 1 + (store.sessions.end_sessions_of(user_id, now, "signed out everywhere") if everywhere else 0)


def end_all_for(
    store: Store,
    user_id: int,
    *,
    why: str = "ended",
    cur: TxCursor | None = None,
    now: datetime | None = None,
) -> int:
    """End every open session of a member (in the caller's transaction ``cur`` when given)."""
    return store.sessions.end_sessions_of(user_id, now or utcnow(), why, cur)


def open_count(store: Store, user_id: int) -> int:
    return store.sessions.open_sessions(user_id)
