"""Sign-in throttling: per-account and per-client delays, a lock after many failures, few hashes at once."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .auth import member_action, require_admin
from .models import Actor, User, utcnow
from .users import BUSY, HASHING_SLOTS, MAX_VERIFYING, check_credentials, normalise_email  # noqa: F401

if TYPE_CHECKING:
    from .store import Store

ACCOUNT_FREE = 5  # failures of one e-mail (typed, known or not) before each attempt must wait
CLIENT_FREE = 10  # failures from one client (IP address), whatever e-mail, before it must wait
FIRST_DELAY = timedelta(seconds=5)  # the first wait; it doubles with each further failure...
MAX_DELAY = timedelta(minutes=15)  # ...up to this
LOCK_AFTER = 20  # failures of one e-mail that lock it for LOCK_TIME (or until an admin unlocks it)
LOCK_TIME = timedelta(hours=1)
ACCOUNT_WINDOW = timedelta(hours=24)  # failures older than this (or before a success/unlock) no longer count
CLIENT_WINDOW = timedelta(hours=1)
RECENT = timedelta(hours=24)  # "recent failures" on the Members page
KEEP_LOG = timedelta(days=90)  # sign-in attempts older than this are pruned
WAIT_FOR_SLOT = 10.0  # seconds an attempt waits for a free slot before it is refused as busy

WRONG = "wrong email or password"


def client_address(peer: str | None, headers: Mapping[str, str]) -> str:
    """Who is asking, for throttling (sign-in form and API alike): the connection's IP address ``peer``, or
    the first address of the header named by ``$INBOX_CLIENT_IP_HEADER`` when a trusted proxy sets it."""
    header = os.environ.get("INBOX_CLIENT_IP_HEADER", "").strip()
    if header:
        forwarded = (headers.get(header) or "").split(",")[0].strip()
        if forwarded:
            return forwarded[:100]
    return peer or "localhost"


def delay(failures: int, free: int) -> timedelta:
    """The wait after the last of ``failures``: none below ``free``, then 5 s doubling up to 15 min."""
    if failures < free:
        return timedelta(0)
    factor: int = 2 ** min(failures - free, 20)  # failures >= free here: a whole power of two
    return min(FIRST_DELAY * factor, MAX_DELAY)


def in_words(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@dataclass(frozen=True)
class Throttle:
    """Whether an attempt may verify a password now: ``wait`` seconds left, ``locked_until`` when locked."""

    wait: float = 0.0
    locked_until: datetime | None = None

    @property
    def blocked(self) -> bool:
        return self.wait > 0 or self.locked_until is not None


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt: ``user`` when signed in; else ``message`` (the same for any e-mail)."""

    user: User | None
    outcome: str  # success, failure, throttled, locked, busy
    message: str = ""
    wait: float = 0.0


def throttle(store: Store, email: str, client: str, now: datetime) -> Throttle:
    """The delays that apply to ``email`` (as typed, normalised) and ``client`` at ``now``."""
    n, last = store.sign_ins.account_failures(email, now - ACCOUNT_WINDOW)
    if n >= LOCK_AFTER and last is not None and now < last + LOCK_TIME:
        return Throttle(wait=(last + LOCK_TIME - now).total_seconds(), locked_until=last + LOCK_TIME)
    waits = [(last + delay(n, ACCOUNT_FREE) - now).total_seconds() if last else 0.0]
    n, last = store.sign_ins.client_failures(client, now - CLIENT_WINDOW)
    waits.append((last + delay(n, CLIENT_FREE) - now).total_seconds() if last else 0.0)
    return Throttle(wait=max(0.0, *waits))


def _refusal(state: Throttle) -> SignIn:
    if state.locked_until is not None:
        return SignIn(
            None,
            "locked",
            f"Too many failed sign-ins with this email: it is locked for "
            f"{in_words(state.wait)}, or until an admin unlocks it.",
            state.wait,
        )
    return SignIn(
        None,
        "throttled",
        f"Too many failed sign-ins: wait {in_words(state.wait)} before trying again.",
        state.wait,
    )


def attempt(
    store: Store, email: str, password: str, *, client: str | None = None, now: datetime | None = None
) -> SignIn:
    """Sign in with throttling. Every attempt is recorded (time, e-mail typed, client, outcome). An unknown
    e-mail and a wrong password get the same answer after the same work (one hash verified); a throttled
    or locked attempt verifies nothing and is refused even with the right password."""

    now = now or utcnow()
    email, client = normalise_email(email or ""), (client or "unknown")
    state = throttle(store, email, client, now)
    if state.blocked:
        return _recorded(store, now, email, client, _refusal(state))
    if not HASHING_SLOTS.acquire(timeout=WAIT_FOR_SLOT):
        return _recorded(store, now, email, client, SignIn(None, "busy", BUSY))
    try:
        state = throttle(store, email, client, now)  # again: attempts that held the slots are recorded now
        if state.blocked:
            return _recorded(store, now, email, client, _refusal(state))
        user = check_credentials(store, email, password)
        result = SignIn(user, "success") if user else SignIn(None, "failure", WRONG)
        _recorded(store, now, email, client, result)
    finally:
        HASHING_SLOTS.release()
    if user is not None:
        store.accounts.touch_sign_in(email, now)
        store.sign_ins.prune_sign_ins(now - KEEP_LOG)
    return result


def _recorded(store: Store, now: datetime, email: str, client: str, result: SignIn) -> SignIn:
    store.sign_ins.record_sign_in(now, email, client, result.outcome)
    return result


@dataclass(frozen=True)
class MemberSignIns:
    """What the Members page shows per member."""

    email: str
    last_sign_in_at: datetime | None
    recent_failures: int
    locked_until: datetime | None


@member_action("see sign-in activity")
def overview(store: Store, actor: Actor, *, now: datetime | None = None) -> dict[str, MemberSignIns]:
    """Per member e-mail: last sign-in, failures in the last 24 h, until when it is locked. Admins only."""
    require_admin(actor, "see sign-in activity")
    now = now or utcnow()
    members = store.accounts.list_users()
    failures = store.sign_ins.failures_since([u.email for u in members], now - RECENT)
    return {
        u.email: MemberSignIns(
            u.email,
            u.last_sign_in_at,
            failures.get(u.email, 0),
            throttle(store, u.email, "", now).locked_until,
        )
        for u in members
    }


@member_action("unlock sign-ins")
def unlock(store: Store, actor: Actor, email: str, *, now: datetime | None = None) -> bool:
    """Lift the lock and the delays of an e-mail (its failures so far no longer count). Admins only.
    Returns whether it was locked."""

    require_admin(actor, "unlock sign-ins")
    now, email = now or utcnow(), normalise_email(email)
    was_locked = throttle(store, email, "", now).locked_until is not None
    store.sign_ins.record_sign_in(now, email, f"unlocked by {actor.email}", "unlocked")
    return was_locked


def authenticate(store: Store, email: str, password: str, *, client: str = "library") -> User | None:
    """The active user with these credentials, or ``None`` (never says which part was wrong).

    Throttled like the sign-in page (``attempt``, which the page calls to show why)."""
    return attempt(store, email, password, client=client).user
