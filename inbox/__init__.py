"""Inbox contacts: the domain and storage layer (no UI). ``open_store`` is the entry point."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import Store

DEFAULT_DB = Path("data/inbox.duckdb")


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database path: ``explicit`` if given, else ``$INBOX_DB``, else ``data/inbox.duckdb``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("INBOX_DB", "").strip()
    return Path(env) if env else DEFAULT_DB


def open_store(path: str | os.PathLike[str] | None = None, **kwargs: Any) -> Store:
    """Open (and migrate) the store at ``db_path(path)``; a writable one then runs ``opening_steps``.

    Raises ``StoreUnavailable`` / ``StoreLocked`` with a one-line message when it cannot.
    """
    from .files import check_folder
    from .store import Store

    store = Store(db_path(path), **kwargs)
    try:
        check_folder(store.attachments_dir)  # a file in its place: said at open, not at the first attachment
        if not store.read_only:
            opening_steps(store)
    except BaseException:
        store.close()
        raise
    return store


def opening_steps(store: Store) -> None:
    """What every writable open does, in this order (the app, the CLI and the tests all open through here):

    1. the key file: created for a new database, adopted by an old one (``inbox.keys.prepare``);
    2. the file step (``inbox.deletion.remove_orphan_files``): finish the attachment removals a crash
       interrupted, then the orphan-file sweep (``inbox.files.sweep_orphans``: unreferenced attachment files
       older than ten minutes);
    3. a copy an interrupted ``compact`` left next to the database file is removed (``inbox.compaction``).
    """
    from .deletion import remove_orphan_files
    from .keys import prepare

    prepare(store)
    remove_orphan_files(store)
    store.compaction.discard_stale_copy()
