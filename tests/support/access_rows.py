"""Rows of the access log for the table-schema tests: a GOOD frame and BAD values with the check they fail."""

from datetime import datetime

T, T2 = datetime(2024, 1, 1, 12, 0), datetime(2024, 2, 1, 12, 0)

GOOD = {
    "access_log": {
        "id": [1, 2],
        "accessed_at": [T, T2],
        "actor": ["ada@example.com", "system (cli)"],
        "kind": ["subject_export", "contacts_export"],
        "format": ["zip", "csv"],
        "query": [None, '{"query": "weber"}'],
        "contact_id": [7, None],
        "row_count": [1, 1200],
    },
}
BAD = [
    ("access_log", "kind", "peek", "isin"),
    ("access_log", "format", "pdf", "isin"),
    ("access_log", "row_count", -1, "greater_than_or_equal_to"),
    ("access_log", "query", "not json", "is_json_object"),
    ("access_log", "contact_id", None, "subject_export_contact_known"),
]
