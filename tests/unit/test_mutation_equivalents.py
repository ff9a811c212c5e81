"""The rules that leave a surviving mutant out of the mutation score: each one only for a change that cannot
alter behaviour (a diff shaped like mutmut's `show`)."""

from __future__ import annotations

import pytest

from tests.support.mutation_equivalents import reason


def diff(before: str, after: str) -> str:
    return f"--- f.py\n+++ f.py\n@@ -1 +1 @@\n-        {before}\n+        {after}"


STORE = "inbox.store.deletion.xǁDeletionSQLǁf__mutmut_1"


@pytest.mark.parametrize(
    "before, after",
    [
        ('"SELECT id FROM contacts WHERE id = ?",', '"select id from contacts where id = ?",'),
        ('("messages", "count(*)"),', '("messages", "COUNT(*)"),'),
        ("return cast(Callable[P, R], run)", "return cast(None, run)"),
        ('text.encode("ascii")', 'text.encode("ASCII")'),
        ("dict(zip(COLS, r, strict=True))", "dict(zip(COLS, r, strict=False))"),
        ("dict(zip(COLS, r, strict=True))", "dict(zip(COLS, r, ))"),
        ('cur.register("erase_ids", frame)', 'cur.register("ERASE_IDS", frame)'),
        ('cur.unregister("erase_ids")', 'cur.unregister("XXerase_idsXX")'),
    ],
)
def test_changes_that_cannot_alter_behaviour_are_equivalent(before, after):
    assert reason(STORE, diff(before, after))


@pytest.mark.parametrize(
    "before, after",
    [
        ("\"WHERE role = 'admin'\",", "\"WHERE ROLE = 'ADMIN'\","),  # a quoted SQL literal is case-sensitive
        ('"SELECT id FROM contacts",', '"XXSELECT id FROM contactsXX",'),
        ('raise NotFound("contact not found")', 'raise NotFound("CONTACT NOT FOUND")'),  # a message, not SQL
        (
            '"SELECT id FROM contacts" if a else b',
            '"select id from contacts" if not a else b',
        ),  # code changed
        (
            'cur.register("erase_ids", frame)',
            'cur.register("XXerase_idsXX", frame)',
        ),  # a view the query reads
        ("dict(zip(COLS, r, strict=True))", "dict(zip(COLS, r[1:], strict=True))"),
        ('text.encode("ascii")', 'text.encode("utf-16")'),
        ("x = cast(int, y)", "x = cast(int, None)"),
    ],
)
def test_changes_that_can_alter_behaviour_are_scored(before, after):
    assert reason(STORE, diff(before, after)) is None


def test_sql_letter_case_counts_only_in_the_package_that_holds_sql():
    assert reason("inbox.users.x_f__mutmut_1", diff('"SELECT 1 FROM t",', '"select 1 from t",')) is None
