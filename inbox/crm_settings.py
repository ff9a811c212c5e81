"""CRM settings (Enterprise plan): the lookup URL, timeout, aliases and encrypted shared secret, validated.

The plan check and the stored settings with their secret (for a lookup) live here too; ``crm`` uses them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from validation.checks import no_control_chars_ok, url_ok

from . import workspace
from .attributes import all_attributes
from .auth import member_action, require_admin
from .errors import InvalidInput, PermissionDenied, Problems
from .key_file import CRM_SECRET_LABEL as SECRET_LABEL
from .keys import require_keys
from .models import Actor, utcnow

if TYPE_CHECKING:
    from .store import Store

TIMEOUT_MIN, TIMEOUT_MAX, DEFAULT_TIMEOUT = 0.5, 30.0, 5.0
SECRET_MIN, SECRET_MAX = 16, 256
MAX_URL, MAX_FIELD = 2000, 100


class SettingsInvalid(Problems):
    """CRM settings that fail validation; ``problems`` has one line per field (nothing was saved)."""


@dataclass(frozen=True)
class CrmSettings:
    """The CRM settings as people may see them: there is deliberately no secret here, only when it was set."""

    lookup_url: str
    timeout_seconds: float
    lookup_key: str
    aliases: dict[str, str]
    enabled: bool
    secret_set_at: datetime
    secret_set_by: str
    updated_at: datetime
    updated_by: str


def is_enterprise(store: Store) -> bool:
    return workspace.get_plan(store) == "enterprise"


def require_enterprise(store: Store, action: str) -> None:
    if not is_enterprise(store):
        raise PermissionDenied(f"{action} needs the Enterprise plan (this workspace is on Team)")


def lookup_config(store: Store, action: str) -> dict[str, Any]:
    """The stored settings (secret included) for a lookup; refuses on Team, unconfigured or turned off."""
    require_enterprise(store, action)
    config = with_secret(store)
    if config is None:
        raise InvalidInput("no CRM is configured: an admin sets it up in Admin settings › Integrations › CRM")
    if not config["enabled"]:
        raise InvalidInput("CRM lookups are turned off in Admin settings › Integrations › CRM")
    return config


def with_secret(store: Store) -> dict[str, Any] | None:
    """The stored settings with the shared secret decrypted (stored encrypted with the key file's key)."""
    keys = require_keys(store)  # first: a database adopting its key file encrypts a plaintext secret now
    config = store.crm.crm_settings_row()
    return None if config is None else {**config, "secret": keys.decrypt(config["secret"], SECRET_LABEL)}


def signing_secret(store: Store) -> str | None:
    """The shared secret as the CRM knows it (for signing only: never display it); ``None`` when unset."""
    config = with_secret(store)
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


def format_aliases(aliases: dict[str, str]) -> str:
    return "\n".join(f"{name} = {key}" for name, key in (aliases or {}).items())


def _settings_problems(
    store: Store,
    lookup_url: str,
    timeout_seconds: Any,
    lookup_key: str,
    aliases: dict[str, str],
    secret: str | None,
) -> list[str]:
    keys = {a.key for a in all_attributes(store)}
    problems: list[str] = []
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
    aliases: dict[str, str] | str,
    enabled: bool = True,
    secret: str | None = None,
) -> CrmSettings:
    """Validate and save the CRM settings. Admins only, Enterprise only.

    ``aliases`` maps CRM field → attribute key (or is the ``field = key`` text). ``secret`` empty or
    ``None`` keeps the stored one (a first save needs one). Raises ``SettingsInvalid`` (every
    problem; nothing saved). The secret never appears in a message, a log or a return value.
    """
    require_admin(actor, "change the CRM settings")
    require_enterprise(store, "A CRM integration")
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
    saved = get_settings(store)
    assert saved is not None  # (just saved)
    return saved
