"""Good rows of the merge tables for the table-schema tests (``GOOD`` of test_validation_checks_tables)."""

from datetime import datetime

T = datetime(2024, 1, 1, 12, 0)
MERGE_GOOD = {
    "merge_log": {
        "id": [1, 2],
        "merged_at": [T, T],
        "merged_by": ["ada@example.com", "system (cli)"],
        "survivor_id": [7, 9],
        "merged_ids": ["[8]", "[10, 11]"],
        "conversations": [5, 0],
        "messages": [12, 0],
        "attachments": [1, 0],
        "changed_keys": ['["email"]', "[]"],
        "identities": ['[{"id": 8, "platform": "email", "hint": "L. W."}]', "[]"],
    },
    "contact_aliases": {
        "contact_id": [7, 7],
        "kind": ["handle", "email"],
        "platform": ["webchat", None],
        "value": ["visitor-1", "zoe@example.org"],
        "merged_from": [8, 8],
        "merge_id": [1, 1],
        "created_at": [T, T],
    },
}
MERGE_BAD = [
    ("merge_log", "merged_ids", "8, 9", "is_json_list"),
    ("merge_log", "conversations", -1, "greater_than_or_equal_to"),
    ("contact_aliases", "kind", "fax", "isin"),
    ("contact_aliases", "platform", None, "platform_of_handles_known"),
    ("contact_aliases", "value", "two\nlines", "no_control_chars"),
]
