"""The storage package: the only place with SQL. ``Store`` is the front door over per-area repositories."""

from __future__ import annotations

import os

from .accounts import AccountsSQL
from .compact import CompactionFailed, CompactSQL
from .contacts import ContactsSQL
from .core import StoreCore, TxCursor, attachments_dir_for
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


class Store(StoreCore):
    """A DuckDB-backed store: open with a file path; migrations run on open (unless read-only).

    The core (connection, ``tx()``, ``cursor()``, migrations) is the store itself; the SQL of each area is
    a repository attribute, built here with its dependencies given explicitly: ``store.contacts``,
    ``store.layout``, ``store.imports``… A transaction spanning areas is one ``store.tx()`` whose cursor is
    passed to the repository methods that take ``cur`` (``imports.import_stage``, ``demo.demo_insert``…).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        attachments_dir: str | os.PathLike[str] | None = None,
        read_only: bool = False,
        migrate: bool = True,
    ):
        super().__init__(path, attachments_dir=attachments_dir, read_only=read_only, migrate=migrate)
        self.accounts = AccountsSQL(self)
        self.sign_ins = SignInsSQL(self)
        self.sessions = SessionsSQL(self)
        self.history = HistorySQL(self)
        self.contacts = ContactsSQL(self, history=self.history)
        self.layout = LayoutSQL(self)
        self.deletion = DeletionSQL(self)
        self.deletion_log = DeletionLogSQL(self)
        self.imports = ImportsSQL(self, deletion=self.deletion, history=self.history)
        self.crm = CrmSQL(self, layout=self.layout)
        self.stats = StatsSQL(self)
        self.demo = DemoSQL(self)
        self.integrity = IntegritySQL(self)
        self.compaction = CompactSQL(self)
        self.keys = KeysSQL(self)
        self.tokens = TokensSQL(self)
        self.retention = RetentionSQL(self, history=self.history)
        self.merge = MergeSQL(self, deletion=self.deletion, history=self.history)
        self.exports = ExportsSQL(self)
        self.notes = NotesSQL(self)


__all__ = ["AREAS", "CompactionFailed", "Store", "TxCursor", "attachments_dir_for"]
