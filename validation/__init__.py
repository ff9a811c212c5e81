"""Pure pandas/pandera validation: the domain vocabulary here, named checks and table schemas below.

The constants are defined in this module so that ``from validation import PLATFORMS`` stays
cheap (no pandera import); ``checks``, ``tables`` and ``failures`` load on first use of their names.
"""

from __future__ import annotations

import importlib
from typing import Any

PLATFORMS: tuple[str, ...] = ("whatsapp", "messenger", "instagram", "x", "email", "sms", "webchat")
ROLES: tuple[str, ...] = ("admin", "agent")
PLANS: tuple[str, ...] = ("team", "enterprise")
ATTRIBUTE_TYPES: tuple[str, ...] = ("text", "number", "date", "boolean", "list", "email", "phone", "url")
CONVERSATION_STATUSES: tuple[str, ...] = ("open", "closed")
MESSAGE_DIRECTIONS: tuple[str, ...] = ("inbound", "outbound")
#: Keys allowed in ``workspace_settings``; add a key here when a feature stores a new setting.
SETTING_KEYS: tuple[str, ...] = (
    "plan",
    "default_region",
    # the deletion log's HMAC key before the key file existed
    "deletion_hmac_secret",
    "deletion_keep_snapshot",
    "key_fingerprint",
)  # which key file the database was keyed with
SETTING_KEYS += ("purge_schedule", "purge_last", "purge_last_error")  # purging deleted data from disk
SETTING_KEYS += ("retention_schedule", "retention_last")  # data retention (issue 16)

_LAZY = {
    "checks": (
        "email_ok",
        "e164_ok",
        "language_tag_ok",
        "url_ok",
        "slug_ok",
        "no_control_chars_ok",
        "json_list_of_str_ok",
        "valid_regex_ok",
        "sha256_hex_ok",
        "lowercase_ok",
        "not_blank_ok",
        "argon2_hash_ok",
        "relative_path_ok",
        "CHECK_NAMES",
    ),
    "tables": ("TABLE_SCHEMAS",),
    "failures": ("failures_frame", "frame_failures"),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "PLATFORMS",
    "ROLES",
    "PLANS",
    "ATTRIBUTE_TYPES",
    "CONVERSATION_STATUSES",
    "MESSAGE_DIRECTIONS",
    "SETTING_KEYS",
    *_WHERE,
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'validation' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
