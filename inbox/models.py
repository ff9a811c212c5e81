"""Small value objects shared by the use cases: actors, users, constants and the UTC clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from validation import ATTRIBUTE_TYPES, PLANS, PLATFORMS, ROLES  # one vocabulary for schemas and code

__all__ = ["ATTRIBUTE_TYPES", "PLANS", "PLATFORMS", "ROLES", "Actor", "SYSTEM", "User", "utcnow"]


def utcnow() -> datetime:
    """Current time in UTC as a naive datetime (the store keeps every timestamp in UTC)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a signed-in user, or the local operator running the CLI.

    ``role`` is ``admin``, ``agent`` or ``system`` (the operator with shell access to the
    database file, who may do what an admin may).
    """

    email: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role in ("admin", "system")


SYSTEM = Actor(email="system (cli)", role="system")


@dataclass(frozen=True)
class User:
    """A workspace member as stored (without the password hash)."""

    id: int
    email: str
    display_name: str
    role: str
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None = None

    @property
    def actor(self) -> Actor:
        return Actor(email=self.email, role=self.role)
