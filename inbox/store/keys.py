"""SQL of the key file's adoption: its fingerprint, the seals of deletion-log entries written before the chain
was keyed, moving the old HMAC secret out and encrypting the CRM secret (one transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pandas as pd

from ..errors import Conflict
from .deletion import LOG_COLS
from .repository import Repository

FINGERPRINT_KEY = "key_fingerprint"
LEGACY_SECRET_KEY = "deletion_hmac_secret"
LOG_TABLES = ("deletion_log", "deletion_log_head", "deletion_log_seals")


class KeysSQL(Repository):
    """The database side of the key file: nothing secret is stored here, only a fingerprint."""

    def key_fingerprint(self) -> str | None:
        value: str | None = self._scalar(
            "SELECT value FROM workspace_settings WHERE key = ?", [FINGERPRINT_KEY]
        )
        return value

    def legacy_deletion_secret(self) -> str | None:
        """The HMAC secret older versions kept in the database (hex), until adoption moves it out."""
        value: str | None = self._scalar(
            "SELECT value FROM workspace_settings WHERE key = ?", [LEGACY_SECRET_KEY]
        )
        return value

    def crm_secret_stored(self) -> str | None:
        """The CRM secret column as stored (plaintext before adoption, ciphertext after)."""
        value: str | None = self._scalar("SELECT secret FROM crm_settings WHERE id = 1")
        return value

    def adopt_keys(
        self, *, fingerprint: str, seals: list[tuple[int, str]], crm_secret: str | None, at: datetime
    ) -> None:
        """In one transaction: record the key's fingerprint (``Conflict`` when one is recorded already),
        insert the seals, delete the old HMAC secret, store the encrypted CRM secret (when given)."""
        with self.tx() as cur:
            if cur.execute(
                "SELECT count(*) FROM workspace_settings WHERE key = ?", [FINGERPRINT_KEY]
            ).fetchall()[0][0]:  # a count: always one row
                raise Conflict("the database was given a key file meanwhile")
            cur.execute(
                "INSERT INTO workspace_settings VALUES (?, ?, ?, 'system')",
                [FINGERPRINT_KEY, fingerprint, at],
            )
            if seals:
                frame = pd.DataFrame(
                    {
                        "id": pd.array([s[0] for s in seals], dtype="int64"),
                        "seal": pd.array([s[1] for s in seals], dtype=object),
                    }
                )
                cur.register("new_seals", frame)
                cur.execute("INSERT INTO deletion_log_seals SELECT id, seal FROM new_seals")
                cur.unregister("new_seals")
            cur.execute("DELETE FROM workspace_settings WHERE key = ?", [LEGACY_SECRET_KEY])
            if crm_secret is not None:
                cur.execute("UPDATE crm_settings SET secret = ? WHERE id = 1", [crm_secret])

    # -- the log as `audit verify` reads it ----------------------------------------------------
    def missing_log_tables(self) -> list[str]:
        """Which of the log's tables do not exist (dropped outside the app)."""
        with self.cursor() as cur:
            present = self.dialect.table_names(cur)
        return [t for t in LOG_TABLES if t not in present]

    def iter_sealed_log(self, chunk: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """Every entry (LOG_COLS, then its seal or None) in id order, ``chunk`` rows at a time."""
        after = 0
        cols = ", ".join(f"l.{c}" for c in LOG_COLS)
        while True:
            try:
                rows = self._rows(
                    f"SELECT {cols}, s.seal FROM deletion_log l LEFT JOIN deletion_log_seals s"
                    " ON s.id = l.id WHERE l.id > ? ORDER BY l.id LIMIT ?",
                    [after, int(chunk)],
                )
            except self.dialect.Error as exc:
                if not self.dialect.is_missing_table(exc):
                    raise
                return
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def seal_count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM deletion_log_seals") or 0)
