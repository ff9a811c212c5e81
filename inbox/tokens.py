"""Personal API tokens: created by a member (shown once), only their SHA-256 stored; expiry, revocation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from . import sign_in
from .auth import member_action, require_admin
from .errors import Conflict, InvalidInput, NotFound, Throttled, TokenRefused
from .models import Actor, User, utcnow
from .sessions import token_hash
from .users import normalise_email

if TYPE_CHECKING:
    from .store import Store
    from .store.tokens import TokenRow

TOKEN_PREFIX = "inbox_pat_"  # says what a leaked string is (secret scanners match it), as GitHub's ghp_
MAX_NAME = 80
DEFAULT_DAYS = 90  # as GitHub's default; a token that never expires is a choice made explicitly
MAX_DAYS = 365
MAX_TOKEN = 200  # longer values are not even hashed
TOUCH_EVERY = timedelta(minutes=1)  # "last used" is written at most this often per token
KEEP_ENDED = timedelta(days=90)  # revoked or expired tokens are forgotten after this
REFUSED = "invalid or expired token"  # the same words whether unknown, expired, revoked or member disabled
# A refused token is logged as a failed sign-in under this name, never a member's e-mail (a script with a
# stale token must not lock its member's password sign-in); it counts towards the client's throttle.
LOGGED_AS = "api token"


@dataclass(frozen=True)
class ApiToken:
    """A token as listed (never its secret): ``hint`` is its last 4 characters."""

    id: int
    user_id: int
    email: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_by: str
    hint: str = ""
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.status_at(utcnow()) == "active"

    def status_at(self, now: datetime) -> str:
        """``active``, ``expired`` or ``revoked`` at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "active"


def _token(row: TokenRow) -> ApiToken:
    return ApiToken(
        row.id,
        row.user_id,
        row.email,
        row.name,
        row.created_at,
        row.expires_at,
        row.last_used_at,
        row.revoked_at,
        row.created_by,
        row.hint,
        row.revoked_by,
    )


def _checked_name(name: str) -> str:
    name = " ".join(str(name or "").split())  # one line: no newline nor run of spaces in a listing
    if not name:
        raise InvalidInput("give the token a name (what it is for, e.g. nightly export)")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"the token name is too long: at most {MAX_NAME} characters")
    return name


def _checked_days(expires_days: int | None) -> int | None:
    if expires_days is None:
        return None
    if isinstance(expires_days, bool) or not isinstance(expires_days, int):
        raise InvalidInput(f"the expiry must be a whole number of days between 1 and {MAX_DAYS}")
    if not 1 <= expires_days <= MAX_DAYS:
        raise InvalidInput(f"the expiry must be between 1 and {MAX_DAYS} days (or none)")
    return expires_days


def _may_manage(actor: Actor, owner_email: str, action: str) -> None:
    """Own tokens: any member; another member's: admins (and the CLI operator) only."""
    if owner_email != actor.email:
        require_admin(actor, f"{action} another member's token")


@member_action("create API tokens", admin=False)
def create_token(
    store: Store,
    actor: Actor,
    email: str,
    *,
    name: str,
    expires_days: int | None = DEFAULT_DAYS,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for the member ``email`` (one's own; admins: anyone's). Returns the token as listed and
    its secret, to show once: only its hash is kept. ``expires_days=None``: it never expires."""
    email = normalise_email(email)
    _may_manage(actor, email, "create")
    name, days = _checked_name(name), _checked_days(expires_days)
    owner = store.accounts.user_by_email(email)
    if owner is None:
        raise NotFound(f"no user with email {email}")
    if not owner.active:
        raise InvalidInput(f"{email} is disabled: enable the member before creating a token for them")
    now = now or utcnow()
    if store.tokens.active_name_taken(owner.id, name, now):
        raise Conflict(f'an active token named "{name}" already exists for {email}: choose another name')
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 32 random bytes
    expires_at = now + timedelta(days=days) if days is not None else None
    token_id = store.tokens.insert_token(
        token_hash(raw), raw[-4:], owner.id, name, now, actor.email, expires_at
    )
    store.tokens.prune_tokens(now - KEEP_ENDED)
    row = store.tokens.token_by_id(token_id)
    assert row is not None  # just inserted
    return _token(row), raw


@member_action("see API tokens", admin=False)
def list_tokens(store: Store, actor: Actor, email: str | None = None) -> list[ApiToken]:
    """Tokens, newest first, revoked and expired ones included: one's own (``email`` None or one's own);
    admins: another member's, or everyone's when ``email`` is None."""
    if email is None and not actor.is_admin:
        email = actor.email
    if email is None:
        return [_token(r) for r in store.tokens.list_tokens()]
    email = normalise_email(email)
    _may_manage(actor, email, "see")
    owner = store.accounts.user_by_email(email)
    if owner is None:
        raise NotFound(f"no user with email {email}")
    return [_token(r) for r in store.tokens.list_tokens(owner.id)]


@member_action("revoke API tokens", admin=False)
def revoke_token(store: Store, actor: Actor, token_id: int, *, now: datetime | None = None) -> ApiToken:
    """Revoke a token at once (one's own; admins: anyone's). Revoking a revoked token changes nothing."""
    row = store.tokens.token_by_id(int(token_id))
    if row is None:
        raise NotFound(f"no API token {token_id}")
    _may_manage(actor, row.email, "revoke")
    store.tokens.revoke_token(row.id, now or utcnow(), actor.email)
    revoked = store.tokens.token_by_id(row.id)
    assert revoked is not None  # revoking keeps the row
    return _token(revoked)


def client_wait(store: Store, client: str, now: datetime) -> float:
    """Seconds ``client`` must wait before a token of it is looked at (its failed sign-ins and tokens)."""
    n, last = store.sign_ins.client_failures(client, now - sign_in.CLIENT_WINDOW)
    if last is None:
        return 0.0
    return max(0.0, (last + sign_in.delay(n, sign_in.CLIENT_FREE) - now).total_seconds())


def member_for(store: Store, raw: str, *, client: str = "api", now: datetime | None = None) -> User:
    """The member a bearer token acts for, re-read now. ``Throttled`` (nothing looked up) when the client
    failed too often; ``TokenRefused`` for an unknown, expired or revoked token or a disabled member — each
    recorded as a failed sign-in of the client (an empty value, no token given, is refused unrecorded)."""
    now, client = now or utcnow(), (client or "unknown")
    wait = client_wait(store, client, now)
    if wait > 0:
        raise Throttled(f"Too many failed sign-ins: wait {sign_in.in_words(wait)} before trying again.", wait)
    if not isinstance(raw, str) or not raw:
        raise TokenRefused(REFUSED)
    found = store.tokens.token_by_hash(token_hash(raw)) if len(raw) <= MAX_TOKEN else None
    if found is None or _token(found[0]).status_at(now) != "active" or not found[1].active:
        store.sign_ins.record_sign_in(now, LOGGED_AS, client, "failure")
        raise TokenRefused(REFUSED)
    row, user = found
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        try:
            store.tokens.touch_token(row.id, now)
        except Conflict:  # another request touched it at the same moment: as good
            pass
    return user


@member_action("see failed API token attempts")
def refused_since(store: Store, actor: Actor, since: datetime) -> int:
    """Refused API tokens (from any client) since ``since``. Admins only."""
    require_admin(actor, "see failed API token attempts")
    return store.sign_ins.failures_since([LOGGED_AS], since).get(LOGGED_AS, 0)
