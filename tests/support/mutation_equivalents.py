"""Surviving mutants that cannot change behaviour: SQL letter case (found by rule) and a reviewed list."""

from __future__ import annotations

import codecs
import re

from .mutation_reviewed_data import REVIEWED_DATA

# Upper-case SQL words our queries are written with: a changed line holding one of them is a SQL text line.
_SQL_WORD = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|JOIN|VALUES|GROUP BY|ORDER BY|RETURNING|COALESCE|"
    r"COUNT|AND|OR|NOT|NULL|IS|IN|AS|ON|SET|LIMIT|DESC|ASC|CASE|WHEN|THEN|ELSE|END|DISTINCT|BIGINT|"
    r"UNION|ALL|EXISTS|HAVING|BETWEEN|LIKE|ILIKE|INTO|DEFAULT|TABLE|INDEX|DROP|ALTER|CREATE|WITH|VARCHAR|USING)\b"
)
_QUOTED = re.compile(r"'[^']*'")
_SQL_CALL = re.compile(r"^\s*(count|coalesce|sum|max|min|avg|string_agg|list|lower|upper)\(", re.IGNORECASE)

# Reviewed by hand: {mutant name: (the mutant's changed line, stripped; why it cannot change behaviour)}.
# A mutant counts as equivalent only while its diff still shows that exact line (numbers shift when the code
# changes: the entry then stops applying and the mutant is scored again).
_SWALLOWED = "the message of an exception the same function catches and replaces"
_ASCII_FIELDS = (
    "a checkpoint's fields are ASCII (numbers, hex, an ISO time): JSON escaping and the file's encoding write"
    " the same bytes"
)
_NOT_A_CHECKPOINT = (
    "a line that is not ASCII JSON of a genuine checkpoint is reported either way, with its number"
)
_LAST_LINE = "on the file's last line, stopping the loop and going on to its end are the same"
_TMP_NAME = "only the random part of the temporary file's name changes (it is renamed or removed right after)"
_ASCII_JSON = "the key file is ASCII JSON (hex strings): every locale encoding writes the same bytes"
_JSON_SPACE = "whitespace of the JSON that read_key_file parses (json.loads): the same keys are read back"
_NONBLOCK = "os.O_NONBLOCK exists on every POSIX system this runs on: getattr's default is never used"
_PAST_LIMIT = (
    "the size check right after each read refuses once the limit is passed: only how far the last read may"
    " reach past it changes (at most one chunk)"
)
_BOOLS = (
    "the predicate's results are bools: the array is bool either way, and the result is cast to bool after"
)
_ONE_DTYPE = (
    "the checks read object, str and inferred columns alike (_on_text turns objects into str; a non-string"
    " fails, a missing value passes): same verdict for every value type"
)
REVIEWED: dict[str, tuple[str, str]] = {
    "inbox.auth.x_require_member__mutmut_16": (
        'if actor.role == "XXsystemXX":',
        "the CLI operator then reaches refusal(), whose first rule lets the system role through",
    ),
    'inbox.checkpoints.x_as_line__mutmut_3': (
        'return json.dumps(checkpoint, separators=(",", ":"), ensure_ascii=None)',
        _ASCII_FIELDS,
    ),
    'inbox.checkpoints.x_as_line__mutmut_6': (
        'return json.dumps(checkpoint, separators=(",", ":"), )',
        _ASCII_FIELDS,
    ),
    'inbox.checkpoints.x_as_line__mutmut_9': (
        'return json.dumps(checkpoint, separators=(",", ":"), ensure_ascii=False)',
        _ASCII_FIELDS,
    ),
    'inbox.checkpoints.x_signed_bytes__mutmut_5': (
        '{k: body[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=None',
        _ASCII_FIELDS,
    ),
    'inbox.checkpoints.x_signed_bytes__mutmut_9': (
        '{k: body[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"), ).encode("ascii")',
        _ASCII_FIELDS,
    ),
    'inbox.checkpoints.x_signed_bytes__mutmut_13': (
        '{k: body[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=False',
        _ASCII_FIELDS,
    ),
    'inbox.checkpoints.x_append__mutmut_34': (
        'with os.fdopen(fd, "a", encoding=None) as out:',
        _ASCII_FIELDS,
    ),
    'inbox.checkpoints.x_append__mutmut_37': ('with os.fdopen(fd, "a", ) as out:', _ASCII_FIELDS),
    'inbox.checkpoints.x_read__mutmut_7': (
        'text = path.read_text(encoding=None, errors="replace")',
        _NOT_A_CHECKPOINT,
    ),
    'inbox.checkpoints.x_read__mutmut_9': ('text = path.read_text(errors="replace")', _NOT_A_CHECKPOINT),
    'inbox.checkpoints.x_read__mutmut_32': ('checkpoint = ""', _NOT_A_CHECKPOINT),
    'inbox.checkpoints.x_read__mutmut_31': ('break', _LAST_LINE),
    "inbox.sign_in.x_delay__mutmut_12": (
        "factor: int = 2 ** min(failures - free, 21)  # failures >= free here: a whole power of two",
        "the exponent's cap only keeps the number small: 5 s x 2**20 is far past the 15-minute ceiling",
    ),
    "inbox.key_file.x_new_keys__mutmut_5": (
        "return Keys(secrets.token_bytes(None), legacy)",
        "secrets.token_bytes gives 32 bytes by default, which is MASTER_BYTES",
    ),
    "inbox.key_file.x_write_key_file__mutmut_9": (
        'tmp = path.with_name(f".{path.name}.{secrets.token_hex(None)}.tmp")',
        _TMP_NAME,
    ),
    "inbox.key_file.x_write_key_file__mutmut_10": (
        'tmp = path.with_name(f".{path.name}.{secrets.token_hex(5)}.tmp")',
        _TMP_NAME,
    ),
    "inbox.key_file.x_write_key_file__mutmut_23": (
        'with os.fdopen(fd, "w", encoding=None) as out:',
        _ASCII_JSON,
    ),
    "inbox.key_file.x_write_key_file__mutmut_26": ('with os.fdopen(fd, "w", ) as out:', _ASCII_JSON),
    "inbox.key_file.xǁKeysǁto_json__mutmut_2": ("indent=None,", _JSON_SPACE),
    "inbox.key_file.xǁKeysǁto_json__mutmut_4": (")", _JSON_SPACE),
    "inbox.key_file.xǁKeysǁto_json__mutmut_14": ("indent=2,", _JSON_SPACE),
    "inbox.files.x_read_attachment_arg__mutmut_19": (
        'fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", None))',
        _NONBLOCK,
    ),
    "inbox.files.x_read_attachment_arg__mutmut_22": (
        'fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", ))',
        _NONBLOCK,
    ),
    "inbox.files.x_read_attachment_arg__mutmut_25": (
        'fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 1))',
        _NONBLOCK,
    ),
    "inbox.files.x_read_attachment_arg__mutmut_44": (
        "while chunk := fh.read(min(CHUNK_BYTES, MAX_ATTACHMENT_BYTES + 1 + size)):",
        _PAST_LIMIT,
    ),
    "inbox.files.x_read_attachment_arg__mutmut_46": (
        "while chunk := fh.read(min(CHUNK_BYTES, MAX_ATTACHMENT_BYTES + 2 - size)):",
        _PAST_LIMIT,
    ),
    "inbox.auth.x_require_member__mutmut_17": (
        'if actor.role == "SYSTEM":',
        "the CLI operator then reaches refusal(), whose first rule lets the system role through",
    ),
    "inbox.deletion_chain.xǁ_Checksǁ__init____mutmut_21": (
        "self.last_matched = None",
        "read only as a truth value (if self.last_matched): None and 0 are both false",
    ),
    "validation.checks.x__each__mutmut_8": (
        "(seen[v] if (v in seen) and False else seen.setdefault(v, ok(v))) if isinstance(v, str) else False",
        "the per-value cache only spares calls of a pure predicate",
    ),
    "validation.checks.x__each__mutmut_19": (
        "result.loc[todo] = np.array(judged, dtype=None)",
        _BOOLS,
    ),
    "validation.checks.x__each__mutmut_21": ("result.loc[todo] = np.array(judged, )", _BOOLS),
    "validation.checks.x__lacks__mutmut_6": (
        "return ~_flag(t.str.contains(pattern, ))",
        "regex=True is what Series.str.contains does by default",
    ),
    "validation.checks.x__one__mutmut_3": ("series = pd.Series([value], dtype=None)", _ONE_DTYPE),
    "validation.checks.x__one__mutmut_5": ("series = pd.Series([value], )", _ONE_DTYPE),
    "validation.checks.x__one__mutmut_6": (
        'series = pd.Series([value], dtype="str" if (isinstance(value, str)) and False else object)',
        _ONE_DTYPE,
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_one__mutmut_19": (
        "return {}, [], [], None, True",
        "no contact found: the caller returns before reading the snapshot flag (head is None)",
    ),
    "inbox.store.deletion.xǁDeletionSQLǁ_facts_of_many__mutmut_40": (
        "return {}, [], [], None, True",
        "no contact found: the caller returns before reading the snapshot flag (head is None)",
    ),
    "inbox.store.imports_write.xǁImportsSQLǁundo_import_batch__mutmut_119": (
        "f\" {', '.join('V.' + s for s in SLOTS)}, v.updated_at, v.updated_by FROM {olds} v\"",
        "SQL letter case (a table alias) inside a nested f-string",
    ),
    "inbox.deletion.x_identifier_keys__mutmut_3": (
        "keys = workspace_keys(store, create=None)",
        "create=None is falsy like create=False",
    ),
    "inbox.store.deletion_log.xǁDeletionLogSQLǁdeletion_lookup__mutmut_24": (
        "f\" WHERE {' or '.join(hits)} ORDER BY id\",",
        "SQL letter case (OR) inside a nested f-string",
    ),
    "inbox.key_file.xǁKeysǁdecrypt__mutmut_3": ("raise ValueError(None)", _SWALLOWED),
    "inbox.key_file.xǁKeysǁdecrypt__mutmut_4": ('raise ValueError("XXnot encryptedXX")', _SWALLOWED),
    "inbox.key_file.xǁKeysǁdecrypt__mutmut_5": ('raise ValueError("NOT ENCRYPTED")', _SWALLOWED),
    "inbox.checkpoints.x_parse__mutmut_3": (
        'text = (text or "XXXX").strip()',
        "an empty --expect and the text XXXX are both refused with the same message",
    ),
    "inbox.checkpoints.x_parse__mutmut_19": (
        'text = lines[-1] if lines else "XXXX"',
        "an empty file and the text XXXX are both refused with the same message",
    ),
    "inbox.checkpoints.x_parse__mutmut_10": (
        "lines = [line for line in Path(text).read_text(encoding=None).splitlines() if line.strip()]",
        "checkpoint files are written in ASCII, which every locale encoding reads alike",
    ),
    "validation.checks.x__register__mutmut_5": (
        "register_check_method(fn, supported_types=None)",
        "pandera's default supported types include pd.Series, the only type the checks are used on",
    ),
    "validation.checks.x__register__mutmut_7": (
        "register_check_method(fn, )",
        "pandera's default supported types include pd.Series, the only type the checks are used on",
    ),
    "inbox.deletion.x__snapshot__mutmut_22": (
        'return json.dumps({"contact": values, "values": custom}, sort_keys=True, ensure_ascii=None, '
        "default=str)",
        "ensure_ascii=None is falsy like False",
    ),
    "inbox.entry_hashes.x_canonical_json__mutmut_4": (
        '{k: _plain(entry[k]) for k in _HASHED}, sort_keys=True, separators=(",", ":"), ensure_ascii=None',
        "ensure_ascii=None is falsy like False",
    ),
    "inbox.users.x_check_credentials__mutmut_5": (
        "stored = store.accounts.password_hash(email) if (email) or True else None",
        "no member has the empty e-mail (each is an address): the lookup gives None, like the shortcut",
    ),
    "inbox.users.x_check_credentials__mutmut_13": (
        '_hasher.verify(stored or _DUMMY_HASH, password or "XXXX")',
        "no member's password is XXXX (at least MIN_PASSWORD_LENGTH = 8 characters): both verifications fail",
    ),
    "inbox.keys.x_workspace_keys__mutmut_1": (
        "keys = None",
        "the unlocked cache read is a fast path: the locked read just below returns the same cached keys",
    ),
    "inbox.keys.x_workspace_keys__mutmut_4": (
        "keys = None",
        "the locked re-read only spares a 2nd read of the key file when two threads miss at once: same keys",
    ),
    "inbox.keys.x_key_problems__mutmut_3": (
        "keys = workspace_keys(store, create=None)",
        "create=None is falsy like create=False",
    ),
}
REVIEWED.update(REVIEWED_DATA)
_CAST = re.compile(r"cast\((.+?), (\w+)\)")


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    """The removed and the added lines of a unified diff (stripped), without the file header lines."""
    removed = [
        line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    return removed, added


_PY_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def sql_case_only(diff: str) -> bool:
    """True when the mutant only changes the letter case of SQL text inside Python string literals: SQL
    keywords and unquoted names are case-insensitive. Not when a quoted literal ('admin'), a quoted name
    ("x"), code outside the strings, or a string without SQL words changes."""
    removed, added = changed_lines(diff)
    if len(removed) != 1 or len(added) != 1 or removed == added:
        return False
    before, after = removed[0], added[0]
    if _PY_STRING.sub('""', before) != _PY_STRING.sub('""', after):
        return False  # code outside the string literals changed
    pairs = list(zip(_PY_STRING.findall(before), _PY_STRING.findall(after), strict=True))
    changed = [(b, a) for b, a in pairs if b != a]
    return bool(changed) and all(
        b.lower() == a.lower()
        and '\\"' not in b
        and (_SQL_WORD.search(b) or _SQL_CALL.match(b[1:]))
        and _QUOTED.findall(b) == _QUOTED.findall(a)
        for b, a in changed
    )


def strict_flag_only(diff: str) -> bool:
    """True when only ``strict=True`` of a ``zip`` changed (to False, None, or left out)."""
    removed, added = changed_lines(diff)
    if len(removed) != 1 or len(added) != 1 or "strict=True" not in removed[0]:
        return False
    return added[0] in {removed[0].replace("strict=True", alt) for alt in ("strict=False", "strict=None", "")}


_VIEW = re.compile(r'cur\.(un)?register\("(\w+)"')


def view_name_only(diff: str) -> bool:
    """True when only the name given to ``cur.register``/``cur.unregister`` changed case, or the name given
    to ``unregister`` changed at all (the cursor, and the view with it, is closed right after)."""
    removed, added = changed_lines(diff)
    if len(removed) != 1 or len(added) != 1:
        return False
    before, after = _VIEW.search(removed[0]), _VIEW.search(added[0])
    if not before or not after or _VIEW.sub("", removed[0]) != _VIEW.sub("", added[0]):
        return False
    return before.group(1) == after.group(1) and (
        before.group(2).lower() == after.group(2).lower() or before.group(1) == "un"
    )


def cast_type_only(diff: str) -> bool:
    """True when only the type argument of ``typing.cast(type, value)`` changed (to ``None``)."""
    removed, added = changed_lines(diff)
    if len(removed) != 1 or len(added) != 1:
        return False
    found = _CAST.search(removed[0])
    return bool(found) and added[0] == removed[0].replace(found.group(0), f"cast(None, {found.group(2)})")


def codec_case_only(diff: str) -> bool:
    """True when only the letter case of a codec name given to encode/decode/read_text changed."""
    removed, added = changed_lines(diff)
    if len(removed) != 1 or len(added) != 1 or removed == added or removed[0].lower() != added[0].lower():
        return False
    pairs = [
        (b, a)
        for b, a in zip(_PY_STRING.findall(removed[0]), _PY_STRING.findall(added[0]), strict=False)
        if b != a
    ]
    try:
        return bool(pairs) and all(codecs.lookup(b[1:-1]) == codecs.lookup(a[1:-1]) for b, a in pairs)
    except LookupError:
        return False


def reason(name: str, diff: str) -> str | None:
    """Why the surviving mutant ``name`` is equivalent, or ``None`` when it is not known to be."""
    if name.startswith("inbox.store.") and sql_case_only(diff):  # the only package holding SQL
        return "changes only the letter case of SQL text"
    if strict_flag_only(diff):
        return "zip(strict=True) guards against a bug over sequences equal in length by construction"
    if view_name_only(diff):
        return "a DuckDB view name: case-insensitive, registered on a cursor that is closed right after"
    if cast_type_only(diff):
        return "typing.cast ignores its type argument at run time"
    if codec_case_only(diff):
        return "Python codec names are case-insensitive"
    if name in REVIEWED:
        line, why = REVIEWED[name]
        if changed_lines(diff)[1] == [line]:
            return why
    return None
