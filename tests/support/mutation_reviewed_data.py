"""Reviewed equivalent mutants of the deletion-log, deletion and import modules (merged into
``mutation_equivalents.REVIEWED``): {name: (the mutant's changed line, stripped; why it cannot change
behaviour)}."""

from __future__ import annotations

_NAME_CASE = (
    "a column, table or sequence name in SQL: DuckDB resolves unquoted names (and nextval's) whatever their"
    " case"
)
_PART_CASE = "date_trunc's part name and unquoted names are case-insensitive in DuckDB"
_INT_IDS = "pandas infers Int64 from Python ints: the view's id column is BIGINT either way"
_JSON_READ_BACK = (
    "the mapping's JSON is only read back by json.loads (import_mappings): escaped or not, the same mapping"
)
_ALL_LOCKS = "with ids None receive_locks takes every lock and never reads the repository argument"
_INT_ROWS = "the problems' row column is int64 already: the same array either way"
_DRY_RUN = (
    "a dry run writes only temporary tables of its own connection: in a transaction or not, nothing stays"
)
_EMPTY_CONCAT = "concatenating a frame without rows adds no row (errors_text reads rows by their values)"
_INDEX_UNUSED = "errors_text sorts by the row column and reads values by position: the index is never used"
_NO_EXTRA = "errors_text's extra reasons: None and {} are both empty (if extra:)"
_SAME_DEFAULT = "import_samples's default n is 5, SAMPLE_ROWS"
_NAN_AS_NONE = (
    "after the concat with the validation problems a missing column reads as NaN, which errors_text treats"
    " as it treats None"
)
_OR_EMPTY = (
    "the value is replaced when there are attachments and read through `or` (list(paths or []), size or 0)"
)
_EVERY_TABLE = (
    "per_table holds a count for every contact table (one UNION ALL branch each): the default is never used"
)
_SEQUENCE_GAP = "a sequence value taken for nothing leaves a gap in contact ids, which only need to be unique"
_NO_NEW = "the first reserved id is only read for new contacts: with none it is never used"
_NOTHING_TOUCHED = (
    "with no chunk to write no contact is touched: the snapshot and the history it feeds are empty"
)
_ALIAS_XX = "the two parentheses become aliases XX of the two subqueries: the same query"
_CHUNK_SIZE = "how many log entries are read at a time: every entry is read, in order, either way"
_HEAD_MOVED = (
    "tx() turns this TransactionException into a WriteConflict, which erase_contacts retries whatever its"
    " message"
)
_HEAD_WITH_FACTS = "the head is None exactly when no contact was found (both readers return them together)"
_ONE_IS_MANY = "the one-contact reader is a faster route to the same facts (the many-contact reader's rows)"
_ONE_FILE = "one lock for every file instead of one per file: deletions of one database take turns either way"
_UNREACHABLE = "after the loop's last attempt raises Conflict: this line is never reached"
_USABLE_FALLBACKS = (
    "the fallbacks come out of resolve() already usable: fallback_problems finds nothing in them, and a"
    " target that is no attribute key is refused by the mapping's own check"
)
REVIEWED_DATA: dict[str, tuple[str, str]] = {
    "inbox.store.deletion_log.x__where__mutmut_9": (
        'clauses.append("DELETED_AT >= ?")',
        _NAME_CASE,
    ),
    "inbox.store.deletion_log.x__where__mutmut_19": (
        'clauses.append("DELETED_AT < ?")',
        _NAME_CASE,
    ),
    "inbox.store.deletion_log.x__where__mutmut_24": (
        'for column, key in (("DELETED_BY", "admins"), ("platform", "platforms"), ("reason", "reasons")):',
        _NAME_CASE,
    ),
    "inbox.store.deletion_log.x__where__mutmut_28": (
        'for column, key in (("deleted_by", "admins"), ("PLATFORM", "platforms"), ("reason", "reasons")):',
        _NAME_CASE,
    ),
    "inbox.store.deletion_log.x__where__mutmut_32": (
        'for column, key in (("deleted_by", "admins"), ("platform", "platforms"), ("REASON", "reasons")):',
        _NAME_CASE,
    ),
    "inbox.store.deletion_log.x__where__mutmut_73": (
        'clauses.append("ID > ?")',
        _NAME_CASE,
    ),
    "inbox.store.deletion_log.xǁDeletionLogSQLǁdeletion_log_aggregates__mutmut_27": (
        "\" FROM (SELECT DATE_TRUNC('WEEK', DELETED_AT) AS WEEK, * FROM DELETION_LOG\"",
        _PART_CASE,
    ),
    "inbox.store.deletion_log.xǁDeletionLogSQLǁdeletion_log_frame__mutmut_11": (
        'order = "id DESC" if newest_first else "ID"',
        _NAME_CASE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_many__mutmut_9": (
        'cur.register("erase_ids", pd.DataFrame({"ID": pd.array(ids, dtype="int64")}))',
        _NAME_CASE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_many__mutmut_11": (
        'cur.register("erase_ids", pd.DataFrame({"id": pd.array(ids, dtype=None)}))',
        _INT_IDS,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_many__mutmut_13": (
        'cur.register("erase_ids", pd.DataFrame({"id": pd.array(ids, )}))',
        _INT_IDS,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write__mutmut_6": (
        "batch_id = int(cur.execute(\"SELECT NEXTVAL('IMPORT_BATCH_SEQ')\").fetchall()[0][0])",
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁsave_import_mapping__mutmut_9": (
        '" MAPPING = EXCLUDED.MAPPING, SAVED_AT = EXCLUDED.SAVED_AT, SAVED_BY = EXCLUDED.SAVED_BY",',
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁsave_import_mapping__mutmut_11": (
        "[name, json.dumps(mapping, ensure_ascii=None), at, actor],",
        _JSON_READ_BACK,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁsave_import_mapping__mutmut_13": (
        "[name, json.dumps(mapping, ), at, actor],",
        _JSON_READ_BACK,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁsave_import_mapping__mutmut_14": (
        "[name, json.dumps(mapping, ensure_ascii=True), at, actor],",
        _JSON_READ_BACK,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁundo_import_batch__mutmut_7": (
        "with receive_locks(None, None), self.tx() as cur:",
        _ALL_LOCKS,
    ),
    "inbox.imports.x__import_table__mutmut_144": (
        'bad = np.isin(typed.index.to_numpy(), problems["row"].to_numpy(dtype=None))',
        _INT_ROWS,
    ),
    "inbox.imports.x__import_table__mutmut_158": (
        "opened = store.cursor() if (dry_run) and False else store.tx()",
        _DRY_RUN,
    ),
    "inbox.imports.x__import_table__mutmut_224": (
        "pd.concat([problems, refused], ignore_index=True) if (len(refused)) or True else problems,",
        _EMPTY_CONCAT,
    ),
    "inbox.imports.x__import_table__mutmut_226": (
        "pd.concat([problems, refused], ignore_index=None) if len(refused) else problems,",
        _INDEX_UNUSED,
    ),
    "inbox.imports.x__import_table__mutmut_228": (
        "pd.concat([problems, refused], ) if len(refused) else problems,",
        _INDEX_UNUSED,
    ),
    "inbox.imports.x__import_table__mutmut_229": (
        "pd.concat([problems, refused], ignore_index=False) if len(refused) else problems,",
        _INDEX_UNUSED,
    ),
    "inbox.imports.x__import_table__mutmut_234": (
        'left = errors_text(left_empty[~left_empty["row"].isin(errors.index)], header_of, None)',
        _NO_EXTRA,
    ),
    "inbox.imports.x__import_table__mutmut_263": (
        "result.samples = samples(store.imports.import_samples(cur, ), errors)",
        _SAME_DEFAULT,
    ),
    "inbox.imports.x__import_table__mutmut_198": (
        'refused = pd.DataFrame(counts["refused"], columns=["row", "reason"]).assign(value=None)',
        _NAN_AS_NONE,
    ),
    "inbox.imports.x__import_table__mutmut_199": (
        'refused = pd.DataFrame(counts["refused"], columns=["row", "reason"]).assign(column=None, )',
        _NAN_AS_NONE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_one__mutmut_10": (
        "f\"SELECT {', '.join('C.' + c for c in ENTRY_FACTS)}, h.entries, h.last_hash,\"",
        _NAME_CASE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_one__mutmut_62": (
        "paths: list[str] = None",
        _OR_EMPTY,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_one__mutmut_63": (
        "size: int | None = None",
        _OR_EMPTY,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_one__mutmut_91": (
        '**{k: int(per_table.get(k, None)) for k in ("conversations", "messages", "attachments")},',
        _EVERY_TABLE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_one__mutmut_93": (
        '**{k: int(per_table.get(k, )) for k in ("conversations", "messages", "attachments")},',
        _EVERY_TABLE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_one__mutmut_94": (
        '**{k: int(per_table.get(k, 1)) for k in ("conversations", "messages", "attachments")},',
        _EVERY_TABLE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write__mutmut_63": (
        'first = self.dialect.reserve_ids(cur, "contact_id_seq", n_new) if (n_new) or True else 0',
        _SEQUENCE_GAP,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write__mutmut_71": (
        'first = self.dialect.reserve_ids(cur, "CONTACT_ID_SEQ", n_new) if n_new else 0',
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write__mutmut_72": (
        'first = self.dialect.reserve_ids(cur, "contact_id_seq", n_new) if n_new else 1',
        _NO_NEW,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write__mutmut_102": (
        "before = self._history.snapshot(cur, touched) if (chunks) or True else None",
        _NOTHING_TOUCHED,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write_chunk__mutmut_118": (
        "f\" {', '.join('V.' + s for s in SLOTS)}, ?, ?\"",
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write_chunk__mutmut_29": (
        "f\" {', '.join('R.' + c for c in VALUE_COLUMNS)}, ?::TIMESTAMP AS created_at,\"",
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write_chunk__mutmut_30": (
        '+ "XX)XX",',
        _ALIAS_XX,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write_chunk__mutmut_43": (
        '" V.VALUE_NUMBER, V.VALUE_DATE, V.VALUE_BOOL, ?, ?"',
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write_chunk__mutmut_52": (
        "f\" {', '.join('PRIOR_' + c for c in VALUE_COLUMNS)}, prior_version, prior_updated_at,\"",
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write_chunk__mutmut_60": (
        "f\" {', '.join('C.' + c for c in VALUE_COLUMNS)}, c.version, c.updated_at, c.updated_by\"",
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write_chunk__mutmut_69": (
        "f\" {', '.join('V.OLD_' + s for s in SLOTS)}, v.old_updated_at, v.old_updated_by\"",
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write_chunk__mutmut_86": (
        '"CONTACTS",',
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁimport_write_chunk__mutmut_97": (
        "f\"SELECT u.id, u.platform, u.handle, {', '.join('U.' + c for c in VALUE_COLUMNS)}\"",
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁundo_import_batch__mutmut_109": (
        '"CONTACTS",',
        _NAME_CASE,
    ),
    "inbox.store.imports_write.xǁImportsSQLǁundo_import_batch__mutmut_150": (
        "f\" {', '.join('V.' + s for s in SLOTS)}, v.updated_at, v.updated_by FROM {olds} v\"",
        _NAME_CASE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_one__mutmut_42": (
        ")",
        "zip(strict=True) of a row and the names of its columns: equal in length by construction",
    ),
    "inbox.store.deletion_log.xǁDeletionLogSQLǁiter_deletion_log__mutmut_1": (
        "def iter_deletion_log(self, chunk: int = 50001) -> Iterator[list[tuple[Any, ...]]]:",
        _CHUNK_SIZE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_append_entries__mutmut_54": (
        "raise duckdb.TransactionException(None)",
        _HEAD_MOVED,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_append_entries__mutmut_55": (
        "raise duckdb.TransactionException(\"XXConflict: the deletion log head movedXX\")",
        _HEAD_MOVED,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_append_entries__mutmut_56": (
        "raise duckdb.TransactionException(\"conflict: the deletion log head moved\")",
        _HEAD_MOVED,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_append_entries__mutmut_57": (
        "raise duckdb.TransactionException(\"CONFLICT: THE DELETION LOG HEAD MOVED\")",
        _HEAD_MOVED,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_erase_once__mutmut_17": (
        "if not facts and head is None:  # (the head is None exactly when no contact exists)",
        _HEAD_WITH_FACTS,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_erase_once__mutmut_2": (
        "read = self._facts_of_one if (len(ids) == 1) and False else self._facts_of_many",
        _ONE_IS_MANY,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁerase_contacts__mutmut_6": (
        "with chain_lock(None), receive_locks(self, ids):  # no message lands meanwhile",
        _ONE_FILE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁerase_contacts__mutmut_35": (
        "raise AssertionError(None)",
        _UNREACHABLE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁerase_contacts__mutmut_36": (
        "raise AssertionError(\"XXunreachableXX\")",
        _UNREACHABLE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁerase_contacts__mutmut_37": (
        "raise AssertionError(\"UNREACHABLE\")",
        _UNREACHABLE,
    ),
    "inbox.imports.x__import_table__mutmut_21": (
        "reasons = mapping_problems(mapping, attributes, None)",
        _USABLE_FALLBACKS,
    ),
    "inbox.imports.x__import_table__mutmut_24": (
        "reasons = mapping_problems(mapping, attributes, )",
        _USABLE_FALLBACKS,
    ),
}
