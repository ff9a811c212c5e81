"""The storage package: the only place with SQL. ``Store`` is the front door over per-area repositories."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .accounts import AccountsSQL
from .compact import CompactionFailed, CompactSQL
from .compact_postgres import PgCompactSQL
from .contacts import ContactsSQL
from .core import StoreCore, TxCursor, attachments_dir_for
from .core_postgres import PgCore
from .crm import CrmSQL
from .deletion import DeletionSQL
from .deletion_log import DeletionLogSQL
from .demo import DemoSQL
from .exports import ExportsSQL
from .history import HistorySQL
from .imports_write import ImportsSQL
from .integrity import IntegritySQL
from .keys import KeysSQL
from .layout import LayoutSQL
from .merge import MergeSQL
from .notes import NotesSQL
from .retention import RetentionSQL
from .sessions import SessionsSQL
from .sign_ins import SignInsSQL
from .stats import StatsSQL
from .tokens import TokensSQL

#: Area name on ``Store`` → repository class (what ``tools/rewrite_store_calls.py`` maps methods by).
AREAS = {
    "accounts": AccountsSQL,
    "sign_ins": SignInsSQL,
    "sessions": SessionsSQL,
    "contacts": ContactsSQL,
    "layout": LayoutSQL,
    "deletion": DeletionSQL,
    "deletion_log": DeletionLogSQL,
    "imports": ImportsSQL,
    "crm": CrmSQL,
    "stats": StatsSQL,
    "demo": DemoSQL,
    "integrity": IntegritySQL,
    "compaction": CompactSQL,
    "keys": KeysSQL,
    "tokens": TokensSQL,
    "history": HistorySQL,
    "retention": RetentionSQL,
    "merge": MergeSQL,
    "exports": ExportsSQL,
    "notes": NotesSQL,
}


def wire(store: StoreCore | PgCore) -> None:
    """Build the repositories of ``store`` (the same on every engine), each given its dependencies."""
    s: Any = store
    s.accounts = AccountsSQL(s)
    s.sign_ins = SignInsSQL(s)
    s.sessions = SessionsSQL(s)
    s.history = HistorySQL(s)
    s.contacts = ContactsSQL(s, history=s.history)
    s.layout = LayoutSQL(s)
    s.deletion = DeletionSQL(s)
    s.deletion_log = DeletionLogSQL(s)
    s.imports = ImportsSQL(s, deletion=s.deletion, history=s.history)
    s.crm = CrmSQL(s, layout=s.layout)
    s.stats = StatsSQL(s)
    s.demo = DemoSQL(s)
    s.integrity = IntegritySQL(s)
    s.compaction = (PgCompactSQL if s.dialect.name == "postgres" else CompactSQL)(s)
    s.keys = KeysSQL(s)
    s.tokens = TokensSQL(s)
    s.retention = RetentionSQL(s, history=s.history)
    s.merge = MergeSQL(s, deletion=s.deletion, history=s.history)
    s.exports = ExportsSQL(s)
    s.notes = NotesSQL(s)


class Store(StoreCore):
    """A DuckDB-backed store: open with a file path; migrations run on open (unless read-only).

    The core (connection, ``tx()``, ``cursor()``, migrations) is the store itself; the SQL of each area is
    a repository attribute (``wire``): ``store.contacts``, ``store.layout``, ``store.imports``… A transaction
    spanning areas is one ``store.tx()`` whose cursor is passed to the repository methods that take ``cur``
    (``imports.import_stage``, ``demo.demo_insert``…).
    """

    accounts: AccountsSQL
    sign_ins: SignInsSQL
    sessions: SessionsSQL
    history: HistorySQL
    contacts: ContactsSQL
    layout: LayoutSQL
    deletion: DeletionSQL
    deletion_log: DeletionLogSQL
    imports: ImportsSQL
    crm: CrmSQL
    stats: StatsSQL
    demo: DemoSQL
    integrity: IntegritySQL
    compaction: CompactSQL
    keys: KeysSQL
    tokens: TokensSQL
    retention: RetentionSQL
    merge: MergeSQL
    exports: ExportsSQL
    notes: NotesSQL

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        attachments_dir: str | os.PathLike[str] | None = None,
        read_only: bool = False,
        migrate: bool = True,
    ):
        super().__init__(path, attachments_dir=attachments_dir, read_only=read_only, migrate=migrate)
        wire(self)


class PgStore(PgCore):
    """The same store on PostgreSQL (``PgCore``: a pool of connections to the database at ``url``); its own
    files (key file, checkpoints, attachments) in ``files_dir``, a folder every app server shares."""

    def __init__(
        self,
        url: str,
        *,
        files_dir: str | os.PathLike[str],
        attachments_dir: str | os.PathLike[str] | None = None,
        **options: Any,
    ):
        super().__init__(url, files_dir=Path(files_dir), attachments_dir=attachments_dir, **options)
        wire(self)


__all__ = ["AREAS", "CompactionFailed", "PgStore", "Store", "TxCursor", "attachments_dir_for", "wire"]
