"""pandera models of every stored table (made by inbox/store/migrations/), one registry ``TABLE_SCHEMAS``."""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa

from . import (
    ATTRIBUTE_TYPES,
    CONVERSATION_STATUSES,
    MESSAGE_DIRECTIONS,
    PLANS,
    PLATFORMS,
    ROLES,
    SETTING_KEYS,
)
from .access_tables import ACCESS_TABLE_SCHEMAS
from .columns import (
    Bool,
    Date,
    Float,
    Int32,
    Int64,
    NullableBool,
    NullableInt32,
    StoredTable,
    Text,
    Timestamp,
    actor_field,
    id_field,
    line_field,
)
from .crm_tables import CRM_TABLE_SCHEMAS
from .deletion_tables import DELETION_TABLE_SCHEMAS
from .failures import FAILURE_COLUMNS, failures_frame, frame_failures
from .history_tables import HISTORY_TABLE_SCHEMAS
from .import_tables import IMPORT_TABLE_SCHEMAS
from .merge_tables import MERGE_TABLE_SCHEMAS
from .note_tables import NOTE_TABLE_SCHEMAS
from .sign_in_tables import SIGN_IN_TABLE_SCHEMAS
from .token_tables import TOKEN_TABLE_SCHEMAS

__all__ = ["FAILURE_COLUMNS", "TABLE_SCHEMAS", "failures_frame", "frame_failures"]


class WorkspaceSettingsTable(StoredTable):
    """``workspace_settings``: known keys only; the ``plan`` row holds a known plan."""

    key: Text = pa.Field(isin=list(SETTING_KEYS), unique=True)
    value: Text = pa.Field(no_control_chars=())
    updated_at: Timestamp
    updated_by: Text = actor_field()

    class Config:
        name = "workspace_settings"

    @pa.dataframe_check(name="plan_is_known")
    def plan_is_known(cls, df: pd.DataFrame) -> pd.Series:
        return (df["key"] != "plan") | df["value"].isin(list(PLANS))


class UserTable(StoredTable):
    """``users``: lower-case unique e-mail, a known role, an argon2id password hash."""

    id: Int64 = id_field(unique=True)
    email: Text = pa.Field(is_email=(), is_lowercase=(), unique=True)
    display_name: Text = line_field()
    role: Text = pa.Field(isin=list(ROLES))
    password_hash: Text = pa.Field(is_argon2_hash=())
    active: Bool
    created_at: Timestamp
    last_sign_in_at: Timestamp = pa.Field(nullable=True)

    class Config:
        name = "users"


class ContactTable(StoredTable):
    """``contacts``: one per (platform, handle); built-in attribute columns in their formats.

    E-mail addresses may repeat (one person on several platforms). ``subscription`` is checked
    against the options of its attribute definition by ``inbox check`` (cross-table).
    """

    id: Int64 = id_field(unique=True)
    platform: Text = pa.Field(isin=list(PLATFORMS))
    handle: Text = line_field()
    display_name: Text = line_field(nullable=True)
    email: Text = pa.Field(nullable=True, is_email=(), is_lowercase=())
    first_name: Text = line_field(nullable=True)
    last_name: Text = line_field(nullable=True)
    phone: Text = pa.Field(nullable=True, is_e164=(), is_phone_number=())
    account_id: Text = line_field(nullable=True)
    job_title: Text = line_field(nullable=True)
    language: Text = pa.Field(nullable=True, is_language_tag=())
    subscription: Text = line_field(nullable=True)
    external_id: Text = line_field(nullable=True)
    created_at: Timestamp
    created_by: Text = actor_field()
    updated_at: Timestamp
    updated_by: Text = actor_field()
    version: Int32 = pa.Field(ge=1)
    search_text: Text = pa.Field(nullable=True)  # derived; ``inbox check`` compares it with its source

    class Config:
        name = "contacts"
        unique = ["platform", "handle"]

    @pa.dataframe_check(name="updated_at_not_before_created_at")
    def updated_after_created(cls, df: pd.DataFrame) -> pd.Series:
        return df["updated_at"] >= df["created_at"]


def _has_options(text: object) -> bool:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return False
    return isinstance(value, list) and len(value) > 0


class AttributeDefinitionTable(StoredTable):
    """``attribute_definitions``: slug keys, known types, list options as JSON, valid regexes."""

    key: Text = pa.Field(is_slug=(), unique=True)
    label: Text = line_field()
    type: Text = pa.Field(isin=list(ATTRIBUTE_TYPES))
    builtin: Bool
    enabled: Bool
    position: Int32 = pa.Field(ge=1, unique=True)
    options: Text = pa.Field(nullable=True, is_json_list_of_str=())
    regex: Text = pa.Field(nullable=True, is_valid_regex=())
    required_on_import: Bool
    crm_managed: Bool
    created_at: Timestamp

    class Config:
        name = "attribute_definitions"

    @pa.dataframe_check(name="list_type_has_options")
    def list_has_options(cls, df: pd.DataFrame) -> pd.Series:
        return (df["type"] != "list") | df["options"].map(_has_options).astype(bool)


def _json_list_of_objects(text: object) -> bool:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


class LayoutVersionTable(StoredTable):
    """``layout_versions``: one row per saved attribute layout, a JSON snapshot and change list."""

    version: Int32 = pa.Field(ge=1, unique=True)
    saved_at: Timestamp
    saved_by: Text = actor_field()
    layout: Text
    changes: Text = pa.Field(is_json_list_of_str=())
    reverted_from: NullableInt32 = pa.Field(nullable=True, ge=1)

    class Config:
        name = "layout_versions"

    @pa.check("layout", name="is_json_list_of_objects")
    def layout_is_json(cls, s: pd.Series) -> pd.Series:
        return s.map(_json_list_of_objects).astype(bool)

    @pa.dataframe_check(name="reverted_from_an_earlier_version")
    def reverted_earlier(cls, df: pd.DataFrame) -> pd.Series:
        return (df["reverted_from"].isna() | (df["reverted_from"] < df["version"])).astype(bool)


VALUE_COLUMNS = ("value_text", "value_number", "value_date", "value_bool")


class AttributeValueTable(StoredTable):
    """``attribute_values``: one row per (contact, attribute).

    Rule: at most one of the typed ``value_*`` columns is set. A row with all four null is
    accepted and means "cleared". Which column a row must use for its definition's type is a
    cross-table rule checked by ``inbox check``.
    """

    contact_id: Int64 = id_field()
    attribute_key: Text = pa.Field(is_slug=())
    value_text: Text = pa.Field(nullable=True)
    value_number: Float = pa.Field(nullable=True)
    value_date: Date = pa.Field(nullable=True)
    value_bool: NullableBool = pa.Field(nullable=True)
    updated_at: Timestamp
    updated_by: Text = actor_field()

    class Config:
        name = "attribute_values"
        unique = ["contact_id", "attribute_key"]

    @pa.dataframe_check(name="at_most_one_value_column")
    def one_value(cls, df: pd.DataFrame) -> pd.Series:
        return df[list(VALUE_COLUMNS)].notna().sum(axis=1) <= 1


class ConversationTable(StoredTable):
    """``conversations``: a known platform and status; started no later than the last message."""

    id: Int64 = id_field(unique=True)
    contact_id: Int64 = id_field()
    platform: Text = pa.Field(isin=list(PLATFORMS))
    status: Text = pa.Field(isin=list(CONVERSATION_STATUSES))
    subject: Text = line_field(nullable=True)
    started_at: Timestamp
    last_message_at: Timestamp

    class Config:
        name = "conversations"

    @pa.dataframe_check(name="started_at_not_after_last_message_at")
    def started_first(cls, df: pd.DataFrame) -> pd.Series:
        return df["started_at"] <= df["last_message_at"]


class MessageTable(StoredTable):
    """``messages``: a direction and a body (which may hold newlines)."""

    id: Int64 = id_field(unique=True)
    conversation_id: Int64 = id_field()
    contact_id: Int64 = id_field()
    direction: Text = pa.Field(isin=list(MESSAGE_DIRECTIONS))
    author: Text = pa.Field(nullable=True, no_control_chars=())
    body: Text
    sent_at: Timestamp

    class Config:
        name = "messages"


class AttachmentTable(StoredTable):
    """``attachments``: a non-negative size, a SHA-256 digest and a safe relative storage path."""

    id: Int64 = id_field(unique=True)
    message_id: Int64 = id_field()
    conversation_id: Int64 = id_field()
    contact_id: Int64 = id_field()
    filename: Text = line_field()
    content_type: Text = line_field()
    size_bytes: Int64 = pa.Field(ge=0)
    storage_path: Text = pa.Field(is_relative_path=(), unique=True)
    sha256: Text = pa.Field(is_sha256_hex=())
    created_at: Timestamp

    class Config:
        name = "attachments"


TABLE_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "workspace_settings": WorkspaceSettingsTable,
    "users": UserTable,
    "attribute_definitions": AttributeDefinitionTable,
    "layout_versions": LayoutVersionTable,
    "contacts": ContactTable,
    "attribute_values": AttributeValueTable,
    "conversations": ConversationTable,
    "messages": MessageTable,
    "attachments": AttachmentTable,
}
# Feature tables: each feature module defines its models on validation.columns; this registry merges them.
TABLE_SCHEMAS.update(CRM_TABLE_SCHEMAS)
TABLE_SCHEMAS.update(IMPORT_TABLE_SCHEMAS)
TABLE_SCHEMAS.update(DELETION_TABLE_SCHEMAS)
TABLE_SCHEMAS.update(SIGN_IN_TABLE_SCHEMAS)
TABLE_SCHEMAS.update(TOKEN_TABLE_SCHEMAS)
TABLE_SCHEMAS.update(HISTORY_TABLE_SCHEMAS)
TABLE_SCHEMAS.update(MERGE_TABLE_SCHEMAS)
TABLE_SCHEMAS.update(ACCESS_TABLE_SCHEMAS)
TABLE_SCHEMAS.update(NOTE_TABLE_SCHEMAS)
