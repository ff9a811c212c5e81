"""SQL for bulk CSV imports, reading and planning: the file read by DuckDB, the staged rows, the plan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from ..errors import InvalidInput
from .core import DUCKDB_CONFIG
from .imports import MATCH_KEYS, POLICIES, SLOTS, VALUE_COLUMNS
from .repository import Repository

if TYPE_CHECKING:
    import pyarrow as pa  # (no type information: its tables are Any to mypy)

    from .core import Cursor


class ImportPlanning(Repository):
    """Reading a CSV file and planning an import (nothing here writes a contact)."""

    # -- reading -------------------------------------------------------------------------
    def import_read_csv(
        self, path: str, delimiter: str, n_columns: int
    ) -> tuple[pa.Table, list[tuple[Any, ...]]]:
        """Every record of a UTF-8 CSV file (header skipped) as an Arrow table of ``c0..c{n-1}`` strings,
        in file order, and the records DuckDB refused:
        ``[(line, error_type, csv_line, message, near_byte)]``.

        Strict parsing: a row with too few or too many fields is refused with its line (the header is
        line 1; blank lines count), never padded, cut or dropped. Raises ``InvalidInput`` when the file
        cannot be parsed at all (e.g. mixed line endings), with DuckDB's first line of explanation.
        """
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(int(n_columns))) + "}"
        # DuckDB's CSV reader on every engine: a connection of its own, in memory, for this file only
        with duckdb.connect(":memory:", config=DUCKDB_CONFIG) as cur:
            try:
                table = cur.sql(
                    f"SELECT * FROM read_csv(?, delim = ?, header = true, quote = '\"', escape = '\"',"
                    f" auto_detect = false, strict_mode = true, columns = {columns},"
                    " store_rejects = true, rejects_table = 'import_rejects',"
                    " rejects_scan = 'import_reject_scans')",
                    params=[str(path), delimiter],
                ).to_arrow_table()
            except duckdb.Error as exc:
                raise InvalidInput(str(exc).splitlines()[0].replace("Invalid Input Error: ", "")) from None
            rejects = cur.execute(
                "SELECT line, error_type, csv_line, error_message, line_byte_position"
                " FROM import_rejects ORDER BY line, column_idx"
            ).fetchall()
        return table, rejects

    # -- planning (inside the caller's transaction or cursor) ------------------------------
    def import_stage(
        self, cur: Cursor, rows: pa.Table | pd.DataFrame, values: pa.Table | pd.DataFrame, phone_platform: str
    ) -> None:
        """Stage the validated rows and custom values (Arrow tables or frames) as views of ``cur``'s
        connection.

        ``rows``: ``line``, ``ok`` (False: refused by validation, ignored), ``platform``, ``handle`` and
        VALUE_COLUMNS; ``values``: ``line``, ``attribute_key`` and the four value slots. ``key_platform`` /
        ``key_handle`` are the identity a new contact would get: the row's platform and handle, else
        ``email`` and the address, else ``phone_platform`` and the number. ``import_unstage`` cleans up.
        """
        from ..models import PLATFORMS

        if phone_platform not in PLATFORMS:
            raise ValueError(f"unknown platform {phone_platform!r}")
        cur.register("import_rows_in", rows)
        cur.register("import_values_df", values)
        cur.execute(
            "CREATE OR REPLACE TEMP VIEW import_rows AS SELECT line, platform, handle,"
            f" {', '.join(VALUE_COLUMNS)},"
            " CASE WHEN handle IS NOT NULL THEN platform WHEN email IS NOT NULL THEN 'email'"
            f" WHEN phone IS NOT NULL THEN '{phone_platform}' END AS key_platform,"
            " coalesce(handle, email, phone) AS key_handle FROM import_rows_in WHERE ok"
        )
        cur.execute(
            "CREATE OR REPLACE TEMP VIEW import_values_in AS SELECT line, attribute_key,"
            " CAST(value_text AS VARCHAR) AS value_text,"
            " CAST(value_number AS DOUBLE PRECISION) AS value_number,"
            " CAST(value_date AS DATE) AS value_date, CAST(value_bool AS BOOLEAN) AS value_bool"
            " FROM import_values_df"
        )

    def import_unstage(self, cur: Cursor) -> None:
        """Drop what ``import_stage`` and ``import_plan`` made in ``cur``'s connection."""
        for view in ("import_rows", "import_values_in"):
            cur.execute(f"DROP VIEW IF EXISTS {view}")
        for table in ("import_match", "import_plan", "import_updates", "import_values", "import_todo"):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        for name in ("import_rows_in", "import_values_df"):
            cur.unregister(name)

    def import_plan(self, cur: Cursor, match_order: tuple[str, ...], policy: str) -> dict[str, Any]:
        """Match the staged rows to contacts and decide each row's action (insert, update, unchanged, skip,
        rejected); returns the counts and the rows refused here as ``refused`` ``[(line, reason)]``.

        A row matches the first key of ``match_order`` that finds a contact, else the contact with its
        (platform, handle); a key no contact holds finds the contact a merge left it to. Refused: a key
        finding several contacts, a platform+handle of another contact than the key found, a second row for
        one contact or one new (platform, handle), a new contact without email, phone or handle.
        """
        if policy not in POLICIES or not match_order or any(k not in MATCH_KEYS for k in match_order):
            raise ValueError("unknown policy or match key")
        keys = [(k, MATCH_KEYS[k]) for k in match_order]
        # An identifier a merge left to its survivor (contact_aliases) matches the survivor when no contact
        # holds it itself, as for inbound messages; skipped while no contact was ever merged.
        merged = bool(cur.execute("SELECT EXISTS (SELECT 1 FROM contact_aliases)").fetchall()[0][0])
        ctes = "".join(
            f", {a} AS (SELECT r.line, count(*) AS n, min(c.id) AS id, (list(c.id ORDER BY c.id))[1:3]"
            f" AS ids FROM import_rows r JOIN contacts c ON c.{k} = r.{k} GROUP BY r.line"
            + (
                f" UNION ALL SELECT r.line, count(DISTINCT a.contact_id), min(a.contact_id),"
                f" (list(DISTINCT a.contact_id ORDER BY a.contact_id))[1:3] FROM import_rows r"
                f" JOIN contact_aliases a ON a.kind = '{k}' AND a.value = r.{k}"
                f" WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.{k} = r.{k}) GROUP BY r.line"
                if merged
                else ""
            )
            + ")"
            for k, a in keys
        )
        handles = (
            "SELECT r.line, c.id FROM import_rows r"
            " JOIN contacts c ON c.platform = r.key_platform AND c.handle = r.key_handle"
        )
        if merged:
            handles += (
                " UNION ALL SELECT r.line, a.contact_id FROM import_rows r JOIN contact_aliases a"
                " ON a.kind = 'handle' AND a.platform = r.key_platform AND a.value = r.key_handle"
                " WHERE NOT EXISTS (SELECT 1 FROM contacts c"
                " WHERE c.platform = r.key_platform AND c.handle = r.key_handle)"
            )

        def pick(col: str, otherwise: str) -> str:
            return (
                "CASE "
                + " ".join(f"WHEN {a}.n IS NOT NULL THEN {a}.{col}" for _, a in keys)
                + f" ELSE {otherwise} END"
            )

        self.dialect.temp_table(
            cur,
            "import_plan",
            f"""
            WITH hd AS (SELECT line, min(id) AS id FROM ({handles}) h GROUP BY line){ctes},
            m AS (SELECT r.line, r.handle IS NOT NULL AS explicit_handle, r.key_platform,
                         r.key_handle, hd.id AS hid,
                         CASE {' '.join(f"WHEN {a}.n IS NOT NULL THEN '{k}'" for k, a in keys)}
                              WHEN hd.id IS NOT NULL THEN 'handle' END AS matched_by,
                         {pick('n', 'CASE WHEN hd.id IS NULL THEN 0 ELSE 1 END')} AS n,
                         {pick('id', 'hd.id')} AS contact_id, {pick('ids', 'NULL')} AS ids
                  FROM import_rows r LEFT JOIN hd USING (line)
                  {''.join(f' LEFT JOIN {a} USING (line)' for _, a in keys)}),
            twice AS (SELECT key_platform, key_handle, min(line) AS same_handle FROM m
                      WHERE contact_id IS NULL AND key_handle IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1),
            w AS (SELECT m.*, min(line) OVER (PARTITION BY contact_id) AS same_contact, twice.same_handle
                  FROM m LEFT JOIN twice USING (key_platform, key_handle)),
            r AS (SELECT line, contact_id, CASE
                    WHEN n > 1 THEN matched_by || ' matches ' || n || ' contacts (#'
                         || array_to_string(ids, ', #') || CASE WHEN n > 3 THEN ', …' ELSE '' END
                         || '): add an external id or platform and handle'
                    WHEN explicit_handle AND hid IS NOT NULL AND hid <> contact_id
                         THEN 'platform and handle belong to' || ' contact #' || hid
                         || ' but the ' || matched_by || ' matches contact #' || contact_id
                    WHEN contact_id IS NOT NULL AND same_contact < line
                         THEN 'matches the same contact #' || contact_id || ' as line ' || same_contact
                    WHEN contact_id IS NULL AND key_handle IS NULL
                         THEN
                    'no contact matches, and a new contact needs an email, a phone, or platform and handle'
                    WHEN contact_id IS NULL AND same_handle < line
                         THEN 'same new contact (' || key_platform || ' ' || key_handle
                         || ') as line ' || same_handle END AS reason FROM w)
            SELECT *, CASE WHEN reason IS NOT NULL THEN 'rejected' WHEN contact_id IS NULL THEN 'insert'
                           WHEN ? = 'skip' THEN 'skip' ELSE 'match' END AS action FROM r""",
            [policy],
        )
        merge = "coalesce(r.{c}, c.{c})" if policy == "update" else "coalesce(c.{c}, r.{c})"

        def value(c: str) -> str:
            """The column's value after the import; an identifier the contact already holds as a merge left it
            (an alias) never replaces the one the merge kept."""
            if merged and c in MATCH_KEYS:
                return (
                    f"CASE WHEN EXISTS (SELECT 1 FROM contact_aliases a WHERE a.contact_id = c.id"
                    f" AND a.kind = '{c}' AND a.value = r.{c}) THEN c.{c} ELSE {merge.format(c=c)} END"
                )
            return merge.format(c=c)

        self.dialect.temp_table(
            cur,
            "import_updates",
            f"""
            SELECT p.line, c.id, c.platform, c.handle,
            {', '.join(f'{value(c)} AS {c}' for c in VALUE_COLUMNS)},
            {' OR '.join(f'({value(c)} IS DISTINCT FROM c.{c})' for c in VALUE_COLUMNS)} AS changed
            FROM import_plan p JOIN import_rows r USING (line) JOIN contacts c ON c.id = p.contact_id
            WHERE p.action = 'match'""",
        )
        apply = (
            " OR ".join(f"v.{s} IS DISTINCT FROM a.{s}" for s in SLOTS)
            if policy == "update"
            else " AND ".join(f"a.{s} IS NULL" for s in SLOTS)
        )
        self.dialect.temp_table(
            cur,
            "import_values",
            f"""
            SELECT p.line, p.contact_id, v.attribute_key, {', '.join('v.' + s for s in SLOTS)},
                   a.contact_id IS NOT NULL AS existed, {', '.join(f'a.{s} AS old_{s}' for s in SLOTS)},
                   a.updated_at AS old_updated_at, a.updated_by AS old_updated_by
            FROM import_values_in v JOIN import_plan p USING (line)
            LEFT JOIN attribute_values a ON a.contact_id = p.contact_id AND a.attribute_key = v.attribute_key
            WHERE p.action = 'match' AND ({apply})""",
        )
        cur.execute(
            "UPDATE import_plan SET action = CASE"
            " WHEN line IN (SELECT line FROM import_updates WHERE changed)"
            " OR line IN (SELECT line FROM import_values) THEN 'update' ELSE 'unchanged' END"
            " WHERE action = 'match'"
        )
        counts = dict(cur.execute("SELECT action, count(*) FROM import_plan GROUP BY action").fetchall())
        refused = cur.execute(
            "SELECT line, reason FROM import_plan WHERE action = 'rejected' ORDER BY line"
        ).fetchall()
        return {
            "inserted": counts.get("insert", 0),
            "updated": counts.get("update", 0),
            "unchanged": counts.get("unchanged", 0),
            "skipped": counts.get("skip", 0),
            "refused": refused,
        }

    def import_samples(self, cur: Cursor, n: int = 5) -> dict[str, list[tuple[Any, ...]]]:
        """Up to ``n`` lines per action: ``inserted`` (line, platform, handle, VALUE_COLUMNS…), ``updated``
        (line, contact id, then before and after of each VALUE_COLUMNS), ``unchanged``/``skip`` (line,
        contact id), ``values`` (line, key, value, value before, existed) of those lines."""
        out = {
            "inserted": cur.execute(
                "SELECT r.line, r.key_platform, r.key_handle,"
                f" {', '.join('r.' + c for c in VALUE_COLUMNS)} FROM import_plan p"
                " JOIN import_rows r USING (line) WHERE p.action = 'insert' ORDER BY line LIMIT ?",
                [n],
            ).fetchall(),
            "updated": cur.execute(
                f"SELECT u.line, u.id, {', '.join(f'c.{c}, u.{c}' for c in VALUE_COLUMNS)}"
                " FROM import_plan p JOIN import_updates u USING (line) JOIN contacts c ON c.id = u.id"
                " WHERE p.action = 'update'"
                " ORDER BY line LIMIT ?",
                [n],
            ).fetchall(),
        }
        for action in ("unchanged", "skip"):
            out[action] = cur.execute(
                "SELECT line, contact_id FROM import_plan WHERE action = ? ORDER BY line LIMIT ?", [action, n]
            ).fetchall()
        lines = [int(r[0]) for r in out["inserted"] + out["updated"]] or [0]
        out["values"] = cur.execute(
            "SELECT v.line, v.attribute_key, coalesce(v.value_text, v.value_number::VARCHAR,"
            " v.value_date::VARCHAR, v.value_bool::VARCHAR),"
            " coalesce(iv.old_value_text, iv.old_value_number::VARCHAR,"
            " iv.old_value_date::VARCHAR, iv.old_value_bool::VARCHAR), iv.existed FROM import_values_in v"
            " LEFT JOIN import_values iv USING (line, attribute_key)"
            f" WHERE v.line IN ({', '.join('?' for _ in lines)})"
            " ORDER BY v.line, v.attribute_key",
            lines,
        ).fetchall()
        return out
