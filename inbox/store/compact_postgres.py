"""Compaction on PostgreSQL: ``VACUUM FULL`` rewrites every table of the store, so deleted rows' bytes leave
the table files (DuckDB's ``compact`` rewrites its file instead: ``inbox.store.compact``)."""

from __future__ import annotations

import time
from typing import Any

from .compact import CompactionFailed
from .repository import Repository


class PgCompactSQL(Repository):
    """``compact`` and ``discard_stale_copy`` with DuckDB's ``CompactSQL`` contract, on PostgreSQL."""

    def discard_stale_copy(self) -> bool:
        """Nothing to remove: PostgreSQL's rewrite leaves no copy behind, even when interrupted."""
        return False

    def deletion_log_count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM deletion_log"))

    def compact(self) -> dict[str, Any]:
        """``VACUUM (FULL, ANALYZE)`` of each of the store's tables, one at a time (each holds its table's
        exclusive lock only while it is rewritten; an interrupted run leaves every table whole). Returns the
        database's bytes before/after and the seconds taken."""
        if self.read_only:
            raise CompactionFailed("the database is open read-only; it cannot be compacted")
        size = "SELECT pg_database_size(current_database())"
        started = time.perf_counter()
        before = int(self._scalar(size))
        with self.cursor() as cur:  # autocommit: VACUUM cannot run inside a transaction
            for table in sorted(self.dialect.table_names(cur)):
                cur.execute(f'VACUUM (FULL, ANALYZE) "{table}"')
        return {
            "database": str(self.path),
            "bytes_before": before,
            "bytes_after": int(self._scalar(size)),
            "seconds": round(time.perf_counter() - started, 3),
        }
