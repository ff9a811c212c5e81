"""SQL for personal API tokens: one row per token, found by the SHA-256 of the token (never the token)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..models import User
from .accounts import _USER_COLS
from .repository import Repository

MAX_NAME = 80

#: The columns a token row is read with (``TokenRow`` in this order), joined with its member's e-mail.
_TOKEN_COLS = (
    "t.id, t.user_id, u.email, t.name, t.hint, t.created_at, t.created_by, t.expires_at, t.last_used_at,"
    " t.revoked_at, t.revoked_by"
)
_FROM = " FROM api_tokens t JOIN users u ON u.id = t.user_id"


@dataclass(frozen=True)
class TokenRow:
    """A stored token (without its hash) and the e-mail of its member."""

    id: int
    user_id: int
    email: str
    name: str
    hint: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None


def _row(row: tuple[Any, ...]) -> TokenRow:
    return TokenRow(int(row[0]), int(row[1]), *row[2:])


class TokensSQL(Repository):
    """API tokens: create, find by hash, list, touch, revoke, prune."""

    def insert_token(
        self,
        token_hash: str,
        hint: str,
        user_id: int,
        name: str,
        at: datetime,
        created_by: str,
        expires_at: datetime | None,
    ) -> int:
        with self.tx() as cur:
            rows = cur.execute(
                "INSERT INTO api_tokens (token_hash, hint, user_id, name, created_at, created_by, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [token_hash, hint, user_id, name[:MAX_NAME], at, created_by, expires_at],
            ).fetchall()
        return int(rows[0][0])

    def token_by_id(self, token_id: int) -> TokenRow | None:
        row = self._one(f"SELECT {_TOKEN_COLS}{_FROM} WHERE t.id = ?", [token_id])
        return None if row is None else _row(row)

    def token_by_hash(self, token_hash: str) -> tuple[TokenRow, User] | None:
        """The token of this hash and its member as stored now (one read)."""
        cols = ", ".join(f"u.{c.strip()}" for c in _USER_COLS.split(","))
        row = self._one(f"SELECT {_TOKEN_COLS}, {cols}{_FROM} WHERE t.token_hash = ?", [token_hash])
        if row is None:
            return None
        return _row(row[:11]), User(*row[11:])

    def list_tokens(self, user_id: int | None = None) -> list[TokenRow]:
        """Every token (of one member when ``user_id`` is given), newest first."""
        where, params = (" WHERE t.user_id = ?", [user_id]) if user_id is not None else ("", [])
        rows = self._rows(f"SELECT {_TOKEN_COLS}{_FROM}{where} ORDER BY t.id DESC", params)
        return [_row(r) for r in rows]

    def active_name_taken(self, user_id: int, name: str, now: datetime) -> bool:
        """Whether the member has an active (not revoked, not expired) token of this name."""
        return bool(
            self._scalar(
                "SELECT count(*) FROM api_tokens WHERE user_id = ? AND name = ? AND revoked_at IS NULL"
                " AND (expires_at IS NULL OR expires_at > ?)",
                [user_id, name, now],
            )
        )

    def touch_token(self, token_id: int, at: datetime) -> None:
        with self.tx() as cur:
            cur.execute(
                "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL", [at, token_id]
            )

    def revoke_token(self, token_id: int, at: datetime, by: str) -> bool:
        """Revoke the token (if not yet revoked); whether it was revoked now."""
        with self.tx() as cur:
            rows = cur.execute(
                "UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL"
                " RETURNING id",
                [at, by, token_id],
            ).fetchall()
        return bool(rows)

    def prune_tokens(self, before: datetime) -> int:
        """Forget tokens revoked or expired before ``before``; how many."""
        with self.tx() as cur:
            rows = cur.execute(
                "DELETE FROM api_tokens WHERE coalesce(revoked_at, expires_at) < ? RETURNING id", [before]
            ).fetchall()
        return len(rows)
