"""Good rows and bad values of the tables issue 16 added (history, merge, access log, notes), in one place."""

from datetime import datetime

from tests.support import access_rows
from tests.support.history_tables import HISTORY_GOOD
from tests.support.merge_tables import MERGE_BAD, MERGE_GOOD

_T = datetime(2024, 1, 1, 12, 0)
NOTES_GOOD = {
    "contact_notes": {
        "id": [1, 2],
        "contact_id": [1, 1],
        "body": ["Prefers e-mail.\nCall after 5 pm.", "x" * 2000],
        "created_at": [_T, _T],
        "created_by": ["ada@example.com", "bob@example.com"],
    },
    "contact_vips": {"contact_id": [1], "marked_at": [_T], "marked_by": ["ada@example.com"]},
}
NOTES_BAD = [
    ("contact_notes", "body", "", "str_length"),
    ("contact_notes", "body", "x" * 2001, "str_length"),
    ("contact_notes", "id", -1, "greater_than"),
]
FEATURE_GOOD = {**HISTORY_GOOD, **access_rows.GOOD, **MERGE_GOOD, **NOTES_GOOD}
FEATURE_BAD = [*access_rows.BAD, *MERGE_BAD, *NOTES_BAD]
