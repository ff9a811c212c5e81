"""SQL for attribute definitions and the versioned history of the attribute layout."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd

from ..errors import Conflict
from .core import TxCursor
from .repository import Repository

DEF_COLS = (
    "key",
    "label",
    "type",
    "builtin",
    "enabled",
    "position",
    "options",
    "regex",
    "required_on_import",
    "crm_managed",
)


def _definition(row: tuple[Any, ...]) -> dict[str, Any]:
    item = dict(zip(DEF_COLS, row, strict=True))
    item["options"] = json.loads(item["options"]) if item["options"] else None
    return item


class LayoutSQL(Repository):
    """Attribute definitions (ordered) and layout_versions (one row per save)."""

    def attribute_definitions(self, enabled_only: bool = False) -> list[dict[str, Any]]:
        where = " WHERE enabled" if enabled_only else ""
        rows = self._rows(
            f"SELECT {', '.join(DEF_COLS)} FROM attribute_definitions{where} ORDER BY position, key"
        )
        return [_definition(r) for r in rows]

    def current_layout_version(self) -> int:
        return int(self._scalar("SELECT coalesce(max(version), 0) FROM layout_versions"))

    def count_contacts_with_value(self, key: str) -> int:
        return int(
            self._scalar(
                "SELECT count(DISTINCT contact_id) FROM attribute_values WHERE attribute_key = ?", [key]
            )
        )

    def save_layout(
        self,
        *,
        base_version: int,
        layout: list[dict[str, Any]],
        deleted_keys: list[str],
        saved_by: str,
        saved_at: datetime,
        changes: list[str],
        snapshot: list[dict[str, Any]],
        reverted_from: int | None = None,
    ) -> int:
        """Write a whole layout as a new version in one transaction.

        Raises ``Conflict`` when the current version is not ``base_version`` (someone saved meanwhile).
        """
        frame = pd.DataFrame(
            [
                {
                    **{c: item.get(c) for c in DEF_COLS},
                    "options": json.dumps(item["options"]) if item.get("options") else None,
                }
                for item in layout
            ],
            columns=list(DEF_COLS),
        ).astype(
            {
                "key": "str",
                "label": "str",
                "type": "str",
                "builtin": "bool",
                "enabled": "bool",
                "position": "int64",
                "required_on_import": "bool",
                "crm_managed": "bool",
            }
        )
        frame["options"] = frame["options"].astype("str")
        frame["regex"] = frame["regex"].astype("str")

        def apply(cur: TxCursor) -> None:
            for key in deleted_keys:
                cur.execute("DELETE FROM attribute_values WHERE attribute_key = ?", [key])
                cur.execute("DELETE FROM attribute_definitions WHERE key = ? AND NOT builtin", [key])
            with self.dialect.frame(cur, "layout_df", frame):
                cur.execute(
                    "INSERT INTO attribute_definitions (key, label, type, builtin, enabled, position,"
                    " options, regex, required_on_import, crm_managed, created_at)"
                    " SELECT key, label, type, builtin, enabled, position, options, regex,"
                    " required_on_import, crm_managed, ? FROM layout_df"
                    " ON CONFLICT (key) DO UPDATE SET label = excluded.label, enabled = excluded.enabled,"
                    " position = excluded.position, options = excluded.options, regex = excluded.regex,"
                    " required_on_import = excluded.required_on_import",
                    [saved_at],
                )

        return self.write_version(
            base_version=base_version,
            saved_by=saved_by,
            saved_at=saved_at,
            snapshot=snapshot,
            changes=changes,
            reverted_from=reverted_from,
            apply=apply,
        )

    def write_version(
        self,
        *,
        base_version: int,
        saved_by: str,
        saved_at: datetime,
        snapshot: list[dict[str, Any]],
        changes: list[str],
        apply: Callable[[TxCursor], None],
        reverted_from: int | None = None,
    ) -> int:
        """The one writer of a layout version: in one transaction, check that the current version is still
        ``base_version``, record version ``base_version + 1`` and run ``apply(cur)`` (the change itself).

        Raises ``Conflict`` when someone saved meanwhile, including a save at the same moment that took the
        same version number (a constraint error here, or a write conflict at commit); nothing is saved then.
        """
        version = int(base_version) + 1
        try:
            with self.tx() as cur:
                current = cur.execute(  # an aggregate: always one row
                    "SELECT coalesce(max(version), 0) FROM layout_versions"
                ).fetchall()[0][0]
                if current != base_version:
                    raise Conflict(
                        f"another admin saved version {current} since you loaded version "
                        f"{base_version}; nothing was saved — reload to see their changes"
                    )
                cur.execute(
                    "INSERT INTO layout_versions VALUES (?, ?, ?, ?, ?, ?)",
                    [version, saved_at, saved_by, json.dumps(snapshot), json.dumps(changes), reverted_from],
                )
                apply(cur)
        except Exception as exc:
            if not self.dialect.is_constraint_violation(exc):
                raise
            # a concurrent save took the same version number
            raise Conflict("another admin saved at the same moment; nothing was saved — reload") from exc
        return version

    def layout_versions(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT version, saved_at, saved_by, changes, reverted_from FROM layout_versions"
            " ORDER BY version DESC LIMIT ?",
            [limit],
        )
        return [
            {"version": v, "saved_at": at, "saved_by": by, "changes": json.loads(ch), "reverted_from": rf}
            for v, at, by, ch, rf in rows
        ]

    def layout_snapshot(self, version: int) -> list[dict[str, Any]] | None:
        raw = self._scalar("SELECT layout FROM layout_versions WHERE version = ?", [version])
        return json.loads(raw) if raw is not None else None
