"""SQL for the CRM integration: settings, lookup status per contact, managed-attribute flags."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .repository import Repository

if TYPE_CHECKING:
    from .core import StoreCore, TxCursor
    from .layout import LayoutSQL

SETTING_COLS = (
    "lookup_url",
    "secret",
    "secret_set_at",
    "secret_set_by",
    "timeout_seconds",
    "lookup_key",
    "aliases",
    "enabled",
    "updated_at",
    "updated_by",
)
LOOKUP_COLS = (
    "contact_id",
    "attempted_at",
    "attempted_by",
    "trigger",
    "ok",
    "last_success_at",
    "last_error",
    "written",
    "skipped",
)


class CrmSQL(Repository):
    """CRM configuration and per-contact lookup status; managed attributes are written as a layout version
    through ``layout`` (the one writer of layout versions)."""

    def __init__(self, core: StoreCore, layout: LayoutSQL):
        super().__init__(core)
        self._layout = layout

    # -- settings ------------------------------------------------------------------------
    def crm_settings_row(self) -> dict[str, Any] | None:
        """The stored CRM settings, secret included (for signing only: never display it)."""
        row = self._one(f"SELECT {', '.join(SETTING_COLS)} FROM crm_settings WHERE id = 1")
        if row is None:
            return None
        out = dict(zip(SETTING_COLS, row, strict=True))
        out["aliases"] = json.loads(out["aliases"])
        return out

    def save_crm_settings(
        self,
        *,
        lookup_url: str,
        timeout_seconds: float,
        lookup_key: str,
        aliases: dict[str, Any],
        enabled: bool,
        secret: str | None,
        actor: str,
        at: datetime,
    ) -> None:
        """Insert or update the settings row; ``secret=None`` keeps the stored secret (which must exist)."""
        values = [
            lookup_url,
            float(timeout_seconds),
            lookup_key,
            json.dumps(aliases, ensure_ascii=False),
            bool(enabled),
            at,
            actor,
        ]
        with self.tx() as cur:
            exists = cur.execute("SELECT count(*) FROM crm_settings").fetchall()[0][0]  # one row
            if not exists:
                if secret is None:
                    raise ValueError("a first save needs a secret")
                cur.execute(
                    "INSERT INTO crm_settings (id, lookup_url, timeout_seconds, lookup_key, aliases, enabled,"
                    " updated_at, updated_by, secret, secret_set_at, secret_set_by)"
                    " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values + [secret, at, actor],
                )
                return
            cur.execute(
                "UPDATE crm_settings SET lookup_url = ?, timeout_seconds = ?, lookup_key = ?, aliases = ?,"
                " enabled = ?, updated_at = ?, updated_by = ? WHERE id = 1",
                values,
            )
            if secret is not None:
                cur.execute(
                    "UPDATE crm_settings SET secret = ?, secret_set_at = ?, secret_set_by = ? WHERE id = 1",
                    [secret, at, actor],
                )

    # -- managed attributes (a versioned change of the attribute layout) ----------------------
    def set_crm_managed(
        self,
        *,
        base_version: int,
        managed_keys: list[str],
        snapshot: list[dict[str, Any]],
        changes: list[str],
        saved_by: str,
        saved_at: datetime,
    ) -> int:
        """Flag exactly ``managed_keys`` as managed by the CRM and record it as layout version
        ``base_version + 1`` (with ``snapshot`` and ``changes``), in one transaction.

        Raises ``Conflict`` when the layout changed since ``base_version`` (or changes at the same moment).
        """

        def apply(cur: TxCursor) -> None:
            cur.execute(
                "UPDATE attribute_definitions SET crm_managed = list_contains(?::VARCHAR[], key)",
                [list(managed_keys)],
            )

        return self._layout.write_version(
            base_version=int(base_version),
            saved_by=saved_by,
            saved_at=saved_at,
            snapshot=snapshot,
            changes=changes,
            apply=apply,
        )

    # -- lookup status -------------------------------------------------------------------
    def crm_lookup_status(self, contact_id: int) -> dict[str, Any] | None:
        row = self._one(
            f"SELECT {', '.join(LOOKUP_COLS)} FROM crm_lookups WHERE contact_id = ?", [int(contact_id)]
        )
        if row is None:
            return None
        out = dict(zip(LOOKUP_COLS, row, strict=True))
        out["written"], out["skipped"] = json.loads(out["written"]), json.loads(out["skipped"])
        return out

    def record_crm_lookup(
        self,
        contact_id: int,
        *,
        ok: bool,
        at: datetime,
        by: str,
        trigger: str,
        error: str | None,
        written: list[str],
        skipped: list[str],
    ) -> bool:
        """Upsert the contact's lookup status; a failure keeps the time of the last success (and what it
        wrote). Nothing is recorded for a contact that no longer exists; returns whether it was recorded.
        """
        contact_id = int(contact_id)
        with self.tx() as cur:
            done = cur.execute(
                "INSERT INTO crm_lookups SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM contacts WHERE id = ?"
                " ON CONFLICT (contact_id) DO UPDATE SET"
                " attempted_at = excluded.attempted_at, attempted_by = excluded.attempted_by,"
                " trigger = excluded.trigger, ok = excluded.ok, last_error = excluded.last_error,"
                " last_success_at = CASE WHEN excluded.ok THEN excluded.last_success_at"
                "                   ELSE crm_lookups.last_success_at END,"
                " written = CASE WHEN excluded.ok THEN excluded.written ELSE crm_lookups.written END,"
                " skipped = CASE WHEN excluded.ok THEN excluded.skipped ELSE crm_lookups.skipped END"
                " RETURNING contact_id",
                [
                    at,
                    by,
                    trigger,
                    bool(ok),
                    at if ok else None,
                    None if ok else error,
                    json.dumps(written if ok else [], ensure_ascii=False),
                    json.dumps(skipped if ok else [], ensure_ascii=False),
                    contact_id,
                ],
            ).fetchall()
        return bool(done)

    def crm_lookup_counts(self) -> dict[str, int]:
        """Contacts by CRM status: ``validated`` (last lookup ok), ``failed`` (last lookup failed),
        ``never``."""
        row = self._rows(
            "SELECT (SELECT count(*) FROM contacts), count(*) FILTER (WHERE l.ok),"
            " count(*) FILTER (WHERE NOT l.ok) FROM crm_lookups l JOIN contacts c ON c.id = l.contact_id"
        )[0]  # an aggregate: always one row
        total, ok, failed = (int(v) for v in row)
        return {"validated": ok, "failed": failed, "never": max(total - ok - failed, 0)}

    # -- bulk selection --------------------------------------------------------------------
    def crm_sync_count(self, since: datetime | None) -> int:
        where, params = (
            ("", []) if since is None else (" WHERE updated_at >= ? OR created_at >= ?", [since, since])
        )
        return int(self._scalar(f"SELECT count(*) FROM contacts{where}", params))

    def crm_sync_ids(self, *, after_id: int, limit: int, since: datetime | None) -> list[int]:
        """The next ``limit`` contact ids above ``after_id`` (created or updated since ``since``), in id
        order."""
        where, params = (
            ("", []) if since is None else (" AND (updated_at >= ? OR created_at >= ?)", [since, since])
        )
        return [
            r[0]
            for r in self._rows(
                f"SELECT id FROM contacts WHERE id > ?{where} ORDER BY id LIMIT ?",
                [int(after_id), *params, int(limit)],
            )
        ]
