"""SQL for the figures and charts of the Overview page: aggregates only, fast at a million contacts."""

from __future__ import annotations

from datetime import date, datetime

from .repository import Repository


class StatsSQL(Repository):
    """Counts over the whole workspace."""

    def workspace_counts(self, since: datetime) -> dict[str, int]:
        row = self._rows(
            "SELECT (SELECT count(*) FROM contacts),"
            " (SELECT count(*) FROM contacts WHERE created_at >= ?),"
            " (SELECT count(*) FROM conversations),"
            " (SELECT count(*) FROM conversations WHERE status = 'open'),"
            " (SELECT count(*) FROM messages)",
            [since],
        )[0]  # a SELECT without FROM: always one row
        keys = ("contacts", "new_contacts", "conversations", "open_conversations", "messages")
        return dict(zip(keys, (int(v) for v in row), strict=True))

    def contacts_by_platform(self) -> list[tuple[str, int]]:
        """``(platform, contacts)``, most contacts first (one GROUP BY, no row leaves the database)."""
        rows = self._rows(
            "SELECT platform, count(*) AS n FROM contacts GROUP BY platform ORDER BY n DESC, platform"
        )
        return [(str(p), int(n)) for p, n in rows]

    def deletions_per_day(self, since: datetime) -> list[tuple[date, int]]:
        """``(day, deletions)`` for the days since ``since`` that have any (UTC days)."""
        rows = self._rows(
            "SELECT CAST(deleted_at AS DATE) AS day, count(*) FROM deletion_log WHERE deleted_at >= ?"
            " GROUP BY day ORDER BY day",
            [since],
        )
        return [(d, int(n)) for d, n in rows]

    def imports_per_day(self, since: datetime) -> list[tuple[date, int, int, int]]:
        """``(day, imports, new contacts, updated contacts)`` of the imports still in place (undone ones
        excepted) for the days since ``since`` that have any."""
        rows = self._rows(
            "SELECT CAST(created_at AS DATE) AS day, count(*), sum(inserted), sum(updated)"
            " FROM import_batches WHERE created_at >= ? AND status = 'committed' GROUP BY day ORDER BY day",
            [since],
        )
        return [(d, int(n), int(new or 0), int(upd or 0)) for d, n, new, upd in rows]

    def admin_counts(self, since: datetime) -> dict[str, int]:
        """What only admins see: deletions and imports since ``since``, custom attributes, all deletions."""
        row = self._rows(
            "SELECT (SELECT count(*) FROM deletion_log WHERE deleted_at >= ?),"
            " (SELECT count(*) FROM deletion_log),"
            " (SELECT count(*) FROM import_batches WHERE created_at >= ? AND status = 'committed'),"
            " (SELECT count(*) FROM attribute_definitions WHERE NOT builtin),"
            " (SELECT count(*) FROM attribute_definitions WHERE enabled)",
            [since, since],
        )[0]  # a SELECT without FROM: always one row
        keys = ("recent_deletions", "deletions", "recent_imports", "custom_attributes", "shown_attributes")
        return dict(zip(keys, (int(v) for v in row), strict=True))

    def table_counts(self) -> dict[str, int]:
        tables = ("contacts", "attribute_values", "conversations", "messages", "attachments", "users")
        row = self._rows("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables))[0]
        return dict(zip(tables, (int(v) for v in row), strict=True))

    def operations_counts(self, since: datetime) -> dict[str, int]:
        """What /metrics reads at each scrape: contacts, deletion log entries, imported rows by action (undone
        imports included: they were committed), failed sign-ins and refused tokens since ``since``."""
        row = self._rows(
            "SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM deletion_log),"
            " (SELECT coalesce(sum(inserted), 0) FROM import_batches),"
            " (SELECT coalesce(sum(updated), 0) FROM import_batches),"
            " (SELECT count(*) FROM sign_in_attempts WHERE outcome = 'failure' AND attempted_at >= ?)",
            [since],
        )[0]  # a SELECT without FROM: always one row
        keys = ("contacts", "deletions", "imported_inserted", "imported_updated", "failed_sign_ins")
        return dict(zip(keys, (int(v) for v in row), strict=True))
