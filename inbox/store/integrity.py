"""SQL for ``inbox check``: chunked table reads and cross-table integrity queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .repository import Repository
from .schema import SEARCH_TEXT_SQL

#: The tables ``inbox check`` reads, in report order, with the key they are read in order of.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "workspace_settings": ("key",),
    "users": ("id",),
    "attribute_definitions": ("key",),
    "layout_versions": ("version",),
    "contacts": ("id",),
    "attribute_values": ("contact_id", "attribute_key"),
    "conversations": ("id",),
    "messages": ("id",),
    "attachments": ("id",),
    "crm_settings": ("id",),
    "crm_lookups": ("contact_id",),
    "import_batches": ("id",),
    "import_batch_contacts": ("batch_id", "contact_id"),
    "import_batch_values": ("batch_id", "contact_id", "attribute_key"),
    "import_mappings": ("name",),
    "deletion_log": ("id",),
    "deletion_log_head": ("id",),
    "deletion_pending_files": ("storage_path",),
    "deletion_log_seals": ("id",),
    "sign_in_attempts": ("id",),
    "sessions": ("id",),
    "api_tokens": ("id",),
    "value_history": ("id",),
    "retention_rules": ("id",),
    "retention_runs": ("id",),
    "merge_log": ("id",),
    "contact_aliases": ("contact_id", "kind", "value"),
    "access_log": ("id",),
    "contact_notes": ("id",),
    "contact_vips": ("contact_id",),
}

EXAMPLES = 5


@dataclass(frozen=True)
class IntegrityFinding:
    """The result of one integrity query: how many rows (or groups) break the rule, and a few."""

    name: str
    table: str
    description: str
    count: int
    examples: list[str] = field(default_factory=list)


# Each query selects the offending rows as (k, label): ``k`` orders the examples, ``label``
# is what the report shows. Fixed SQL only: nothing here is built from user input.
_AV_LABEL = "v.contact_id::VARCHAR || '/' || v.attribute_key"
_AV_KEY = "ROW(v.contact_id, v.attribute_key)"
# (``{options}``: the options' JSON array as a list of strings, spelled by the dialect: ``json_strings``)
_LIST_OPTIONS = """(SELECT key, {options} AS allowed FROM attribute_definitions
                    WHERE type = 'list' AND options IS NOT NULL AND json_valid(options))"""

INTEGRITY_QUERIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "contact_notes_without_contact",
        "contact_notes",
        "notes whose contact is missing",
        """SELECT n.id AS k, n.id::VARCHAR AS label FROM contact_notes n
        WHERE NOT EXISTS (SELECT 1 FROM contacts p WHERE p.id = n.contact_id)""",
    ),
    (
        "contact_vips_without_contact",
        "contact_vips",
        "VIP flags whose contact is missing",
        """SELECT v.contact_id AS k, v.contact_id::VARCHAR AS label FROM contact_vips v
        WHERE NOT EXISTS (SELECT 1 FROM contacts p WHERE p.id = v.contact_id)""",
    ),
    (
        "messages_without_conversation",
        "messages",
        "messages whose conversation is missing",
        """SELECT m.id AS k, m.id::VARCHAR AS label FROM messages m
        WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = m.conversation_id)""",
    ),
    (
        "messages_contact_mismatch",
        "messages",
        "messages whose contact differs from their conversation's",
        """SELECT m.id AS k, m.id::VARCHAR AS label FROM messages m
        JOIN conversations c ON c.id = m.conversation_id WHERE m.contact_id <> c.contact_id""",
    ),
    (
        "conversations_without_contact",
        "conversations",
        "conversations whose contact is missing",
        """SELECT c.id AS k, c.id::VARCHAR AS label FROM conversations c
        WHERE NOT EXISTS (SELECT 1 FROM contacts p WHERE p.id = c.contact_id)""",
    ),
    (
        "attribute_values_without_contact",
        "attribute_values",
        "attribute values whose contact is missing",
        f"""SELECT {_AV_KEY} AS k, {_AV_LABEL} AS label FROM attribute_values v
        WHERE NOT EXISTS (SELECT 1 FROM contacts p WHERE p.id = v.contact_id)""",
    ),
    (
        "attribute_values_without_definition",
        "attribute_values",
        "attribute values whose attribute has no definition",
        f"""SELECT {_AV_KEY} AS k, {_AV_LABEL} AS label FROM attribute_values v
        WHERE NOT EXISTS (SELECT 1 FROM attribute_definitions d WHERE d.key = v.attribute_key)""",
    ),
    (
        "attribute_values_wrong_column",
        "attribute_values",
        "attribute values stored in a column that does not match the attribute's type",
        f"""SELECT {_AV_KEY} AS k, {_AV_LABEL} AS label FROM attribute_values v
        JOIN attribute_definitions d ON d.key = v.attribute_key
        WHERE (v.value_text IS NOT NULL AND d.type IN ('number', 'date', 'boolean'))
           OR (v.value_number IS NOT NULL AND d.type <> 'number')
           OR (v.value_date IS NOT NULL AND d.type <> 'date')
           OR (v.value_bool IS NOT NULL AND d.type <> 'boolean')""",
    ),
    (
        "attribute_values_not_in_options",
        "attribute_values",
        "list attribute values that are not one of the attribute's options",
        f"""SELECT {_AV_KEY} AS k, {_AV_LABEL} || '=' || v.value_text AS label FROM attribute_values v
        JOIN {_LIST_OPTIONS} o ON o.key = v.attribute_key
        WHERE v.value_text IS NOT NULL AND NOT list_contains(o.allowed, v.value_text)""",
    ),
    (
        "contacts_subscription_not_in_options",
        "contacts",
        "contacts whose subscription is not one of the subscription attribute's options",
        f"""SELECT p.id AS k, p.id::VARCHAR || '=' || p.subscription AS label FROM contacts p
        JOIN {_LIST_OPTIONS} o ON o.key = 'subscription'
        WHERE p.subscription IS NOT NULL AND NOT list_contains(o.allowed, p.subscription)""",
    ),
    (
        "contacts_search_text_stale",
        "contacts",
        "contacts whose search text is missing or out of date (search will not find them)",
        f"""SELECT p.id AS k, p.id::VARCHAR AS label FROM contacts p
        WHERE p.search_text IS DISTINCT FROM {SEARCH_TEXT_SQL}""",
    ),
    (
        "layout_versions_missing_source",
        "layout_versions",
        "layout versions reverted from a version that does not exist",
        """SELECT l.version AS k, l.version::VARCHAR AS label FROM layout_versions l
        WHERE l.reverted_from IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM layout_versions s WHERE s.version = l.reverted_from)""",
    ),
    (
        "attachments_without_message",
        "attachments",
        "attachments whose message is missing",
        """SELECT a.id AS k, a.id::VARCHAR AS label FROM attachments a
        WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = a.message_id)""",
    ),
    (
        "attachments_without_contact",
        "attachments",
        "attachments whose contact is missing",
        """SELECT a.id AS k, a.id::VARCHAR AS label FROM attachments a
        WHERE NOT EXISTS (SELECT 1 FROM contacts p WHERE p.id = a.contact_id)""",
    ),
    (
        "attachments_message_mismatch",
        "attachments",
        "attachments whose conversation or contact differs from their message's",
        """SELECT a.id AS k, a.id::VARCHAR AS label FROM attachments a JOIN messages m ON m.id = a.message_id
        WHERE a.conversation_id <> m.conversation_id OR a.contact_id <> m.contact_id""",
    ),
    (
        "crm_lookups_without_contact",
        "crm_lookups",
        "CRM lookup rows whose contact is missing",
        """SELECT l.contact_id AS k, l.contact_id::VARCHAR AS label FROM crm_lookups l
        WHERE NOT EXISTS (SELECT 1 FROM contacts p WHERE p.id = l.contact_id)""",
    ),
    (
        "import_batch_contacts_without_batch",
        "import_batch_contacts",
        "import rows whose import batch is missing",
        """SELECT ROW(r.batch_id, r.contact_id) AS k,
               r.batch_id::VARCHAR || '/' || r.contact_id AS label
        FROM import_batch_contacts r
        WHERE NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.id = r.batch_id)""",
    ),
    (
        "import_batch_values_without_contact_row",
        "import_batch_values",
        "prior values of an import whose import row (batch, contact) is missing",
        """SELECT ROW(v.batch_id, v.contact_id, v.attribute_key) AS k,
               v.batch_id::VARCHAR || '/' || v.contact_id || '/' || v.attribute_key AS label
        FROM import_batch_values v
        WHERE NOT EXISTS (SELECT 1 FROM import_batch_contacts r
                          WHERE r.batch_id = v.batch_id AND r.contact_id = v.contact_id)""",
    ),
    (
        "duplicate_contact_handles",
        "contacts",
        "(platform, handle) pairs used by more than one contact",
        """SELECT platform || ':' || handle AS k, platform || ':' || handle AS label FROM contacts
        GROUP BY platform, handle HAVING count(*) > 1""",
    ),
    (
        "duplicate_user_emails",
        "users",
        "user e-mails (ignoring case) used by more than one user",
        """SELECT lower(email) AS k, lower(email) AS label FROM users
        GROUP BY lower(email) HAVING count(*) > 1""",
    ),
    (
        "duplicate_attribute_positions",
        "attribute_definitions",
        "positions shared by several attributes",
        """SELECT position AS k, position::VARCHAR AS label FROM attribute_definitions
        GROUP BY position HAVING count(*) > 1""",
    ),
    (
        "duplicate_storage_paths",
        "attachments",
        "storage paths used by more than one attachment",
        """SELECT storage_path AS k, storage_path AS label FROM attachments
        GROUP BY storage_path HAVING count(*) > 1""",
    ),
    (
        "api_tokens_without_member",
        "api_tokens",
        "API tokens whose member is missing",
        """SELECT t.id AS k, t.id::VARCHAR AS label FROM api_tokens t
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.user_id)""",
    ),
    (
        "value_history_without_contact",
        "value_history",
        "history rows whose contact is missing",
        """SELECT h.id AS k, h.id::VARCHAR AS label FROM value_history h
        WHERE NOT EXISTS (SELECT 1 FROM contacts p WHERE p.id = h.contact_id)""",
    ),
    (
        "contact_aliases_without_contact",
        "contact_aliases",
        "identifiers of merged contacts whose surviving contact is missing",
        """SELECT ROW(a.contact_id, a.value) AS k, a.contact_id::VARCHAR || '/' || a.kind AS label
        FROM contact_aliases a WHERE NOT EXISTS (SELECT 1 FROM contacts p WHERE p.id = a.contact_id)""",
    ),
)
_QUERIES = {q[0]: q for q in INTEGRITY_QUERIES}


def _after(keys: tuple[str, ...], op: str) -> str:
    """Lexicographic ``(k1, k2, …) op (?, ?, …)`` for op in ``>=``, ``<``, as plain SQL."""
    if len(keys) == 1:
        return f"{keys[0]} {op} ?"
    return f"({keys[0]} {op[0]} ? OR ({keys[0]} = ? AND {_after(keys[1:], op)}))"


def _after_params(values: tuple[Any, ...]) -> list[Any]:
    return [values[0]] if len(values) == 1 else [values[0], values[0], *_after_params(values[1:])]


def _key_range(
    keys: tuple[str, ...], low: tuple[Any, ...], high: tuple[Any, ...] | None
) -> tuple[str, list[Any]]:
    """WHERE text and parameters for ``low <= key < high`` (no upper bound when ``high`` is None).

    The extra plain bounds on the first key column let DuckDB skip row groups by zone map.
    """
    where, params = [_after(keys, ">=")], _after_params(low)
    if len(keys) > 1:
        where, params = [f"{keys[0]} >= ?", *where], [low[0], *params]
    if high is not None:
        where.append(_after(keys, "<"))
        params += _after_params(high)
        if len(keys) > 1:
            where, params = [*where, f"{keys[0]} <= ?"], [*params, high[0]]
    return " AND ".join(where), params


class IntegritySQL(Repository):
    """Reads used by ``inbox.check``."""

    def checked_tables(self) -> dict[str, tuple[str, ...]]:
        """Table name -> key columns (the read order and the row label), in report order."""
        return dict(TABLE_KEYS)

    def table_row_counts(self) -> dict[str, int]:
        """Rows per checked table, in one query."""
        row = self._rows("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in TABLE_KEYS))[0]
        return dict(zip(TABLE_KEYS, (int(v) for v in row), strict=True))

    def iter_table_chunks(self, table: str, chunk_size: int) -> Iterator[pd.DataFrame]:
        """Every row of ``table`` in key order, as DataFrames of at most ``chunk_size`` rows.

        ``table`` must be one of ``TABLE_KEYS`` (``ValueError`` otherwise). A first query
        sorts only the key columns to pick every ``chunk_size``-th key; each chunk is then a
        key-range query, so neither pandas nor DuckDB ever holds a 5M-row table sorted whole.
        All reads share one transaction: a consistent snapshot.
        """
        if table not in TABLE_KEYS:
            raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLE_KEYS)}")
        size = int(chunk_size)
        if size < 1:
            raise ValueError("chunk_size must be at least 1")
        keys = TABLE_KEYS[table]
        cols = ", ".join(keys)
        with self.cursor() as cur:
            cur.begin()
            try:
                bounds = cur.execute(
                    f"SELECT {cols} FROM (SELECT {cols}, row_number() OVER (ORDER BY {cols}) - 1 AS n"
                    f" FROM {table}) t WHERE n % ? = 0 ORDER BY {cols}",
                    [size],
                ).fetchall()
                for i, low in enumerate(bounds):
                    high = bounds[i + 1] if i + 1 < len(bounds) else None
                    where, params = _key_range(keys, low, high)
                    rel = cur.sql(f"SELECT * FROM {table} WHERE {where} ORDER BY {cols}", params=params)
                    frame = rel.to_arrow_table().to_pandas()
                    if len(frame):
                        yield frame
            finally:
                cur.rollback()

    def integrity_names(self) -> list[str]:
        """Names of the integrity queries, in run order."""
        return list(_QUERIES)

    def integrity_finding(self, name: str) -> IntegrityFinding:
        """Run the named integrity query: the count of offending rows/groups and a few labels."""
        if name not in _QUERIES:
            raise ValueError(f"unknown integrity query {name!r}")
        _, table, description, sql = _QUERIES[name]
        sql = sql.replace("{options}", self.dialect.json_strings("options"))
        count, examples = self._rows(
            f"WITH bad AS ({sql}) SELECT count(*), {self.dialect.first_values('label', ['k'], str(EXAMPLES))}"
            " FROM bad"
        )[0]  # an aggregate: always one row
        return IntegrityFinding(name, table, description, int(count), list(examples or []))

    def integrity_findings(self) -> list[IntegrityFinding]:
        """Every integrity query, including the ones that found nothing (count 0)."""
        return [self.integrity_finding(name) for name in _QUERIES]

    def attachment_storage_paths(self) -> list[str]:
        """The ``storage_path`` of every attachment row (relative, forward slashes), sorted."""
        return [p for (p,) in self._rows("SELECT storage_path FROM attachments ORDER BY storage_path")]
