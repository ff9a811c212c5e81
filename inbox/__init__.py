"""Inbox contacts: the domain and storage layer (no UI). ``open_store`` is the entry point."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = Path("data/inbox.duckdb")


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database path: ``explicit`` if given, else ``$INBOX_DB``, else ``data/inbox.duckdb``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("INBOX_DB", "").strip()
    return Path(env) if env else DEFAULT_DB


def open_store(path: str | os.PathLike | None = None, **kwargs):
    """Open (and migrate) the store at ``db_path(path)``.

    Raises ``StoreUnavailable`` / ``StoreLocked`` with a one-line message when it cannot.
    """
    from .store import Store

    return Store(db_path(path), **kwargs)
