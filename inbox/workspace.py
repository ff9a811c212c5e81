"""Workspace-wide settings (the plan) and the figures of the landing page."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from .auth import member_action, require_admin
from .errors import InvalidInput
from .models import PLANS, Actor, utcnow

if TYPE_CHECKING:
    from .store import Store


def get_plan(store: Store) -> str:
    """The workspace plan: ``team`` or ``enterprise``."""
    plan: str = store.accounts.get_setting("plan") or "team"
    return plan


@member_action("change the workspace plan")
def set_plan(store: Store, actor: Actor, plan: str) -> str:
    """Change the plan. Admins only. Raises ``InvalidInput`` for an unknown plan."""
    require_admin(actor, "change the workspace plan")
    plan = (plan or "").strip().lower()
    if plan not in PLANS:
        raise InvalidInput(f"plan must be one of {', '.join(PLANS)}, not '{plan}'")
    store.accounts.put_setting("plan", plan, actor.email, utcnow())
    return plan


DEFAULT_REGION = "US"


def default_region(store: Store) -> str:
    """The region (ISO 3166 alpha-2) used to read national phone numbers, e.g. 06 12 34 56 78 in FR."""
    region: str = store.accounts.get_setting("default_region") or DEFAULT_REGION
    return region


def checked_region(region: str) -> str:
    """A phone region code upper-cased (``fr`` → ``FR``); ``InvalidInput`` when phonenumbers lacks it."""
    import phonenumbers

    region = (region or "").strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInput(f"'{region}' is not a known region code (two letters such as FR, US, GB)")
    return region


def regions() -> list[tuple[str, str]]:
    """Every phone region as ``(code, "Country name (+code)")``, by name."""
    import phonenumbers

    from validation.phones import country_name

    named = [
        (r, f"{country_name(r)} (+{phonenumbers.country_code_for_region(r)})")
        for r in phonenumbers.SUPPORTED_REGIONS
    ]
    return sorted(named, key=lambda pair: pair[1])


@member_action("change the default phone region")
def set_default_region(store: Store, actor: Actor, region: str) -> str:
    """Change the default phone region. Admins only. Raises ``InvalidInput`` for an unknown region."""
    require_admin(actor, "change the default phone region")
    region = checked_region(region)
    store.accounts.put_setting("default_region", region, actor.email, utcnow())
    return region


def figures(store: Store, days: int = 30) -> dict[str, int]:
    """Workspace counts for the landing page (``new_contacts`` over the last ``days``)."""
    counts: dict[str, int] = store.stats.workspace_counts(utcnow() - timedelta(days=days))
    return counts
