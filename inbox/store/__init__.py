"""The storage package: the only place with SQL. ``Store`` is the one interface use cases call."""

from .accounts import AccountsSQL
from .compact import CompactionFailed, CompactSQL
from .contacts import ContactsSQL
from .crm import CrmSQL
from .core import StoreCore, TxCursor, attachments_dir_for
from .deletion import DeletionSQL
from .deletion_log import DeletionLogSQL
from .demo import DemoSQL
from .imports import ImportsSQL
from .integrity import IntegritySQL
from .keys import KeysSQL
from .layout import LayoutSQL
from .sign_ins import SignInsSQL
from .stats import StatsSQL


class Store(AccountsSQL, SignInsSQL, ContactsSQL, LayoutSQL, DeletionSQL, DeletionLogSQL, ImportsSQL, CrmSQL,
            StatsSQL, DemoSQL, IntegritySQL, CompactSQL, KeysSQL, StoreCore):
    """A DuckDB-backed store: open with a file path; migrations run on open (unless read-only)."""


__all__ = ["CompactionFailed", "Store", "TxCursor", "attachments_dir_for"]
