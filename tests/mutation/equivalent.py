"""Surviving mutants that cannot change behaviour: SQL letter case (found by rule) and a reviewed list."""

from __future__ import annotations

import re

# Upper-case SQL words our queries are written with: a changed line holding one of them is a SQL text line.
_SQL_WORD = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|JOIN|VALUES|GROUP BY|ORDER BY|RETURNING|COALESCE|"
    r"COUNT|AND|OR|NOT|NULL|IS|IN|AS|ON|SET|LIMIT|DESC|ASC|CASE|WHEN|THEN|ELSE|END|DISTINCT|BIGINT|"
    r"UNION|ALL|EXISTS|HAVING|BETWEEN|LIKE|ILIKE|INTO|DEFAULT|TABLE|INDEX|DROP|ALTER|CREATE|WITH|VARCHAR|USING)\b"
)
_QUOTED = re.compile(r"'[^']*'")

# Reviewed by hand: {mutant name: (the mutant's changed line, stripped; why it cannot change behaviour)}.
# A mutant counts as equivalent only while its diff still shows that exact line (numbers shift when the code
# changes: the entry then stops applying and the mutant is scored again).
REVIEWED: dict[str, tuple[str, str]] = {}


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
        and _SQL_WORD.search(b)
        and _QUOTED.findall(b) == _QUOTED.findall(a)
        for b, a in changed
    )


def reason(name: str, diff: str) -> str | None:
    """Why the surviving mutant ``name`` is equivalent, or ``None`` when it is not known to be."""
    if name.startswith("inbox.store.") and sql_case_only(diff):  # the only package holding SQL
        return "changes only the letter case of SQL text"
    if name in REVIEWED:
        line, why = REVIEWED[name]
        if changed_lines(diff)[1] == [line]:
            return why
    return None
