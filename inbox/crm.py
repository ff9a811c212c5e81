"""CRM integration (Enterprise plan): signed lookups that fill CRM-managed contact attributes.

Settings (admins, Enterprise only), the managed-attribute flags (a versioned layout change), the
panel's status and *Refresh from CRM*, *Test connection*, and the hook ``inbound.receive`` calls
for new contacts. On the Team plan no use case here ever sends a request. The protocol is in
``crm_client``, one lookup in ``crm_lookup``, the bulk sync in ``crm_sync``, the settings (and their
checks) in ``crm_settings``, whose names this module re-exports.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import crm_lookup, workspace
from .attributes import all_attributes, load_layout
from .auth import member_action, require_admin
from .crm_client import CrmFailure
from .crm_lookup import CRM_WRITER, LookupResult
from .crm_settings import (
    DEFAULT_TIMEOUT,
    TIMEOUT_MAX,
    TIMEOUT_MIN,
    CrmSettings,
    SettingsInvalid,
    format_aliases,
    generate_secret,
    get_settings,
    is_enterprise,
    lookup_config,
    parse_aliases,
    require_enterprise,
    save_settings,
    settings_problems,
    signing_secret,
    with_secret,
)
from .errors import Conflict, InvalidInput, NotFound, PermissionDenied
from .models import Actor, utcnow

if TYPE_CHECKING:
    from .store import Store

__all__ = [  # the settings are in crm_settings, and reachable from here as before
    "CRM_WRITER",
    "DEFAULT_TIMEOUT",
    "TIMEOUT_MAX",
    "TIMEOUT_MIN",
    "ContactStatus",
    "CrmSettings",
    "LookupResult",
    "SettingsInvalid",
    "after_receive",
    "contact_status",
    "format_aliases",
    "generate_secret",
    "get_settings",
    "is_enterprise",
    "lookup_config",
    "lookup_counts",
    "parse_aliases",
    "refresh_contact",
    "save_settings",
    "set_managed",
    "settings_problems",
    "signing_secret",
    "test_connection",
]

log = logging.getLogger("inbox.crm")


@dataclass(frozen=True)
class ContactStatus:
    """The panel's CRM block: whether lookups are on, and the contact's last lookup (``None``: never)."""

    enabled: bool
    ok: bool | None = None
    attempted_at: datetime | None = None
    validated_at: datetime | None = None
    error: str | None = None
    written: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


@member_action("choose the attributes managed by the CRM")
def set_managed(
    store: Store, actor: Actor, keys: Iterable[str] | None, *, base_version: int | None = None
) -> int:
    """Make exactly ``keys`` the attributes managed by the CRM (read-only in the panel and in imports).

    Admins only. Recorded as a new version of the attribute layout (history shows it). Marking an
    attribute managed needs the Enterprise plan; releasing one does not. ``base_version`` (the layout
    version the admin saw) guards against a concurrent layout change (``Conflict``). Returns the
    layout version (unchanged when nothing changed).
    """
    require_admin(actor, "choose the attributes managed by the CRM")
    version, layout = load_layout(store)
    base_version = version if base_version is None else int(base_version)
    by_key = {d["key"]: d for d in layout}
    keys = list(dict.fromkeys(keys or []))
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise InvalidInput(f"no attribute with the key {', '.join(unknown)}")
    added = [by_key[k]["label"] for k in keys if not by_key[k]["crm_managed"]]
    removed = [d["label"] for d in layout if d["crm_managed"] and d["key"] not in keys]
    if added:
        require_enterprise(store, "Attributes managed by a CRM")
    if not added and not removed:
        if version != base_version:
            raise Conflict("the attribute layout changed since you loaded this page; reload")
        return version
    changes = [f"{label} now managed by the CRM (read-only)" for label in added]
    changes += [f"{label} no longer managed by the CRM (editable)" for label in removed]
    snapshot = [{**d, "crm_managed": d["key"] in keys} for d in layout]
    return store.crm.set_crm_managed(
        base_version=base_version,
        managed_keys=keys,
        snapshot=snapshot,
        changes=changes,
        saved_by=actor.email,
        saved_at=utcnow(),
    )


def contact_status(store: Store, contact_id: int) -> ContactStatus | None:
    """The panel's CRM block for a contact, or ``None`` on the Team plan or before a CRM is configured."""
    if not is_enterprise(store):
        return None
    config = store.crm.crm_settings_row()
    if config is None:
        return None
    row = store.crm.crm_lookup_status(contact_id)
    if row is None:
        return ContactStatus(enabled=config["enabled"])
    return ContactStatus(
        enabled=config["enabled"],
        ok=row["ok"],
        attempted_at=row["attempted_at"],
        validated_at=row["last_success_at"],
        error=row["last_error"],
        written=tuple(row["written"]),
        skipped=tuple(row["skipped"]),
    )


def lookup_counts(store: Store) -> dict[str, int]:
    """Contacts by CRM status: ``validated``, ``failed`` (last lookup failed) and ``never`` looked up."""
    return store.crm.crm_lookup_counts()


@member_action("refresh a contact from the CRM", admin=False)
def refresh_contact(store: Store, actor: Actor, contact_id: int) -> LookupResult:
    """*Refresh from CRM*: look the contact up now (admins and agents). The outcome is recorded and
    returned (``ok`` false with the reason on any CRM failure, the contact unchanged). Raises
    ``PermissionDenied`` on the Team plan, ``InvalidInput`` when no CRM is configured or it is off,
    ``NotFound`` for a deleted contact."""
    if not isinstance(actor, Actor) or actor.role not in ("admin", "agent", "system"):
        raise PermissionDenied("sign in to look contacts up in the CRM")
    config = lookup_config(store, "A CRM lookup")
    result = crm_lookup.run(
        store,
        int(contact_id),
        config,
        by=actor.email,
        trigger="manual",
        region=workspace.default_region(store),
    )
    if result.error_kind == "not_found":
        raise NotFound(f"contact {contact_id} no longer exists (it may have been deleted)")
    return result


@member_action("test the CRM connection")
def test_connection(store: Store, actor: Actor) -> LookupResult:
    """*Test connection*: send a signed sample lookup (``"test": true``, no contact) with the saved settings
    and report what the answer would fill. Admins only; writes nothing and records nothing."""
    require_admin(actor, "test the CRM connection")
    require_enterprise(store, "A CRM connection test")
    config = with_secret(store)
    if config is None:
        raise InvalidInput("save the CRM settings first, then test the connection")
    body = {
        "test": True,
        "contact_id": None,
        "platform": "webchat",
        "handle": "connection-test",
        "display_name": None,
        "lookup": {"key": config["lookup_key"], "value": None},
        "attributes": {},
    }
    started = time.monotonic()
    try:
        answer, attempts = crm_lookup.call(config, body)
    except CrmFailure as exc:
        message = exc.message
        if "HTTP 404" in message:  # for a test, 404 means a wrong URL more often than an unknown contact
            message = (
                'the CRM answered HTTP 404: check the lookup URL (a request with "test": true should be '
                "answered with a signed {})"
            )
        return LookupResult(
            None, ok=False, error=message, error_kind=exc.kind, seconds=time.monotonic() - started
        )
    definitions = {a.key: a for a in all_attributes(store)}
    mapped, ignored, skipped = crm_lookup.map_fields(answer, config["aliases"], definitions)
    return LookupResult(
        None,
        ok=True,
        written=sorted(mapped),
        skipped=skipped,
        ignored=ignored,
        fields=len(answer),
        attempts=attempts,
        seconds=time.monotonic() - started,
    )


def after_receive(store: Store, result: dict[str, Any]) -> None:
    """Called by ``inbound.receive`` after it stored a message; looks up new contacts in the CRM.

    Only for a new contact on an Enterprise workspace with a CRM configured and turned on. Never
    raises: a failure is recorded as the contact's CRM status, and the message stays stored.
    """
    try:
        if not result.get("new_contact") or not is_enterprise(store):
            return
        config = store.crm.crm_settings_row()
        if config is None or not config["enabled"]:
            return
        config = with_secret(store)
        if config is None:  # removed meanwhile
            return
        crm_lookup.run(
            store,
            int(result["contact_id"]),
            config,
            by="inbox (new contact)",
            trigger="new_contact",
            region=workspace.default_region(store),
        )
    except Exception as exc:  # noqa: BLE001 — receiving a message must never fail because of the CRM
        log.warning("CRM lookup of a new contact failed: %s", type(exc).__name__)
