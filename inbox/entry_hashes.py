"""The deletion log's hash recipe: an entry's canonical JSON, its keyed (HMAC) and legacy (sha256) hashes."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, datetime
from typing import Any

from validation.deletion_log import LOG_COLUMNS

_HASHED = tuple(c for c in LOG_COLUMNS if c not in ("prev_hash", "entry_hash"))


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (datetime, date)):  # pandas Timestamps too (microseconds: DuckDB's TIMESTAMP)
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def canonical_json(entry: dict[str, Any]) -> str:
    """The entry's content (every column but prev_hash and entry_hash) as canonical JSON."""
    return json.dumps(
        {k: _plain(entry[k]) for k in _HASHED}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def entry_hash(chain_key: bytes, entry: dict[str, Any]) -> str:
    """HMAC-SHA256, keyed with the chain key, of the canonical JSON of the entry's content followed by the
    previous entry's hash: without the key file nobody can recompute a chain that verifies."""
    message = (canonical_json(entry) + entry["prev_hash"]).encode("utf-8")
    return hmac.new(chain_key, message, hashlib.sha256).hexdigest()


def legacy_entry_hash(entry: dict[str, Any]) -> str:
    """The unkeyed recipe of entries written before the key file existed (sha256 of the same message)."""
    return hashlib.sha256((canonical_json(entry) + entry["prev_hash"]).encode("utf-8")).hexdigest()
