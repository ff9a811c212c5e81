"""Good rows of the history and retention tables for the table-schema tests (issue 16)."""

from datetime import datetime

T = datetime(2024, 1, 1, 12, 0)
T2 = datetime(2024, 2, 1, 12, 0)
HISTORY_GOOD = {
    "value_history": {
        "id": [1, 2],
        "contact_id": [7, 7],
        "attribute_key": ["job_title", "plan_tier"],
        "old_value": [None, "Gold"],
        "new_value": ["Zoé's boss", None],
        "changed_at": [T, T2],
        "source": ["member", "retention"],
        "actor": ["ada@example.com", "retention"],
        "ref": [None, "3"],
    },
    "retention_rules": {
        "id": [1, 2],
        "target": ["*", "#conversations"],
        "basis": ["closed", "active"],
        "days": [30, 365],
        "created_at": [T, T],
        "created_by": ["ada@example.com", "ada@example.com"],
        "updated_at": [T, T2],
        "updated_by": ["ada@example.com", "system (cli)"],
    },
    "retention_runs": {
        "id": [1, 2],
        "run_at": [T, T2],
        "actor": ["system (retention schedule)", "ada@example.com"],
        "trigger": ["schedule", "manual"],
        "rule_id": [1, 2],
        "target": ["job_title", "#conversations"],
        "basis": ["closed", "active"],
        "days": [30, 365],
        "cutoff": [T, T2],
        "contacts": [120, 0],
        "cleared_values": [118, 0],
        "conversations": [0, 4],
        "messages": [0, 12],
        "attachments": [0, 1],
        "seconds": [0.25, 0.0],
    },
}
