"""SQL reading the deletion log: the report's filters and aggregates, lookups by keyed hash, the chain."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pandas as pd

from .deletion import GENESIS, HMAC_COLS, LOG_COLS
from .repository import Repository


def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """WHERE clause of the report filters (fixed SQL; values are parameters)."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.get("since") is not None:
        clauses.append("deleted_at >= ?")
        params.append(filters["since"])
    if filters.get("until") is not None:
        clauses.append("deleted_at < ?")
        params.append(filters["until"])
    for column, key in (("deleted_by", "admins"), ("platform", "platforms"), ("reason", "reasons")):
        if filters.get(key):
            clauses.append(f"list_contains(?::VARCHAR[], {column})")
            params.append([str(v) for v in filters[key]])
    text = filters.get("text")
    if text and not re.search(r"[\\%_]", text):  # ILIKE is twice as fast as contains(lower(…)) over 1M rows
        clauses.append("(identity_hint ILIKE ? OR display_name ILIKE ?)")
        params += [f"%{text}%"] * 2
    elif text:  # a wildcard character: match it literally
        clauses.append(
            "(contains(lower(identity_hint), ?) OR contains(lower(coalesce(display_name, '')), ?))"
        )
        params += [text.lower()] * 2
    if filters.get("after_id") is not None:
        clauses.append("id > ?")
        params.append(int(filters["after_id"]))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class DeletionLogSQL(Repository):
    """Reads of the append-only deletion log (nothing here writes it)."""

    # -- reading the log ----------------------------------------------------------------------
    def deletion_log_head(self) -> tuple[int, str]:
        row = self._one("SELECT entries, last_hash FROM deletion_log_head WHERE id = 1")
        return (int(row[0]), row[1]) if row else (0, GENESIS)

    def iter_deletion_log(self, chunk: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """Every entry (LOG_COLS tuples) in id order, ``chunk`` rows at a time."""
        after = 0
        while True:
            rows = self._rows(
                f"SELECT {', '.join(LOG_COLS)} FROM deletion_log WHERE id > ? ORDER BY id LIMIT ?",
                [after, int(chunk)],
            )
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def deletion_log_frame(
        self, filters: dict[str, Any], *, limit: int, newest_first: bool = False
    ) -> pd.DataFrame:
        """Entries matching ``filters`` (see ``_where``) as a frame of LOG_COLS, at most ``limit``."""
        where, params = _where(filters)
        order = "id DESC" if newest_first else "id"
        # Pick the ids first, then read the wide rows of those only (5x faster than a top-N over every
        # column).
        return self._df(
            f"SELECT {', '.join(LOG_COLS)} FROM deletion_log WHERE id IN (SELECT id FROM deletion_log"
            f"{where} ORDER BY {order} LIMIT ?) ORDER BY {order}",
            params + [int(limit)],
        )

    def deletion_log_aggregates(self, filters: dict[str, Any]) -> pd.DataFrame:
        """One scan: totals (dim ``all``) and counts per week, admin, platform and reason of the matches."""
        where, params = _where(filters)
        return self._df(
            "SELECT CASE GROUPING(week, deleted_by, platform, reason) WHEN 15 THEN 'all'"
            " WHEN 7 THEN 'week' WHEN 11 THEN 'admin' WHEN 13 THEN 'platform' ELSE 'reason' END AS dim,"
            " coalesce(CAST(CAST(week AS DATE) AS VARCHAR), deleted_by, platform, reason) AS key,"
            " count(*) AS entries, sum(conversations) AS conversations, sum(messages) AS messages,"
            " sum(attachments) AS attachments,"
            " sum(bytes) AS bytes, min(deleted_at) AS first_at, max(deleted_at) AS last_at"
            " FROM (SELECT date_trunc('week', deleted_at) AS week, * FROM deletion_log"
            f"{where}) l GROUP BY GROUPING SETS ((week), (deleted_by), (platform), (reason), ())",
            params,
        )

    def setting_change(self, key: str) -> dict[str, Any] | None:
        """A workspace setting of the deletion log with who changed it last and when (``None``: never set)."""
        rows = self._rows("SELECT value, updated_at, updated_by FROM workspace_settings WHERE key = ?", [key])
        return dict(zip(("value", "at", "by"), rows[0], strict=True)) if rows else None

    def deletion_log_admins(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT DISTINCT deleted_by FROM deletion_log ORDER BY 1")]

    def deletion_lookup(self, hashes: dict[str, list[str]]) -> list[dict[str, Any]]:
        """Entries whose ``<kind>_hmac`` is one of ``hashes[kind]`` (kinds: email, phone, handle,
        external_id)."""
        lists = [list(hashes.get(c[:-5], [])) for c in HMAC_COLS]
        if not any(lists):
            return []
        hits = [f"list_contains(${i + 1}::VARCHAR[], {c})" for i, c in enumerate(HMAC_COLS)]
        rows = self._rows(
            f"SELECT id, deleted_at, deleted_by, platform, reason, {', '.join(hits)} FROM deletion_log"
            f" WHERE {' OR '.join(hits)} ORDER BY id",
            lists,
        )
        out: list[dict[str, Any]] = []
        for r in rows:
            matched = [c[:-5] for c, hit in zip(HMAC_COLS, r[5:], strict=True) if hit]
            out.append(
                dict(
                    zip(("id", "deleted_at", "deleted_by", "platform", "reason"), r[:5], strict=True),
                    matched=matched,
                )
            )
        return out

    def deleted_identifiers(self, hashes: pd.DataFrame) -> list[tuple[int, int]]:
        """``(line, log entry id)`` for the keyed hashes in ``hashes`` (columns line, kind, hash; kinds
        email, phone, handle, external_id) that a log entry holds: equality joins, one per kind."""
        if hashes.empty:
            return []
        with self.cursor() as cur:
            cur.register("erase_hashes", hashes)
            try:
                return [
                    (int(a), int(b))
                    for a, b in cur.execute(
                        " UNION ".join(
                            "SELECT h.line, d.id FROM erase_hashes h"
                            f" JOIN deletion_log d ON d.{c} = h.hash"
                            f" WHERE h.kind = '{c[:-5]}'"
                            for c in HMAC_COLS
                        )
                        + " ORDER BY 1, 2"
                    ).fetchall()
                ]
            finally:
                cur.unregister("erase_hashes")
