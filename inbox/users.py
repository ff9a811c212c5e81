"""Workspace members: add, list, disable, and sign-in with argon2-hashed passwords."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from validation import emails
from validation.checks import email_ok

from .auth import member_action, require_admin
from .errors import Conflict, InvalidInput, NotFound
from .models import ROLES, Actor, User, utcnow

if TYPE_CHECKING:
    from .store import Store

MIN_PASSWORD_LENGTH = 8
MAX_VERIFYING = 2  # password hashes computed at the same time (argon2 takes 64 MiB each)
BUSY = "Many sign-ins are being checked right now: try again in a moment."
HASHING_SLOTS = threading.BoundedSemaphore(MAX_VERIFYING)


@contextmanager
def hashing_slot(timeout: float | None = None) -> Iterator[None]:
    """Hold one of the ``MAX_VERIFYING`` slots while hashing (``Conflict`` when none frees up in time)."""
    if not HASHING_SLOTS.acquire(timeout=timeout if timeout is not None else -1):
        raise Conflict(BUSY)
    try:
        yield
    finally:
        HASHING_SLOTS.release()


def product_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's second recommendation: 64 MiB, 3 passes, 4 lanes)."""
    return PasswordHasher()


_hasher = product_hasher()
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def normalise_email(email: str) -> str:
    """The stored form of a member's e-mail (``validation.emails``); text that is none, trimmed and
    lower-cased."""
    return emails.normalise_email(email) or (email or "").strip().lower()


def _check_new_user(email: str, role: str, password: str, display_name: str) -> None:
    if not email_ok(email):
        raise InvalidInput(f"'{email}' is not a valid email address")
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, not '{role}'")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if not display_name.strip():
        raise InvalidInput("the display name must not be empty")


@member_action("add users")
def add_user(
    store: Store, actor: Actor, email: str, *, role: str, password: str, display_name: str | None = None
) -> User:
    """Create a member. Admins only.

    Raises ``InvalidInput`` (bad email, role or short password) or ``Conflict`` (email taken).
    """
    require_admin(actor, "add users")
    email = normalise_email(email)
    display_name = (display_name or email.split("@")[0]).strip()
    _check_new_user(email, role, password, display_name)
    if store.accounts.user_by_email(email):
        raise Conflict(f"a user with email {email} already exists")
    with hashing_slot():
        hashed = _hasher.hash(password)
    return store.accounts.insert_user(email, display_name, role, hashed, utcnow())


@member_action("list users")
def list_users(store: Store, actor: Actor) -> list[User]:
    """All members, active or not. Admins only."""
    require_admin(actor, "list users")
    return store.accounts.list_users()


@member_action("disable or enable users")
def set_active(store: Store, actor: Actor, email: str, active: bool) -> User | None:
    """Disable (or re-enable) a member; the last active admin cannot be disabled. Admins only. Returns the
    member as stored now."""
    require_admin(actor, "disable or enable users")
    email = normalise_email(email)
    user = store.accounts.user_by_email(email)
    if user is None:
        raise NotFound(f"no user with email {email}")
    if not active and user.role == "admin" and user.active and store.accounts.count_active_admins() <= 1:
        raise Conflict("cannot disable the last active admin: add another admin first")
    with store.tx() as cur:  # disabling ends the member's sessions in the same transaction
        store.accounts.set_user_active(email, active, cur)
        if not active:
            store.sessions.end_sessions_of(user.id, utcnow(), "member disabled", cur)
    return store.accounts.user_by_email(email)


@member_action("set passwords")
def set_password(store: Store, actor: Actor, email: str, password: str) -> User:
    """Give a member a new password and end all their sessions (in one transaction). Admins only."""
    require_admin(actor, "set passwords")
    email = normalise_email(email)
    user = store.accounts.user_by_email(email)
    if user is None:
        raise NotFound(f"no user with email {email}")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    with hashing_slot():
        hashed = _hasher.hash(password)
    with store.tx() as cur:
        store.accounts.set_user_password_hash(email, hashed, cur)
        store.sessions.end_sessions_of(user.id, utcnow(), "password changed", cur)
    return user


def check_credentials(store: Store, email: str, password: str) -> User | None:
    """Verify once (against a dummy hash for an unknown e-mail: the same work); the active user or ``None``.
    Unthrottled: call it through ``inbox.sign_in.attempt``, which holds a hashing slot meanwhile."""
    email = normalise_email(email)
    stored = store.accounts.password_hash(email) if email else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if stored is None:
        return None
    user = store.accounts.user_by_email(email)
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(stored):
        store.accounts.set_user_password_hash(email, _hasher.hash(password))
    return user


def admin_actor(store: Store, email: str) -> Actor:
    """The actor of an active admin named on the command line (``--actor``); else ``PermissionDenied``."""
    user = current_user(store, email)
    if user is None:
        raise NotFound(f"no active user with email {normalise_email(email)}")
    require_admin(user.actor, "do this")
    return user.actor


def current_user(store: Store, email: str) -> User | None:
    """Re-read a signed-in member on every page run: a disabled account is signed out."""
    user = store.accounts.user_by_email(normalise_email(email))
    return user if user is not None and user.active else None
