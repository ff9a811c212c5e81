"""Workspace-wide settings (the plan, the phone region) and the figures of the Overview page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

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


def _listed(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def plan_change(store: Store, plan: str) -> list[str]:
    """What switching to ``plan`` changes, one sentence each, for the admin to confirm (``[]`` when it is
    the plan already). CRM marks are kept on Team but only apply on Enterprise (``attributes.crm_in_force``).
    """
    plan = (plan or "").strip().lower()
    if plan not in PLANS or plan == get_plan(store):
        return []
    marked = [d["label"] for d in store.layout.attribute_definitions() if d["crm_managed"]]
    verb = "is" if len(marked) == 1 else "are"
    configured = store.crm.crm_settings_row() is not None
    if plan == "team":
        effects = [
            "No request is sent to the CRM any more: new contacts are not looked up, and Refresh from CRM "
            "and crm sync stop. Agents no longer see when a contact was last looked up."
            + (" The CRM settings and the secret are kept." if configured else "")
        ]
        if marked:
            effects.append(
                f"{_listed(marked)} {verb} no longer managed by the CRM: agents and imports can edit "
                f"{'it' if len(marked) == 1 else 'them'}, and the current values are kept. The mark is "
                "kept: back on Enterprise, the CRM manages "
                f"{'it' if len(marked) == 1 else 'them'} again."
            )
        return effects
    effects = [
        "The CRM integration is turned on"
        + (
            ": lookups start again with the saved CRM settings."
            if configured
            else ": set it up on the CRM page (lookup URL and shared secret) before any lookup is made."
        )
    ]
    if marked:
        effects.append(
            f"{_listed(marked)} {verb} managed by the CRM again: read-only for agents and imports, and each "
            "lookup replaces the value with the CRM's (values typed meanwhile are overwritten)."
        )
    else:
        effects.append("No attribute is managed by the CRM yet: choose them on the CRM page.")
    return effects


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


def contacts_by_platform(store: Store) -> list[tuple[str, int]]:
    """``(platform, contacts)``, most contacts first (what agents and admins both see)."""
    return store.stats.contacts_by_platform()


def _days(since: date, today: date) -> list[date]:
    return [since + timedelta(days=i) for i in range((today - since).days + 1)]


@dataclass(frozen=True)
class Activity:
    """What admins see on the Overview: figures, one row per day of the window, the last layout change."""

    counts: dict[str, int]
    deletions: list[tuple[date, int]]  # every day of the window, zeros included
    imports: list[tuple[date, int, int, int]]  # day, imports, new contacts, updated contacts
    last_layout: dict[str, Any] | None  # version, saved_at, saved_by, changes (a list of sentences)


@member_action("see the workspace activity")
def activity(store: Store, actor: Actor, days: int = 30) -> Activity:
    """Deletions and imports over the last ``days`` (today included, UTC), the admin-only figures and the
    last layout change: SQL aggregates only. Admins only (agents see the contact figures)."""
    require_admin(actor, "see the workspace activity")
    today = utcnow().date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time.min)
    deleted = dict(store.stats.deletions_per_day(since))
    imported = {d: rest for d, *rest in store.stats.imports_per_day(since)}
    window = _days(first, today)
    latest = store.layout.layout_versions(1)
    return Activity(
        counts=store.stats.admin_counts(since),
        deletions=[(d, deleted.get(d, 0)) for d in window],
        imports=[(d, *imported.get(d, (0, 0, 0))) for d in window],
        last_layout=latest[0] if latest else None,
    )
