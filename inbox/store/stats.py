"""SQL for workspace figures shown on the landing page."""

from __future__ import annotations

from datetime import datetime

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

    def table_counts(self) -> dict[str, int]:
        tables = ("contacts", "attribute_values", "conversations", "messages", "attachments", "users")
        row = self._rows("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables))[0]
        return dict(zip(tables, (int(v) for v in row), strict=True))
