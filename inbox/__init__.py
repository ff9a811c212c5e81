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

    from .files import check_folder

    store = Store(db_path(path), **kwargs)
    try:
        check_folder(store.attachments_dir)  # a file in its place: said at open, not at the first attachment
        if not store.read_only:
            from .deletion import remove_orphan_files
            from .keys import prepare

            prepare(store)  # the key file: created for a new database, adopted by an old one (see inbox.keys)
            remove_orphan_files(store)  # finish attachment removals a crash interrupted (see inbox.deletion)
            # a copy an interrupted `compact` left next to the file (inbox.compaction)
            store.compaction.discard_stale_copy()
    except BaseException:
        store.close()
        raise
    return store
