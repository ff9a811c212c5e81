"""CRM integration (Enterprise plan): signed lookups that fill CRM-managed contact attributes.

Settings (admins, Enterprise only), the managed-attribute flags (a versioned layout change), the
panel's status and *Refresh from CRM*, *Test connection*, and the hook ``inbound.receive`` calls
for new contacts. On the Team plan no use case here ever sends a request. The protocol is in
``crm_client``, one lookup in ``crm_lookup``, the bulk sync in ``crm_sync``.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from validation.checks import no_control_chars_ok, url_ok

from . import crm_lookup, workspace
from .attributes import all_attributes, load_layout
from .auth import member_action, require_admin
from .crm_client import CrmFailure
from .crm_lookup import CRM_WRITER, LookupResult
from .errors import Conflict, InvalidInput, NotFound, PermissionDenied, Problems
from .keys import CRM_SECRET_LABEL as SECRET_LABEL
from .keys import require_keys
from .models import Actor, utcnow

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "CRM_WRITER",
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
    "lookup_counts",
    "parse_aliases",
    "refresh_contact",
    "save_settings",
    "set_managed",
    "settings_problems",
    "signing_secret",
    "test_connection",
]

TIMEOUT_MIN, TIMEOUT_MAX, DEFAULT_TIMEOUT = 0.5, 30.0, 5.0
SECRET_MIN, SECRET_MAX = 16, 256
MAX_URL, MAX_FIELD = 2000, 100
log = logging.getLogger("inbox.crm")


class SettingsInvalid(Problems):
    """CRM settings that fail validation; ``problems`` has one line per field (nothing was saved)."""


@dataclass(frozen=True)
class CrmSettings:
    """The CRM settings as people may see them: there is deliberately no secret here, only when it was set."""

    lookup_url: str
    timeout_seconds: float
    lookup_key: str
    aliases: dict
    enabled: bool
    secret_set_at: datetime
    secret_set_by: str
    updated_at: datetime
    updated_by: str


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


def is_enterprise(store: Store) -> bool:
    return workspace.get_plan(store) == "enterprise"


def _require_enterprise(store: Store, action: str) -> None:
    if not is_enterprise(store):
        raise PermissionDenied(f"{action} needs the Enterprise plan (this workspace is on Team)")


def lookup_config(store: Store, action: str) -> dict:
    """The stored settings (secret included) for a lookup; refuses on Team, unconfigured or turned off."""
    _require_enterprise(store, action)
    config = _with_secret(store)
    if config is None:
        raise InvalidInput("no CRM is configured: an admin sets it up in Admin settings › Integrations › CRM")
    if not config["enabled"]:
        raise InvalidInput("CRM lookups are turned off in Admin settings › Integrations › CRM")
    return config


def _with_secret(store: Store) -> dict | None:
    """The stored settings with the shared secret decrypted (it is stored encrypted with the key file's key)."""
    keys = require_keys(store)  # first: a database adopting its key file encrypts a plaintext secret now
    config = store.crm.crm_settings_row()
    return None if config is None else {**config, "secret": keys.decrypt(config["secret"], SECRET_LABEL)}


def signing_secret(store: Store) -> str | None:
    """The shared secret as the CRM knows it (for signing only: never display it); ``None`` when unset."""
    config = _with_secret(store)
    return None if config is None else config["secret"]


def settings_problems(store: Store) -> list[str]:
    """What no longer fits in the saved settings (e.g. an attribute deleted since), for the admin to fix."""
    settings = get_settings(store)
    if settings is None:
        return []
    keys = {a.key for a in all_attributes(store)}
    found = (
        [f"the lookup attribute {settings.lookup_key} no longer exists: choose another and save"]
        if settings.lookup_key not in keys
        else []
    )
    return found + [
        f"alias {name} → {key}: the attribute {key} no longer exists (its values are skipped)"
        for name, key in settings.aliases.items()
        if key not in keys
    ]


def get_settings(store: Store) -> CrmSettings | None:
    """The CRM settings without the secret, or ``None`` when no CRM was ever configured."""
    row = store.crm.crm_settings_row()
    return None if row is None else CrmSettings(**{k: v for k, v in row.items() if k != "secret"})


def generate_secret() -> str:
    """A new random shared secret (64 hex characters)."""
    return secrets.token_hex(32)


def parse_aliases(text: str) -> dict[str, str]:
    """``crm_field = attribute_key`` lines (blank lines and ``#`` comments skipped) as a dict.

    Raises ``SettingsInvalid`` with one problem per bad line. Attribute keys are checked on save.
    """
    aliases, problems = {}, []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, key = (p.strip() for p in line.partition("="))
        if not sep or not name or not key:
            problems.append(f"alias line {n}: write crm_field = attribute_key, not '{line[:60]}'")
        elif len(name) > MAX_FIELD or not no_control_chars_ok(name):
            problems.append(f"alias line {n}: the CRM field name must be 1–{MAX_FIELD} printable characters")
        elif name in aliases:
            problems.append(f"alias line {n}: the CRM field {name} is mapped twice")
        else:
            aliases[name] = key
    if problems:
        raise SettingsInvalid(problems)
    return aliases


def format_aliases(aliases: dict) -> str:
    return "\n".join(f"{name} = {key}" for name, key in (aliases or {}).items())


def _settings_problems(
    store: Store, lookup_url: str, timeout_seconds, lookup_key: str, aliases: dict, secret: str | None
) -> list[str]:
    keys = {a.key for a in all_attributes(store)}
    problems = []
    if not lookup_url:
        problems.append("lookup URL: required (the https:// address the CRM answers lookups on)")
    elif len(lookup_url) > MAX_URL or not url_ok(lookup_url):
        problems.append(f"lookup URL: not a web address (http:// or https://): {lookup_url[:80]}")
    try:
        timeout = float(timeout_seconds)
    except (TypeError, ValueError):
        timeout = float("nan")
    if not TIMEOUT_MIN <= timeout <= TIMEOUT_MAX:
        problems.append(
            f"timeout: between {TIMEOUT_MIN:g} and {TIMEOUT_MAX:g} seconds, not {timeout_seconds}"
        )
    if lookup_key not in keys:
        problems.append(f"lookup attribute: {lookup_key or '(none)'} is not an attribute key")
    for name, key in aliases.items():
        if key not in keys:
            problems.append(f"alias {name} → {key}: there is no attribute with the key {key}")
    if secret is None and store.crm.crm_settings_row() is None:
        problems.append("shared secret: required (type one, or generate one)")
    elif secret is not None and (
        not SECRET_MIN <= len(secret) <= SECRET_MAX or not no_control_chars_ok(secret)
    ):
        problems.append(f"shared secret: {SECRET_MIN}–{SECRET_MAX} printable characters")  # never echo it
    return problems


@member_action("change the CRM settings")
def save_settings(
    store: Store,
    actor: Actor,
    *,
    lookup_url: str,
    timeout_seconds: float,
    lookup_key: str,
    aliases: dict | str,
    enabled: bool = True,
    secret: str | None = None,
) -> CrmSettings:
    """Validate and save the CRM settings. Admins only, Enterprise only.

    ``aliases`` maps CRM field → attribute key (or is the ``field = key`` text). ``secret`` empty or
    ``None`` keeps the stored one (a first save needs one). Raises ``SettingsInvalid`` (every
    problem; nothing saved). The secret never appears in a message, a log or a return value.
    """
    require_admin(actor, "change the CRM settings")
    _require_enterprise(store, "A CRM integration")
    problems = []
    if isinstance(aliases, str):
        try:
            aliases = parse_aliases(aliases)
        except SettingsInvalid as exc:
            problems, aliases = exc.problems, {}
    lookup_url = (lookup_url or "").strip()
    lookup_key = (lookup_key or "").strip()
    secret = (secret or "").strip() or None
    problems += _settings_problems(store, lookup_url, timeout_seconds, lookup_key, aliases, secret)
    if problems:
        raise SettingsInvalid(problems)
    sealed = (
        None if secret is None else require_keys(store).encrypt(secret, SECRET_LABEL)
    )  # never stored in clear
    store.crm.save_crm_settings(
        lookup_url=lookup_url,
        timeout_seconds=float(timeout_seconds),
        lookup_key=lookup_key,
        aliases=dict(aliases),
        enabled=bool(enabled),
        secret=sealed,
        actor=actor.email,
        at=utcnow(),
    )
    return get_settings(store)


@member_action("choose the attributes managed by the CRM")
def set_managed(store: Store, actor: Actor, keys, *, base_version: int | None = None) -> int:
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
        _require_enterprise(store, "Attributes managed by a CRM")
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
    _require_enterprise(store, "A CRM connection test")
    config = _with_secret(store)
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


def after_receive(store: Store, result: dict) -> None:
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
        config = _with_secret(store)
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
