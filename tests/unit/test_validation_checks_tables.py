"""The table schemas (GOOD frames pass, each BAD value is reported) and failures_frame."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pandera.pandas as pa
import pytest

from tests.support.feature_tables import FEATURE_BAD, FEATURE_GOOD
from validation.tables import TABLE_SCHEMAS, failures_frame, frame_failures

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"
T = datetime(2024, 1, 1, 12, 0)
T2 = datetime(2024, 2, 1, 12, 0)
H, H2, G = "a" * 64, "b" * 64, "0" * 64
GOOD = {
    "deletion_log": {
        "id": [1, 2],
        "deleted_at": [T, T2],
        "deleted_by": ["ada@example.com", "system (cli)"],
        "contact_id": [7, 9],
        "platform": ["whatsapp", "email"],
        "display_name": ["Zoé Quill", None],
        "identity_hint": ["customer #1234, erasure request of 2026-11-02", "duplicate of #8"],
        "reason": ["gdpr_request", "duplicate"],
        "conversations": [1, 0],
        "messages": [3, 0],
        "attachments": [2, 0],
        "bytes": [2048, 0],
        "email_hmac": [H, None],
        "phone_hmac": [H2, None],
        "handle_hmac": [H, H2],
        "external_id_hmac": [None, None],
        "snapshot": [None, '{"contact": {}, "values": {}}'],
        "prev_hash": [G, H],
        "entry_hash": [H, H2],
    },
    "deletion_log_head": {"id": [1], "entries": [2], "last_hash": [H2], "updated_at": [T2]},
    "deletion_pending_files": {
        "storage_path": ["7/0a1b2c3d4e5f-passport.pdf"],
        "entry_id": [1],
        "recorded_at": [T],
    },
    "deletion_log_seals": {"id": [1, 2], "seal": [H, H2]},
    "sign_in_attempts": {
        "id": [1, 2],
        "attempted_at": [T, T2],
        "email": ["ada@example.com", ""],
        "client": ["127.0.0.1", "localhost"],
        "outcome": ["failure", "success"],
    },
    "sessions": {
        "id": [1, 2],
        "token_hash": [H, H2],
        "user_id": [1, 1],
        "created_at": [T, T],
        "last_seen_at": [T, T2],
        "ended_at": [None, T2],
        "ended_why": [None, "signed out"],
        "client": ["127.0.0.1", ""],
        "user_agent": ["Mozilla/5.0", ""],
    },
    "api_tokens": {
        "id": [1, 2],
        "token_hash": [H, H2],
        "hint": ["x9Q_", "-a0Z"],
        "user_id": [1, 2],
        "name": ["nightly export", "Zoé's import"],
        "created_at": [T, T],
        "created_by": ["ada@example.com", "system (cli)"],
        "expires_at": [T2, None],
        "last_used_at": [None, T2],
        "revoked_at": [None, T2],
        "revoked_by": [None, "ada@example.com"],
    },
    "import_batches": {
        "id": [1, 2],
        "created_at": [T, T2],
        "created_by": ["ada@example.com", "system (cli)"],
        "file_name": ["a.csv", "b.csv"],
        "encoding": ["utf-8", "windows-1252"],
        "delimiter": [",", ";"],
        "on_conflict": ["update", "fill-empty"],
        "match_order": ["external_id,email,phone"] * 2,
        "mapping": ["{}", "{}"],
        "rows_total": [3, 0],
        "inserted": [2, 0],
        "updated": [1, 0],
        "unchanged": [0, 0],
        "skipped": [0, 0],
        "rejected": [0, 0],
        "status": ["committed", "undone"],
        "undone_at": [None, T2],
        "undone_by": [None, "ada@example.com"],
    },
    "import_batch_contacts": {
        "batch_id": [1, 1],
        "contact_id": [1, 2],
        "action": ["inserted", "updated"],
        "version_after": [1, 3],
        "prior_display_name": [None, "x"],
        "prior_email": [None, "x"],
        "prior_first_name": [None, "x"],
        "prior_last_name": [None, "x"],
        "prior_phone": [None, "x"],
        "prior_account_id": [None, "x"],
        "prior_job_title": [None, "x"],
        "prior_language": [None, "x"],
        "prior_subscription": [None, "x"],
        "prior_external_id": [None, "x"],
        "prior_version": [None, 2],
        "prior_updated_at": [None, T],
        "prior_updated_by": [None, "bob@example.com"],
    },
    "import_batch_values": {
        "batch_id": [1, 1],
        "contact_id": [2, 2],
        "attribute_key": ["tier", "orders"],
        "existed": [True, False],
        "value_text": ["gold", None],
        "value_number": [None, None],
        "value_date": [None, None],
        "value_bool": [None, None],
        "updated_at": [T, None],
        "updated_by": ["bob@example.com", None],
    },
    "import_mappings": {
        "name": ["HubSpot"],
        "mapping": ['{"Email": "email"}'],
        "saved_at": [T],
        "saved_by": ["ada@example.com"],
    },
    "crm_settings": {
        "id": [1],
        "lookup_url": ["https://crm.example.com/lookup"],
        "secret": ["s3cret-s3cret-s3cret"],
        "secret_set_at": [T],
        "secret_set_by": ["ada@example.com"],
        "timeout_seconds": [5.0],
        "lookup_key": ["email"],
        "aliases": ['{"jobTitle": "job_title"}'],
        "enabled": [True],
        "updated_at": [T2],
        "updated_by": ["ada@example.com"],
    },
    "crm_lookups": {
        "contact_id": [1, 2],
        "attempted_at": [T2, T2],
        "attempted_by": ["bob@example.com", "system (cli)"],
        "trigger": ["manual", "sync"],
        "ok": [True, False],
        "last_success_at": [T2, T],
        "last_error": [None, "the CRM failed (HTTP 500)"],
        "written": ['["job_title"]', "[]"],
        "skipped": ["[]", "[]"],
    },
    "workspace_settings": {
        "key": ["plan"],
        "value": ["team"],
        "updated_at": [T],
        "updated_by": ["migration"],
    },
    "users": {
        "id": [1, 2],
        "email": ["ada@example.com", "bob@example.com"],
        "display_name": ["Ada", "Bob"],
        "role": ["admin", "agent"],
        "password_hash": [HASH, HASH],
        "active": [True, False],
        "created_at": [T, T],
        "last_sign_in_at": [T2, None],
    },
    "contacts": {
        "id": [1, 2],
        "platform": ["whatsapp", "email"],
        "handle": ["+5511987654321", "ada@example.com"],
        "display_name": ["Ada", None],
        "email": ["ada@example.com", None],
        "first_name": ["Ada", None],
        "last_name": [None, None],
        "phone": ["+5511987654321", None],
        "account_id": [None, "A-1"],
        "job_title": [None, None],
        "language": ["pt", None],
        "subscription": ["free", None],
        "external_id": [None, None],
        "created_at": [T, T],
        "created_by": ["system", "system"],
        "updated_at": [T2, T],
        "updated_by": ["system", "ada@example.com"],
        "version": [2, 1],
        "search_text": ["ada +5511987654321 ada@example.com", None],
    },
    "attribute_definitions": {
        "key": ["email", "subscription"],
        "label": ["Email", "Subscription"],
        "type": ["email", "list"],
        "builtin": [True, True],
        "enabled": [True, False],
        "position": [1, 2],
        "options": [None, '["free", "basic"]'],
        "regex": [None, "^[a-z]+$"],
        "required_on_import": [False, False],
        "crm_managed": [False, True],
        "created_at": [T, T],
    },
    "layout_versions": {
        "version": [1, 2],
        "saved_at": [T, T2],
        "saved_by": ["migration", "ada@example.com"],
        "layout": ['[{"key": "email"}]', "[]"],
        "changes": ['["initial layout"]', "[]"],
        "reverted_from": [None, 1],
    },
    "attribute_values": {
        "contact_id": [1, 1, 2],
        "attribute_key": ["vip", "renewal", "vip"],
        "value_text": [None, None, None],
        "value_number": [3.0, None, None],
        "value_date": [None, date(2025, 1, 1), None],
        "value_bool": [None, None, None],
        "updated_at": [T, T, T],
        "updated_by": ["system", "system", "system"],
    },
    "conversations": {
        "id": [1],
        "contact_id": [1],
        "platform": ["sms"],
        "status": ["open"],
        "subject": [None],
        "started_at": [T],
        "last_message_at": [T2],
    },
    "messages": {
        "id": [1, 2],
        "conversation_id": [1, 1],
        "contact_id": [1, 1],
        "direction": ["inbound", "outbound"],
        "author": [None, "bob@example.com"],
        "body": ["Hi\nthere", ""],
        "sent_at": [T, T2],
    },
    "attachments": {
        "id": [1],
        "message_id": [1],
        "conversation_id": [1],
        "contact_id": [1],
        "filename": ["a.pdf"],
        "content_type": ["application/pdf"],
        "size_bytes": [0],
        "storage_path": ["1/1/a.pdf"],
        "sha256": ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        "created_at": [T],
    },
}

# table, column, bad value for row 0 (None: the row-level check), expected check (substring)
BAD = [
    ("value_history", "source", "magic", "isin"),
    ("retention_rules", "basis", "resolved", "isin"),
    ("retention_rules", "target", "Job Title", "str_matches"),
    ("value_history", "attribute_key", "Job Title", "is_slug"),
    ("import_batches", "on_conflict", "merge", "isin"),
    ("import_batches", "undone_by", "ada@example.com", "undone_iff_undone_by_and_undone_at"),
    ("import_batch_contacts", "action", "deleted", "isin"),
    ("import_batch_contacts", "action", "updated", "updated_rows_have_a_prior_version"),
    ("crm_settings", "lookup_url", "ftp://crm", "is_url"),
    ("crm_settings", "timeout_seconds", 0.1, "greater_than_or_equal_to"),
    ("crm_settings", "aliases", '["jobTitle"]', "is_json_object_of_str"),
    ("crm_lookups", "trigger", "cron", "isin"),
    ("crm_lookups", "last_error", "boom", "error_iff_failed_and_last_success_at_attempted_at"),
    ("workspace_settings", "key", "colour", "isin"),
    ("workspace_settings", "value", "gold", "plan_is_known"),
    ("users", "email", "Ada@example.com", "is_lowercase"),
    ("users", "email", "ada", "is_email"),
    ("users", "email", "bob@example.com", "field_uniqueness"),
    ("users", "role", "owner", "isin"),
    ("users", "password_hash", "plain", "is_argon2_hash"),
    ("contacts", "platform", "myspace", "isin"),
    ("contacts", "handle", " ", "not_blank"),
    ("contacts", "email", "not-an-email", "is_email"),
    ("contacts", "email", "ADA@example.com", "is_lowercase"),
    ("contacts", "email", "jeff@xn--kpry57d.tw", "is_email"),
    ("contacts", "phone", "11987654321", "is_e164"),
    ("contacts", "language", "english", "is_language_tag"),
    ("contacts", "display_name", "Ada\tLovelace", "no_control_chars"),
    ("contacts", "version", 0, "greater_than_or_equal_to"),
    ("contacts", "id", 2, "field_uniqueness"),
    ("contacts", "updated_at", datetime(2020, 1, 1), "updated_at_not_before_created_at"),
    ("attribute_definitions", "key", "Job Title", "is_slug"),
    ("attribute_definitions", "type", "colour", "isin"),
    ("attribute_definitions", "options", '["a", 1]', "is_json_list_of_str"),
    ("attribute_definitions", "regex", "(", "is_valid_regex"),
    ("attribute_definitions", "position", 2, "field_uniqueness"),
    ("attribute_definitions", "position", 0, "greater_than_or_equal_to"),
    ("layout_versions", "layout", '{"key": "email"}', "is_json_list_of_objects"),
    ("layout_versions", "changes", "[1]", "is_json_list_of_str"),
    ("layout_versions", "version", 2, "field_uniqueness"),
    ("layout_versions", "reverted_from", 5, "reverted_from_an_earlier_version"),
    ("attribute_values", "attribute_key", "renewal", "multiple_fields_uniqueness"),
    ("attribute_values", "value_text", "three", "at_most_one_value_column"),
    ("attribute_values", "attribute_key", "VIP!", "is_slug"),
    ("conversations", "status", "pending", "isin"),
    ("conversations", "platform", "fax", "isin"),
    ("conversations", "last_message_at", datetime(2023, 1, 1), "started_at_not_after_last_message_at"),
    ("messages", "direction", "sideways", "isin"),
    ("messages", "body", None, "not_nullable"),
    ("attachments", "size_bytes", -1, "greater_than_or_equal_to"),
    ("attachments", "sha256", "abc", "is_sha256_hex"),
    ("attachments", "storage_path", "../etc/passwd", "is_relative_path"),
    ("attachments", "storage_path", "/abs/path", "is_relative_path"),
    ("deletion_log_seals", "seal", "not a hash", "is_sha256_hex"),
    ("sign_in_attempts", "outcome", "maybe", "isin"),
    ("sign_in_attempts", "client", "", "str_length"),
    ("sign_in_attempts", "email", "x" * 321, "str_length"),
    ("sessions", "token_hash", "the-token-itself", "is_sha256_hex"),
    ("api_tokens", "token_hash", "inbox_pat_the-token-itself", "is_sha256_hex"),
    ("api_tokens", "hint", "whole-token", "str_length"),
    ("api_tokens", "name", "", "str_length"),
    ("api_tokens", "name", "two\nlines", "no_control_chars"),
    ("api_tokens", "expires_at", datetime(2023, 1, 1), "expires_at_after_created_at"),
    ("api_tokens", "revoked_by", "ada@example.com", "revoked_by_set_with_revoked_at"),
]

GOOD.update(FEATURE_GOOD)  # feature tables kept in tests/support (this file stays under 400 lines)
BAD += FEATURE_BAD


def frame(table: str) -> pd.DataFrame:
    return pd.DataFrame(GOOD[table])


def test_every_table_has_a_schema_and_good_data():
    assert set(TABLE_SCHEMAS) == set(GOOD)


@pytest.mark.parametrize("table", list(GOOD))
def test_schema_accepts_good_frame(table):
    out = TABLE_SCHEMAS[table].validate(frame(table), lazy=True)
    assert len(out) == len(GOOD[table]["id" if "id" in GOOD[table] else next(iter(GOOD[table]))])
    assert frame_failures(TABLE_SCHEMAS[table], frame(table)).empty


@pytest.mark.parametrize("table, column, value, check", BAD)
def test_schema_reports_bad_value(table, column, value, check):
    df = frame(table).astype(object)
    df.loc[0, column] = value
    failures = frame_failures(TABLE_SCHEMAS[table], df)
    assert list(failures.columns) == ["row", "column", "check", "value"]
    hits = failures[failures["check"].astype(str).str.contains(check, regex=False)]
    assert len(hits) >= 1, failures
    assert 0 in hits["row"].tolist()
    if check.endswith(("_at", "_column", "_known", "_version")):  # dataframe-wide checks: one line per row
        assert hits["column"].isna().all() and len(hits) == 1
    elif "uniqueness" not in check:
        assert set(hits["column"]) == {column}


def test_strict_reports_extra_and_missing_columns():
    df = frame("messages").drop(columns=["author"]).assign(colour="red")
    failures = frame_failures(TABLE_SCHEMAS["messages"], df)
    assert {("author", "column_in_dataframe"), ("colour", "column_in_schema")} <= set(
        zip(failures["column"], failures["check"], strict=True)
    )
    assert failures.loc[failures["column"] == "colour", "row"].isna().all()


def test_coercion_failure_reported_once_without_type_error_rows():
    df = frame("contacts").astype(object)
    df.loc[1, "version"] = "two"
    try:
        TABLE_SCHEMAS["contacts"].validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raw = exc.failure_cases
        out = failures_frame(exc)
    assert raw["index"].isna().any()  # pandera's null-index follow-up rows exist...
    version = out[out["column"] == "version"]
    assert version["check"].tolist() == ["coerce_dtype('int32')"]  # ...and are dropped
    assert version["row"].tolist() == [1] and version["value"].tolist() == ["two"]
    assert not out["value"].astype(str).str.startswith("TypeError(").any()


def test_failures_frame_from_an_eager_error():
    df = frame("users").astype(object)
    df.loc[0, "role"] = "owner"
    with pytest.raises(pa.errors.SchemaError) as info:
        TABLE_SCHEMAS["users"].validate(df)
    out = failures_frame(info.value)
    assert out[["row", "column", "value"]].values.tolist() == [[0, "role", "owner"]]


def test_coerces_editor_dtypes():
    df = frame("contacts")
    df["version"] = df["version"].astype(float)  # what st.data_editor leaves after an added row
    out = TABLE_SCHEMAS["contacts"].validate(df)
    assert str(out["version"].dtype) == "int32"
