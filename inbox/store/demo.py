"""SQL for building synthetic demo data in bulk: id ranges from the sequences and frame inserts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .repository import Repository
from .schema import SEARCH_TEXT_SQL

if TYPE_CHECKING:
    from .core import TxCursor

# Tables the demo builder fills, with the sequence that hands out their ids.
_SEQUENCES = {
    "contacts": "contact_id_seq",
    "conversations": "conversation_id_seq",
    "messages": "message_id_seq",
    "attachments": "attachment_id_seq",
}
# Columns computed here rather than by the caller (contacts.search_text mirrors the name/identifier columns).
_DERIVED = {"contacts": ("search_text", SEARCH_TEXT_SQL)}


def _sequence(table: str) -> str:
    if table not in _SEQUENCES:
        raise ValueError(f"demo data cannot be written to table {table!r}")
    return _SEQUENCES[table]


class DemoSQL(Repository):
    """Bulk inserts used by ``inbox.demo``; the builder passes the cursor of its transaction."""

    def demo_contact_count(self, cur: TxCursor | None = None) -> int:
        """Number of contacts, read inside ``cur``'s transaction when given."""
        sql = "SELECT count(*) FROM contacts"
        return int(cur.execute(sql).fetchall()[0][0] if cur is not None else self._scalar(sql))

    def demo_reserve_ids(self, cur: TxCursor, table: str, n: int) -> int:
        """Reserve ``n`` (>= 1) consecutive ids of ``table``'s sequence; returns the first one.

        DuckDB 2.0 cannot ``ALTER SEQUENCE … RESTART`` but has ``setval``: take one ``nextval``
        and move the sequence to the end of the range, so later ``nextval`` calls continue above
        every reserved id (one statement each, whatever ``n``). Sequences are not transactional:
        a rolled-back build leaves a gap in the ids, never a duplicate.
        """
        return self.dialect.reserve_ids(cur, _sequence(table), n)

    def demo_insert(self, cur: TxCursor, table: str, frame: pd.DataFrame) -> int:
        """``INSERT`` a frame whose columns are columns of ``table`` (others get their
        default; ``contacts.search_text`` is derived here). Returns the number of rows."""
        _sequence(table)
        if frame.empty:
            return 0
        with self.dialect.frame(cur, f"demo_{table}_frame", frame) as name:
            columns = [f'"{c}"' for c in frame.columns]
            values = list(columns)
            if table in _DERIVED:
                columns.append(_DERIVED[table][0])
                values.append(_DERIVED[table][1])
            cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {name}")
        return len(frame)

    def demo_next_id(self, table: str) -> int:
        """Consume and return the next id of ``table``'s sequence (tests check that it continues)."""
        return int(self._scalar(f"SELECT nextval('{_sequence(table)}')"))
