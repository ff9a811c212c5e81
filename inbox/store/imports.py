"""SQL for bulk CSV imports: reading, matching, the all-or-nothing upsert, batches, undo and mapping templates."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Callable

import duckdb

from ..errors import Conflict, InvalidInput, NotFound, UndoRefused

# Built-in attribute columns an import may set (never id, platform, handle or the audit columns).
VALUE_COLUMNS = ("display_name", "email", "first_name", "last_name", "phone", "account_id", "job_title",
                 "language", "subscription", "external_id")
SLOTS = ("value_text", "value_number", "value_date", "value_bool")
MATCH_KEYS = {"external_id": "ext", "email": "em", "phone": "ph"}  # whitelisted match columns → CTE names
POLICIES = ("update", "skip", "fill-empty")
CHUNK_ROWS = 250_000
_PRIOR = ", ".join(f"prior_{c} VARCHAR" for c in VALUE_COLUMNS)


def m010_import_batches(cur) -> None:
    cur.execute("CREATE SEQUENCE import_batch_seq START 1")
    cur.execute("""
        CREATE TABLE import_batches (
            id BIGINT PRIMARY KEY DEFAULT nextval('import_batch_seq'),
            created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
            encoding VARCHAR NOT NULL, delimiter VARCHAR NOT NULL, on_conflict VARCHAR NOT NULL,
            match_order VARCHAR NOT NULL, mapping VARCHAR NOT NULL, rows_total BIGINT NOT NULL,
            inserted BIGINT NOT NULL, updated BIGINT NOT NULL, unchanged BIGINT NOT NULL, skipped BIGINT NOT NULL,
            rejected BIGINT NOT NULL, status VARCHAR NOT NULL CHECK (status IN ('committed', 'undone')),
            undone_at TIMESTAMP, undone_by VARCHAR)""")


def m011_import_batch_contacts(cur) -> None:
    # One row per contact a batch changed: the batch stamp, and the prior values that undo restores.
    cur.execute(f"""
        CREATE TABLE import_batch_contacts (
            batch_id BIGINT NOT NULL, contact_id BIGINT NOT NULL,
            action VARCHAR NOT NULL CHECK (action IN ('inserted', 'updated')), version_after INTEGER NOT NULL,
            {_PRIOR}, prior_version INTEGER, prior_updated_at TIMESTAMP, prior_updated_by VARCHAR)""")


def m012_import_batch_values(cur) -> None:
    # Custom attribute values an update batch replaced (existed = FALSE: there was none, undo deletes it).
    cur.execute("""
        CREATE TABLE import_batch_values (
            batch_id BIGINT NOT NULL, contact_id BIGINT NOT NULL, attribute_key VARCHAR NOT NULL,
            existed BOOLEAN NOT NULL, value_text VARCHAR, value_number DOUBLE, value_date DATE, value_bool BOOLEAN,
            updated_at TIMESTAMP, updated_by VARCHAR)""")


def m013_import_mappings(cur) -> None:
    cur.execute("CREATE TABLE import_mappings (name VARCHAR PRIMARY KEY, mapping VARCHAR NOT NULL,"
                " saved_at TIMESTAMP NOT NULL, saved_by VARCHAR NOT NULL)")


MIGRATIONS: list = [  # versions 10-13 are reserved for imports
    (10, "import batches", m010_import_batches),
    (11, "contacts changed by an import batch, with prior values", m011_import_batch_contacts),
    (12, "custom values replaced by an import batch", m012_import_batch_values),
    (13, "saved import mappings", m013_import_mappings),
]

BATCH_COLS = ("id", "created_at", "created_by", "file_name", "encoding", "delimiter", "on_conflict", "match_order",
              "mapping", "rows_total", "inserted", "updated", "unchanged", "skipped", "rejected", "status",
              "undone_at", "undone_by")


def _search_text_of(select: str) -> str:
    """``select`` (which names every contacts column SEARCH_TEXT_SQL reads) plus its ``search_text``."""
    from .migrations import SEARCH_TEXT_SQL

    return f"SELECT *, {SEARCH_TEXT_SQL} AS search_text FROM ({select})"


class ImportsSQL:
    """Bulk import of contacts and undo of an import batch."""

    # -- reading -------------------------------------------------------------------------
    def import_read_csv(self, path: str, delimiter: str, n_columns: int):
        """Every record of a UTF-8 CSV file (header skipped) as an Arrow table of ``c0..c{n-1}`` strings,
        in file order, and the records DuckDB refused: ``[(line, error_type, csv_line, message, near_byte)]``.

        Strict parsing: a row with too few or too many fields is refused with its line (the header is
        line 1; blank lines count), never padded, cut or dropped. Raises ``InvalidInput`` when the file
        cannot be parsed at all (e.g. mixed line endings), with DuckDB's first line of explanation.
        """
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(int(n_columns))) + "}"
        with self.cursor() as cur:
            try:
                table = cur.sql(
                    f"SELECT * FROM read_csv(?, delim = ?, header = true, quote = '\"', escape = '\"',"
                    f" auto_detect = false, strict_mode = true, columns = {columns}, store_rejects = true,"
                    f" rejects_table = 'import_rejects', rejects_scan = 'import_reject_scans')",
                    params=[str(path), delimiter]).to_arrow_table()
            except duckdb.Error as exc:
                raise InvalidInput(str(exc).splitlines()[0].replace("Invalid Input Error: ", "")) from None
            rejects = cur.execute("SELECT line, error_type, csv_line, error_message, line_byte_position"
                                  " FROM import_rejects ORDER BY line, column_idx").fetchall()
        return table, rejects

    # -- planning (inside the caller's transaction or cursor) ------------------------------
    def import_stage(self, cur, rows, values, phone_platform: str) -> None:
        """Stage the validated rows and custom values (Arrow tables or frames) as views of ``cur``'s connection.

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
            "CREATE OR REPLACE TEMP VIEW import_rows AS SELECT * EXCLUDE (ok),"
            " CASE WHEN handle IS NOT NULL THEN platform WHEN email IS NOT NULL THEN 'email'"
            f" WHEN phone IS NOT NULL THEN '{phone_platform}' END AS key_platform,"
            " coalesce(handle, email, phone) AS key_handle FROM import_rows_in WHERE ok")
        cur.execute("CREATE OR REPLACE TEMP VIEW import_values_in AS SELECT line, attribute_key, value_text,"
                    " value_number, value_date::DATE AS value_date, value_bool FROM import_values_df")

    def import_unstage(self, cur) -> None:
        """Drop what ``import_stage`` and ``import_plan`` made in ``cur``'s connection."""
        for view in ("import_rows", "import_values_in"):
            cur.execute(f"DROP VIEW IF EXISTS {view}")
        for table in ("import_match", "import_plan", "import_updates", "import_values", "import_todo"):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        for name in ("import_rows_in", "import_values_df"):
            cur.unregister(name)

    def import_plan(self, cur, match_order: tuple[str, ...], policy: str) -> dict:
        """Match the staged rows to contacts and decide each row's action (insert, update, unchanged, skip,
        rejected); returns the counts and the rows refused here as ``refused`` ``[(line, reason)]``.

        A row matches the first key of ``match_order`` that finds a contact, else the contact with its
        (platform, handle). Refused: a key finding several contacts, a platform+handle of another contact
        than the key found, a second row for one contact or one new (platform, handle), a new contact
        without email, phone or handle.
        """
        if policy not in POLICIES or not match_order or any(k not in MATCH_KEYS for k in match_order):
            raise ValueError("unknown policy or match key")
        keys = [(k, MATCH_KEYS[k]) for k in match_order]
        ctes = "".join(f", {a} AS (SELECT r.line, count(*) AS n, min(c.id) AS id, list(c.id ORDER BY c.id)[1:3]"
                       f" AS ids FROM import_rows r JOIN contacts c ON c.{k} = r.{k} GROUP BY r.line)" for k, a in keys)

        def pick(col: str, otherwise: str) -> str:
            return "CASE " + " ".join(f"WHEN {a}.n IS NOT NULL THEN {a}.{col}" for _, a in keys) + f" ELSE {otherwise} END"
        cur.execute(f"""
            CREATE OR REPLACE TEMP TABLE import_plan AS
            WITH hd AS (SELECT r.line, min(c.id) AS id FROM import_rows r
                        JOIN contacts c ON c.platform = r.key_platform AND c.handle = r.key_handle GROUP BY r.line){ctes},
            m AS (SELECT r.line, r.handle IS NOT NULL AS explicit_handle, r.key_platform, r.key_handle, hd.id AS hid,
                         CASE {' '.join(f"WHEN {a}.n IS NOT NULL THEN '{k}'" for k, a in keys)}
                              WHEN hd.id IS NOT NULL THEN 'handle' END AS matched_by,
                         {pick('n', 'CASE WHEN hd.id IS NULL THEN 0 ELSE 1 END')} AS n,
                         {pick('id', 'hd.id')} AS contact_id, {pick('ids', 'NULL')} AS ids
                  FROM import_rows r LEFT JOIN hd USING (line){''.join(f' LEFT JOIN {a} USING (line)' for _, a in keys)}),
            twice AS (SELECT key_platform, key_handle, min(line) AS same_handle FROM m WHERE contact_id IS NULL
                      AND key_handle IS NOT NULL GROUP BY ALL HAVING count(*) > 1),
            w AS (SELECT m.*, min(line) OVER (PARTITION BY contact_id) AS same_contact, twice.same_handle
                  FROM m LEFT JOIN twice USING (key_platform, key_handle)),
            r AS (SELECT line, contact_id, CASE
                    WHEN n > 1 THEN matched_by || ' matches ' || n || ' contacts (#' || array_to_string(ids, ', #')
                         || CASE WHEN n > 3 THEN ', …' ELSE '' END || '): add an external id or platform and handle'
                    WHEN explicit_handle AND hid IS NOT NULL AND hid <> contact_id THEN 'platform and handle belong to'
                         || ' contact #' || hid || ' but the ' || matched_by || ' matches contact #' || contact_id
                    WHEN contact_id IS NOT NULL AND same_contact < line
                         THEN 'matches the same contact #' || contact_id || ' as line ' || same_contact
                    WHEN contact_id IS NULL AND key_handle IS NULL
                         THEN 'no contact matches, and a new contact needs an email, a phone, or platform and handle'
                    WHEN contact_id IS NULL AND same_handle < line THEN 'same new contact (' || key_platform || ' '
                         || key_handle || ') as line ' || same_handle END AS reason FROM w)
            SELECT *, CASE WHEN reason IS NOT NULL THEN 'rejected' WHEN contact_id IS NULL THEN 'insert'
                           WHEN ? = 'skip' THEN 'skip' ELSE 'match' END AS action FROM r""", [policy])
        merge = "coalesce(r.{c}, c.{c})" if policy == "update" else "coalesce(c.{c}, r.{c})"
        cur.execute(f"""
            CREATE OR REPLACE TEMP TABLE import_updates AS
            SELECT p.line, c.id, c.platform, c.handle, {', '.join(f'{merge.format(c=c)} AS {c}' for c in VALUE_COLUMNS)},
                   {' OR '.join(f'({merge.format(c=c)} IS DISTINCT FROM c.{c})' for c in VALUE_COLUMNS)} AS changed
            FROM import_plan p JOIN import_rows r USING (line) JOIN contacts c ON c.id = p.contact_id
            WHERE p.action = 'match'""")
        apply = (" OR ".join(f"v.{s} IS DISTINCT FROM a.{s}" for s in SLOTS) if policy == "update"
                 else " AND ".join(f"a.{s} IS NULL" for s in SLOTS))
        cur.execute(f"""
            CREATE OR REPLACE TEMP TABLE import_values AS
            SELECT p.line, p.contact_id, v.attribute_key, {', '.join('v.' + s for s in SLOTS)},
                   a.contact_id IS NOT NULL AS existed, {', '.join(f'a.{s} AS old_{s}' for s in SLOTS)},
                   a.updated_at AS old_updated_at, a.updated_by AS old_updated_by
            FROM import_values_in v JOIN import_plan p USING (line)
            LEFT JOIN attribute_values a ON a.contact_id = p.contact_id AND a.attribute_key = v.attribute_key
            WHERE p.action = 'match' AND ({apply})""")
        cur.execute("UPDATE import_plan SET action = CASE WHEN line IN (SELECT line FROM import_updates WHERE changed)"
                    " OR line IN (SELECT line FROM import_values) THEN 'update' ELSE 'unchanged' END"
                    " WHERE action = 'match'")
        counts = dict(cur.execute("SELECT action, count(*) FROM import_plan GROUP BY action").fetchall())
        refused = cur.execute("SELECT line, reason FROM import_plan WHERE action = 'rejected' ORDER BY line").fetchall()
        return {"inserted": counts.get("insert", 0), "updated": counts.get("update", 0),
                "unchanged": counts.get("unchanged", 0), "skipped": counts.get("skip", 0), "refused": refused}

    def import_samples(self, cur, n: int = 5) -> dict[str, list[tuple]]:
        """Up to ``n`` lines per action: ``inserted`` (line, platform, handle, VALUE_COLUMNS…), ``updated``
        (line, contact id, then before and after of each VALUE_COLUMNS), ``unchanged``/``skip`` (line,
        contact id), ``values`` (line, key, value, value before, existed) of those lines."""
        out = {"inserted": cur.execute(
            f"SELECT r.line, r.key_platform, r.key_handle, {', '.join('r.' + c for c in VALUE_COLUMNS)} FROM"
            " import_plan p JOIN import_rows r USING (line) WHERE p.action = 'insert' ORDER BY line LIMIT ?",
            [n]).fetchall(), "updated": cur.execute(
            f"SELECT u.line, u.id, {', '.join(f'c.{c}, u.{c}' for c in VALUE_COLUMNS)} FROM import_plan p JOIN"
            " import_updates u USING (line) JOIN contacts c ON c.id = u.id WHERE p.action = 'update'"
            " ORDER BY line LIMIT ?", [n]).fetchall()}
        for action in ("unchanged", "skip"):
            out[action] = cur.execute("SELECT line, contact_id FROM import_plan WHERE action = ? ORDER BY line"
                                      " LIMIT ?", [action, n]).fetchall()
        lines = [int(r[0]) for r in out["inserted"] + out["updated"]] or [0]
        out["values"] = cur.execute(
            "SELECT v.line, v.attribute_key, coalesce(v.value_text, v.value_number::VARCHAR, v.value_date::VARCHAR,"
            " v.value_bool::VARCHAR), coalesce(iv.old_value_text, iv.old_value_number::VARCHAR,"
            " iv.old_value_date::VARCHAR, iv.old_value_bool::VARCHAR), iv.existed FROM import_values_in v"
            f" LEFT JOIN import_values iv USING (line, attribute_key) WHERE v.line IN ({', '.join('?' for _ in lines)})"
            " ORDER BY v.line, v.attribute_key", lines).fetchall()
        return out

    # -- writing -------------------------------------------------------------------------
    def import_write(self, cur, *, batch: dict, actor: str, at: datetime,
                     progress: Callable[[int, int], None] | None = None) -> int:
        """Apply the plan of ``cur``'s staged import inside its transaction; returns the new batch id.

        New contacts get ids reserved from the sequence; every changed contact gets a row in
        ``import_batch_contacts`` (the batch stamp and its prior values), each replaced custom value
        one in ``import_batch_values``. Work goes in chunks of CHUNK_ROWS rows, ``progress(done, total)``
        after each; one transaction, so a failure in any chunk leaves the database as it was.
        """
        batch_id = int(cur.execute("SELECT nextval('import_batch_seq')").fetchone()[0])
        cur.execute(f"INSERT INTO import_batches ({', '.join(BATCH_COLS[:-2])}) VALUES"
                    f" ({', '.join('?' for _ in BATCH_COLS[:-2])})",
                    [batch_id, at, actor, batch["file_name"], batch["encoding"], batch["delimiter"],
                     batch["on_conflict"], ",".join(batch["match_order"]), json.dumps(batch["mapping"]),
                     batch["rows_total"], batch["inserted"], batch["updated"], batch["unchanged"],
                     batch["skipped"], batch["rejected"], "committed"])
        n_new, n_upd = (int(x) for x in cur.execute("SELECT count(*) FILTER (WHERE action = 'insert'), count(*)"
                                                    " FILTER (WHERE action = 'update') FROM import_plan").fetchone())
        first = 0
        if n_new:  # a range of ids for the new contacts (a failed import leaves a gap, never a duplicate)
            first = int(cur.execute("SELECT nextval('contact_id_seq')").fetchone()[0])
            if n_new > 1:
                cur.execute("SELECT setval('contact_id_seq', ?)", [first + n_new - 1]).fetchall()
        cur.execute("CREATE OR REPLACE TEMP TABLE import_todo AS SELECT line, action, CASE WHEN action = 'insert'"
                    " THEN ? - 1 + n ELSE contact_id END AS contact_id, (n - 1) // ? AS chunk FROM (SELECT *,"
                    " row_number() OVER (ORDER BY action, line) AS n FROM import_plan WHERE action IN ('insert',"
                    " 'update'))", [first, CHUNK_ROWS])
        chunks = int(cur.execute("SELECT coalesce(max(chunk) + 1, 0) FROM import_todo").fetchone()[0])
        for chunk in range(chunks):
            try:
                self.import_write_chunk(cur, batch_id, chunk, actor, at)
            except (duckdb.TransactionException, duckdb.ConstraintException) as exc:
                raise Conflict("contacts of this import changed in another session meanwhile; nothing was "
                               "imported: run the import again") from exc
            if progress:
                progress(min((chunk + 1) * CHUNK_ROWS, n_new + n_upd), n_new + n_upd)
        return batch_id

    def import_write_chunk(self, cur, batch_id: int, chunk: int, actor: str, at: datetime) -> None:
        """Insert and update the contacts (and custom values) of one chunk of the plan."""
        todo = "(SELECT line, contact_id FROM import_todo WHERE chunk = ? AND action = '{}')"
        ins, upd = todo.format("insert"), todo.format("update")
        cols = ", ".join(VALUE_COLUMNS)
        cur.execute(
            f"INSERT INTO contacts (id, platform, handle, {cols}, created_at, created_by, updated_at, updated_by,"
            f" version, search_text) SELECT * FROM ("
            + _search_text_of(f"SELECT t.contact_id AS id, r.key_platform AS platform, r.key_handle AS handle,"
                              f" {', '.join('r.' + c for c in VALUE_COLUMNS)}, ?::TIMESTAMP AS created_at,"
                              f" ?::VARCHAR AS created_by, ?::TIMESTAMP AS updated_at, ?::VARCHAR AS updated_by,"
                              f" 1 AS version FROM {ins} t JOIN import_rows r USING (line)") + ")",
            [at, actor, at, actor, chunk])
        cur.execute(f"INSERT INTO import_batch_contacts (batch_id, contact_id, action, version_after)"
                    f" SELECT ?, contact_id, 'inserted', 1 FROM {ins}", [batch_id, chunk])
        cur.execute(f"INSERT INTO attribute_values SELECT t.contact_id, v.attribute_key, v.value_text, v.value_number,"
                    f" v.value_date, v.value_bool, ?, ? FROM {ins} t JOIN import_values_in v USING (line)",
                    [at, actor, chunk])
        # Updates: remember the prior values first, then change the contacts and their values.
        cur.execute(
            f"INSERT INTO import_batch_contacts (batch_id, contact_id, action, version_after,"
            f" {', '.join('prior_' + c for c in VALUE_COLUMNS)}, prior_version, prior_updated_at, prior_updated_by)"
            f" SELECT ?, c.id, 'updated', c.version + 1, {', '.join('c.' + c for c in VALUE_COLUMNS)}, c.version,"
            f" c.updated_at, c.updated_by FROM {upd} t JOIN contacts c ON c.id = t.contact_id", [batch_id, chunk])
        cur.execute(f"INSERT INTO import_batch_values SELECT ?, v.contact_id, v.attribute_key, v.existed,"
                    f" {', '.join('v.old_' + s for s in SLOTS)}, v.old_updated_at, v.old_updated_by"
                    f" FROM {upd} t JOIN import_values v USING (line)", [batch_id, chunk])
        sets = ", ".join(f"{c} = n.{c}" for c in VALUE_COLUMNS)
        cur.execute(
            f"UPDATE contacts SET {sets}, search_text = n.search_text, version = contacts.version + 1,"
            f" updated_at = ?, updated_by = ? FROM ("
            + _search_text_of(f"SELECT u.id, u.platform, u.handle, {', '.join('u.' + c for c in VALUE_COLUMNS)}"
                              f" FROM {upd} t JOIN import_updates u USING (line)")
            + ") n WHERE contacts.id = n.id", [at, actor, chunk])
        cur.execute(f"UPDATE attribute_values SET {', '.join(f'{s} = v.{s}' for s in SLOTS)}, updated_at = ?,"
                    f" updated_by = ? FROM (SELECT v.* FROM {upd} t JOIN import_values v USING (line)"
                    f" WHERE v.existed) v WHERE attribute_values.contact_id = v.contact_id"
                    f" AND attribute_values.attribute_key = v.attribute_key", [at, actor, chunk])
        cur.execute(f"INSERT INTO attribute_values SELECT v.contact_id, v.attribute_key, {', '.join('v.' + s for s in SLOTS)},"
                    f" ?, ? FROM {upd} t JOIN import_values v USING (line) WHERE NOT v.existed", [at, actor, chunk])

    # -- batches and undo ----------------------------------------------------------------
    def import_batches(self, limit: int = 50) -> list[dict]:
        rows = self._rows(f"SELECT {', '.join(BATCH_COLS)} FROM import_batches ORDER BY id DESC LIMIT ?", [limit])
        return [dict(zip(BATCH_COLS, r)) for r in rows]

    def undo_import_batch(self, batch_id: int, actor: str, at: datetime) -> dict:
        """Undo a committed batch in one transaction: remove the contacts it inserted (with their rows in every
        contact table: values, CRM lookups), restore the prior values of the contacts it updated (a new version).
        Raises ``NotFound``, ``Conflict`` (already undone) or ``UndoRefused`` listing the contacts changed since
        (another version, or a conversation on an inserted contact) — nothing is changed then. Contacts deleted
        since are left deleted. Returns ``removed``, ``restored``, ``already_deleted``.
        """
        batch_id, tables = int(batch_id), [t for t in self.contact_tables() if not t.startswith("import_batch")]
        with self.tx() as cur:
            row = cur.execute("SELECT status FROM import_batches WHERE id = ?", [batch_id]).fetchone()
            if row is None:
                raise NotFound(f"there is no import {batch_id}")
            if row[0] != "committed":
                raise Conflict(f"import {batch_id} was already undone")
            changed = cur.execute("""
                SELECT * FROM (SELECT b.contact_id, b.action, b.version_after, c.version, c.updated_by, c.updated_at,
                       b.action = 'inserted' AND EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = c.id) AS talked
                FROM import_batch_contacts b JOIN contacts c ON c.id = b.contact_id WHERE b.batch_id = ?)
                WHERE version <> version_after OR talked ORDER BY contact_id""", [batch_id]).fetchall()
            if changed:
                keys = ("contact_id", "action", "version_after", "version", "updated_by", "updated_at", "conversation")
                raise UndoRefused(batch_id, [dict(zip(keys, r)) for r in changed])
            counts = cur.execute("""
                SELECT count(*) FILTER (WHERE b.action = 'inserted' AND c.id IS NOT NULL),
                       count(*) FILTER (WHERE b.action = 'updated' AND c.id IS NOT NULL),
                       count(*) FILTER (WHERE c.id IS NULL)
                FROM import_batch_contacts b LEFT JOIN contacts c ON c.id = b.contact_id WHERE b.batch_id = ?""",
                                 [batch_id]).fetchone()
            inserted = "(SELECT contact_id FROM import_batch_contacts WHERE batch_id = ? AND action = 'inserted')"
            for table in tables:
                cur.execute(f"DELETE FROM {table} WHERE contact_id IN {inserted}", [batch_id])
            cur.execute(f"DELETE FROM contacts WHERE id IN {inserted}", [batch_id])
            sets = ", ".join(f"{c} = n.{c}" for c in VALUE_COLUMNS)
            prior = ", ".join(f"b.prior_{c} AS {c}" for c in VALUE_COLUMNS)
            cur.execute(
                f"UPDATE contacts SET {sets}, search_text = n.search_text, version = contacts.version + 1,"
                f" updated_at = ?, updated_by = ? FROM ("
                + _search_text_of(f"SELECT c.id, c.platform, c.handle, {prior} FROM import_batch_contacts b"
                                  f" JOIN contacts c ON c.id = b.contact_id WHERE b.batch_id = ? AND b.action = 'updated'")
                + ") n WHERE contacts.id = n.id", [at, actor, batch_id])
            olds = ("(SELECT v.* FROM import_batch_values v JOIN contacts c ON c.id = v.contact_id"
                    " JOIN attribute_definitions d ON d.key = v.attribute_key WHERE v.batch_id = ?)")
            cur.execute(f"DELETE FROM attribute_values USING {olds} v WHERE NOT v.existed"
                        f" AND attribute_values.contact_id = v.contact_id"
                        f" AND attribute_values.attribute_key = v.attribute_key", [batch_id])
            cur.execute(f"UPDATE attribute_values SET {', '.join(f'{s} = v.{s}' for s in SLOTS)},"
                        f" updated_at = v.updated_at, updated_by = v.updated_by FROM {olds} v WHERE v.existed"
                        f" AND attribute_values.contact_id = v.contact_id"
                        f" AND attribute_values.attribute_key = v.attribute_key", [batch_id])
            cur.execute(f"INSERT INTO attribute_values SELECT v.contact_id, v.attribute_key,"
                        f" {', '.join('v.' + s for s in SLOTS)}, v.updated_at, v.updated_by FROM {olds} v"
                        f" WHERE v.existed AND NOT EXISTS (SELECT 1 FROM attribute_values a WHERE"
                        f" a.contact_id = v.contact_id AND a.attribute_key = v.attribute_key)", [batch_id])
            # Earlier batches that left these contacts in the state now restored may be undone next.
            cur.execute("UPDATE import_batch_contacts SET version_after = s.version FROM (SELECT b.contact_id,"
                        " b.prior_version, c.version FROM import_batch_contacts b JOIN contacts c ON c.id = b.contact_id"
                        " WHERE b.batch_id = ? AND b.action = 'updated') s WHERE import_batch_contacts.batch_id <> ?"
                        " AND import_batch_contacts.contact_id = s.contact_id"
                        " AND import_batch_contacts.version_after = s.prior_version", [batch_id, batch_id])
            cur.execute("UPDATE import_batches SET status = 'undone', undone_at = ?, undone_by = ? WHERE id = ?",
                        [at, actor, batch_id])
        return {"batch_id": batch_id, "removed": int(counts[0]), "restored": int(counts[1]),
                "already_deleted": int(counts[2])}

    # -- mapping templates ---------------------------------------------------------------
    def save_import_mapping(self, name: str, mapping: dict, actor: str, at: datetime) -> None:
        with self.tx() as cur:
            cur.execute("INSERT INTO import_mappings VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                        " mapping = excluded.mapping, saved_at = excluded.saved_at, saved_by = excluded.saved_by",
                        [name, json.dumps(mapping, ensure_ascii=False), at, actor])

    def import_mappings(self) -> list[dict]:
        rows = self._rows("SELECT name, mapping, saved_at, saved_by FROM import_mappings ORDER BY lower(name)")
        return [{"name": n, "mapping": json.loads(m), "saved_at": at, "saved_by": by} for n, m, at, by in rows]

    def delete_import_mapping(self, name: str) -> bool:
        with self.tx() as cur:
            return bool(cur.execute("DELETE FROM import_mappings WHERE name = ? RETURNING name", [name]).fetchall())
