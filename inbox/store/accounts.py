"""SQL for users and workspace settings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..models import User
from .repository import Repository

if TYPE_CHECKING:
    from .core import TxCursor

_USER_COLS = "id, email, display_name, role, active, created_at, last_sign_in_at"


def _user(row: tuple[Any, ...] | None) -> User | None:
    return User(*row) if row else None


class AccountsSQL(Repository):
    """Users (with password hashes) and key/value workspace settings."""

    def insert_user(
        self, email: str, display_name: str, role: str, password_hash: str, created_at: datetime
    ) -> User:
        with self.tx() as cur:
            rows = cur.execute(
                f"INSERT INTO users (email, display_name, role, password_hash, active, created_at)"
                f" VALUES (?, ?, ?, ?, TRUE, ?) RETURNING {_USER_COLS}",
                [email, display_name, role, password_hash, created_at],
            ).fetchall()
        return User(*rows[0])  # RETURNING of a one-row INSERT: always one row

    def user_by_email(self, email: str) -> User | None:
        return _user(self._one(f"SELECT {_USER_COLS} FROM users WHERE email = ?", [email]))

    def password_hash(self, email: str) -> str | None:
        value: str | None = self._scalar("SELECT password_hash FROM users WHERE email = ?", [email])
        return value

    def list_users(self) -> list[User]:
        return [User(*r) for r in self._rows(f"SELECT {_USER_COLS} FROM users ORDER BY email")]

    def count_users(self) -> int:
        return int(self._scalar("SELECT count(*) FROM users"))

    def count_active_admins(self) -> int:
        return int(self._scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active"))

    def set_user_active(self, email: str, active: bool, cur: TxCursor | None = None) -> bool:
        """(In the caller's transaction when ``cur`` is given: e.g. with ending the member's sessions.)"""
        if cur is None:
            with self.tx() as own:
                return self.set_user_active(email, active, own)
        n = cur.execute(
            "UPDATE users SET active = ? WHERE email = ? RETURNING id", [active, email]
        ).fetchall()
        return bool(n)

    def set_user_password_hash(self, email: str, password_hash: str, cur: TxCursor | None = None) -> None:
        if cur is None:
            with self.tx() as own:
                return self.set_user_password_hash(email, password_hash, own)
        cur.execute("UPDATE users SET password_hash = ? WHERE email = ?", [password_hash, email])
        return None

    def touch_sign_in(self, email: str, at: datetime) -> None:
        with self.tx() as cur:
            cur.execute("UPDATE users SET last_sign_in_at = ? WHERE email = ?", [at, email])

    def get_setting(self, key: str) -> str | None:
        value: str | None = self._scalar("SELECT value FROM workspace_settings WHERE key = ?", [key])
        return value

    def put_setting(self, key: str, value: str, actor_email: str, at: datetime) -> None:
        with self.tx() as cur:
            cur.execute(
                "INSERT INTO workspace_settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                [key, value, at, actor_email],
            )
