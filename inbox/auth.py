"""Role checks used by every admin-only use case (the UI hiding a page is not enough)."""

from __future__ import annotations

from .errors import PermissionDenied
from .models import Actor


def require_admin(actor: Actor, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may perform admin-only ``action``."""
    if actor is None or not isinstance(actor, Actor) or not actor.is_admin:
        who = getattr(actor, "email", "unknown user")
        raise PermissionDenied(f"only admins can {action} ({who} is not an admin)")
