"""SQL for sign-in sessions: one row per session, found by the SHA-256 of its token (never the token)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..models import User
from .accounts import _USER_COLS
from .repository import Repository

if TYPE_CHECKING:
    from .core import TxCursor

MAX_CLIENT = 100
MAX_USER_AGENT = 200


@dataclass(frozen=True)
class SessionRow:
    """A stored session and its member (as stored now)."""

    id: int
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    user: User


class SessionsSQL(Repository):
    """Sessions: start, find by token hash, touch, end one or all of a member's."""

    def insert_session(
        self, token_hash: str, user_id: int, at: datetime, client: str, user_agent: str
    ) -> int:
        with self.tx() as cur:
            rows = cur.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, client, user_agent)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    token_hash,
                    user_id,
                    at,
                    at,
                    (client or "")[:MAX_CLIENT],
                    (user_agent or "")[:MAX_USER_AGENT],
                ],
            ).fetchall()
        return int(rows[0][0])

    def session_by_hash(self, token_hash: str) -> SessionRow | None:
        cols = ", ".join(f"u.{c.strip()}" for c in _USER_COLS.split(","))
        row = self._one(
            f"SELECT s.id, s.created_at, s.last_seen_at, s.ended_at, {cols}"
            " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
            [token_hash],
        )
        if row is None:
            return None
        return SessionRow(int(row[0]), row[1], row[2], row[3], User(*row[4:]))

    def ended_why(self, session_id: int) -> str | None:
        value: str | None = self._scalar("SELECT ended_why FROM sessions WHERE id = ?", [session_id])
        return value

    def touch_session(self, session_id: int, at: datetime) -> None:
        with self.tx() as cur:
            cur.execute(
                "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND ended_at IS NULL", [at, session_id]
            )

    def end_session(self, token_hash: str, at: datetime, why: str) -> int:
        """End the session of this token hash (if still open); returns its member's id, or 0."""
        with self.tx() as cur:
            rows = cur.execute(
                "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE token_hash = ? AND ended_at IS NULL"
                " RETURNING user_id",
                [at, why[:100], token_hash],
            ).fetchall()
        return int(rows[0][0]) if rows else 0

    def end_sessions_of(self, user_id: int, at: datetime, why: str, cur: TxCursor | None = None) -> int:
        """End every open session of a member (in the caller's transaction when ``cur`` is given)."""
        if cur is None:
            with self.tx() as own:
                return self.end_sessions_of(user_id, at, why, own)
        rows = cur.execute(
            "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE user_id = ? AND ended_at IS NULL"
            " RETURNING id",
            [at, why[:100], user_id],
        ).fetchall()
        return len(rows)

    def open_sessions(self, user_id: int) -> int:
        return int(
            self._scalar("SELECT count(*) FROM sessions WHERE user_id = ? AND ended_at IS NULL", [user_id])
        )

    def prune_sessions(self, before: datetime) -> None:
        """Forget sessions that ended (or were last seen) before ``before``."""
        with self.tx() as cur:
            cur.execute("DELETE FROM sessions WHERE coalesce(ended_at, last_seen_at) < ?", [before])
