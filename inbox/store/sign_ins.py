"""SQL for the sign-in log: every attempt (time, e-mail typed, client, outcome), read back for throttling."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .repository import Repository

MAX_EMAIL = 320  # what is kept of the e-mail typed (and counted by): the longest valid address
MAX_CLIENT = 100


def clip_email(email: str) -> str:
    return (email or "")[:MAX_EMAIL]


def clip_client(client: str) -> str:
    return (client or "unknown")[:MAX_CLIENT]


class SignInsSQL(Repository):
    """The sign-in log (append, count, prune)."""

    def record_sign_in(self, at: datetime, email: str, client: str, outcome: str) -> None:
        with self.tx() as cur:
            cur.execute(
                "INSERT INTO sign_in_attempts (attempted_at, email, client, outcome) VALUES (?, ?, ?, ?)",
                [at, clip_email(email), clip_client(client), outcome],
            )

    def account_failures(self, email: str, since: datetime) -> tuple[int, datetime | None]:
        """Failures of the e-mail at or after ``since``, after its last success or unlock: (count, last)."""
        row = self._rows(
            "SELECT count(*), max(attempted_at) FROM sign_in_attempts"
            " WHERE email = $1 AND outcome = 'failure' AND attempted_at >= $2"
            " AND id > coalesce((SELECT max(id) FROM sign_in_attempts WHERE email = $1"
            " AND outcome IN ('success', 'unlocked')), 0)",
            [clip_email(email), since],
        )[0]  # an aggregate: always one row
        return int(row[0]), row[1]

    def client_failures(self, client: str, since: datetime) -> tuple[int, datetime | None]:
        """Failures from the client at or after ``since``, whatever e-mail was typed: (count, last)."""
        row = self._rows(
            "SELECT count(*), max(attempted_at) FROM sign_in_attempts"
            " WHERE client = ? AND outcome = 'failure' AND attempted_at >= ?",
            [clip_client(client), since],
        )[0]  # an aggregate: always one row
        return int(row[0]), row[1]

    def failures_since(self, emails: list[str], since: datetime) -> dict[str, int]:
        """Failures per e-mail at or after ``since`` (the Members page's "recent failures")."""
        rows = self._rows(
            "SELECT email, count(*) FROM sign_in_attempts"
            " WHERE outcome = 'failure' AND attempted_at >= ?"
            " AND list_contains(?::VARCHAR[], email) GROUP BY email",
            [since, list(emails)],
        )
        return {e: int(n) for e, n in rows}

    def recent_sign_ins(self, limit: int = 50) -> list[dict[str, Any]]:
        cols = ("at", "email", "client", "outcome")
        rows = self._rows(
            "SELECT attempted_at, email, client, outcome FROM sign_in_attempts ORDER BY id DESC LIMIT ?",
            [limit],
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def prune_sign_ins(self, before: datetime) -> None:
        with self.tx() as cur:
            cur.execute("DELETE FROM sign_in_attempts WHERE attempted_at < ?", [before])
