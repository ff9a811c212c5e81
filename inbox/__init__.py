"""Inbox contacts: the domain and storage layer (no UI). ``open_store`` is the entry point."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .store import Store

DEFAULT_DB = Path("data/inbox.duckdb")


FILES_ENV = "INBOX_FILES"  # PostgreSQL: the folder of the key file, checkpoints and attachments


def db_target(explicit: str | os.PathLike[str] | None = None) -> Path | str:
    """The database: ``explicit`` if given, else ``$INBOX_DB``, else ``data/inbox.duckdb``; a DuckDB file's
    path, or a ``postgresql://`` URL as it was given."""
    from .store.core_postgres import is_postgres_url

    chosen = explicit or os.environ.get("INBOX_DB", "").strip() or DEFAULT_DB
    return str(chosen) if is_postgres_url(str(chosen)) else Path(chosen)


def redacted(url: str) -> str:
    """A PostgreSQL URL as messages show it: its password replaced by ``***``."""
    from .store.core_postgres import redacted as redact

    return redact(url)


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The DuckDB file's path (``db_target``); a PostgreSQL URL is refused with a one-line message."""
    target = db_target(explicit)
    if isinstance(target, str):
        from .errors import InvalidInput

        raise InvalidInput("this works on a DuckDB database file, not on a PostgreSQL database")
    return target


def files_dir() -> Path:
    """``$INBOX_FILES``: where a PostgreSQL deployment keeps its key file, checkpoints and attachments (one
    folder every app server shares, e.g. a network mount). Required: there is no database file to put
    them next to."""
    from .errors import StoreUnavailable

    chosen = os.environ.get(FILES_ENV, "").strip()
    if not chosen:
        raise StoreUnavailable(
            f"a PostgreSQL database needs {FILES_ENV}: the folder, shared by every app server, that holds"
            " the key file, the deletion-log checkpoints and the attachments"
        )
    return Path(chosen)


def open_store(path: str | os.PathLike[str] | None = None, **kwargs: Any) -> Store:
    """Open (and migrate) the store of ``db_target(path)`` (a DuckDB file, or a PostgreSQL database whose
    files live in ``files_dir()``); a writable one then runs ``opening_steps``.

    Raises ``StoreUnavailable`` / ``StoreLocked`` with a one-line message when it cannot.
    """
    from .files import check_folder
    from .store import Store

    target = db_target(path)
    if isinstance(target, str):
        from .store import PgStore

        # (PgStore has Store's interface: the same repositories over the same core contract)
        folder = kwargs.pop("files_dir", None) or files_dir()
        store = cast("Store", PgStore(target, files_dir=folder, **kwargs))
    else:
        store = Store(target, **kwargs)
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
