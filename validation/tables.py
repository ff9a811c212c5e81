"""pandera models of every stored table (made by inbox/store/migrations/) and a flat failure report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.errors import SchemaError, SchemaErrors
from pandera.typing import Series

from . import (ATTRIBUTE_TYPES, CONVERSATION_STATUSES, MESSAGE_DIRECTIONS, PLANS, PLATFORMS, ROLES,
               SETTING_KEYS)
from . import checks as _checks  # noqa: F401  (registers is_email, is_slug... before the models build)

# Column types, one per DuckDB type of the schema. TIMESTAMP is naive UTC; pandera keeps
# naive datetimes as datetime64[ns].
Int64 = Series[np.int64]            # BIGINT NOT NULL
Int32 = Series[np.int32]            # INTEGER NOT NULL
NullableInt32 = Series[pd.Int32Dtype]
Text = Series[str]                  # VARCHAR (coerced to string[pyarrow]; missing is NA)
Bool = Series[bool]                 # BOOLEAN NOT NULL
NullableBool = Series[pd.BooleanDtype]
Float = Series[np.float64]          # DOUBLE
Timestamp = Series[pd.Timestamp]    # TIMESTAMP
Date = Series[pandas_engine.Date]   # DATE (datetime.date objects)

FAILURE_COLUMNS = ["row", "column", "check", "value"]


def _id(**kwargs) -> pa.Field:
    return pa.Field(ge=1, **kwargs)


def _line(nullable: bool = False, **kwargs) -> pa.Field:
    """Single-line, human-entered text: no control characters, and not blank when present."""
    return pa.Field(nullable=nullable, no_control_chars=(), not_blank=(), **kwargs)


def _actor() -> pa.Field:
    return pa.Field(not_blank=(), no_control_chars=())


class _StoredTable(pa.DataFrameModel):
    """Base of the table models: coerce to the column types, and no column beyond the schema's."""

    class Config:
        coerce = True
        strict = True


class WorkspaceSettingsTable(_StoredTable):
    """``workspace_settings``: known keys only; the ``plan`` row holds a known plan."""

    key: Text = pa.Field(isin=list(SETTING_KEYS), unique=True)
    value: Text = pa.Field(no_control_chars=())
    updated_at: Timestamp
    updated_by: Text = _actor()

    class Config:
        name = "workspace_settings"

    @pa.dataframe_check(name="plan_is_known")
    def plan_is_known(cls, df: pd.DataFrame) -> pd.Series:
        return (df["key"] != "plan") | df["value"].isin(list(PLANS))


class UserTable(_StoredTable):
    """``users``: lower-case unique e-mail, a known role, an argon2id password hash."""

    id: Int64 = _id(unique=True)
    email: Text = pa.Field(is_email=(), is_lowercase=(), unique=True)
    display_name: Text = _line()
    role: Text = pa.Field(isin=list(ROLES))
    password_hash: Text = pa.Field(is_argon2_hash=())
    active: Bool
    created_at: Timestamp
    last_sign_in_at: Timestamp = pa.Field(nullable=True)

    class Config:
        name = "users"


class ContactTable(_StoredTable):
    """``contacts``: one per (platform, handle); built-in attribute columns in their formats.

    E-mail addresses may repeat (one person on several platforms). ``subscription`` is checked
    against the options of its attribute definition by ``inbox check`` (cross-table).
    """

    id: Int64 = _id(unique=True)
    platform: Text = pa.Field(isin=list(PLATFORMS))
    handle: Text = _line()
    display_name: Text = _line(nullable=True)
    email: Text = pa.Field(nullable=True, is_email=(), is_lowercase=())
    first_name: Text = _line(nullable=True)
    last_name: Text = _line(nullable=True)
    phone: Text = pa.Field(nullable=True, is_e164=(), is_phone_number=())
    account_id: Text = _line(nullable=True)
    job_title: Text = _line(nullable=True)
    language: Text = pa.Field(nullable=True, is_language_tag=())
    subscription: Text = _line(nullable=True)
    external_id: Text = _line(nullable=True)
    created_at: Timestamp
    created_by: Text = _actor()
    updated_at: Timestamp
    updated_by: Text = _actor()
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


class AttributeDefinitionTable(_StoredTable):
    """``attribute_definitions``: slug keys, known types, list options as JSON, valid regexes."""

    key: Text = pa.Field(is_slug=(), unique=True)
    label: Text = _line()
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


class LayoutVersionTable(_StoredTable):
    """``layout_versions``: one row per saved attribute layout, a JSON snapshot and change list."""

    version: Int32 = pa.Field(ge=1, unique=True)
    saved_at: Timestamp
    saved_by: Text = _actor()
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


class AttributeValueTable(_StoredTable):
    """``attribute_values``: one row per (contact, attribute).

    Rule: at most one of the typed ``value_*`` columns is set. A row with all four null is
    accepted and means "cleared". Which column a row must use for its definition's type is a
    cross-table rule checked by ``inbox check``.
    """

    contact_id: Int64 = _id()
    attribute_key: Text = pa.Field(is_slug=())
    value_text: Text = pa.Field(nullable=True)
    value_number: Float = pa.Field(nullable=True)
    value_date: Date = pa.Field(nullable=True)
    value_bool: NullableBool = pa.Field(nullable=True)
    updated_at: Timestamp
    updated_by: Text = _actor()

    class Config:
        name = "attribute_values"
        unique = ["contact_id", "attribute_key"]

    @pa.dataframe_check(name="at_most_one_value_column")
    def one_value(cls, df: pd.DataFrame) -> pd.Series:
        return df[list(VALUE_COLUMNS)].notna().sum(axis=1) <= 1


class ConversationTable(_StoredTable):
    """``conversations``: a known platform and status; started no later than the last message."""

    id: Int64 = _id(unique=True)
    contact_id: Int64 = _id()
    platform: Text = pa.Field(isin=list(PLATFORMS))
    status: Text = pa.Field(isin=list(CONVERSATION_STATUSES))
    subject: Text = _line(nullable=True)
    started_at: Timestamp
    last_message_at: Timestamp

    class Config:
        name = "conversations"

    @pa.dataframe_check(name="started_at_not_after_last_message_at")
    def started_first(cls, df: pd.DataFrame) -> pd.Series:
        return df["started_at"] <= df["last_message_at"]


class MessageTable(_StoredTable):
    """``messages``: a direction and a body (which may hold newlines)."""

    id: Int64 = _id(unique=True)
    conversation_id: Int64 = _id()
    contact_id: Int64 = _id()
    direction: Text = pa.Field(isin=list(MESSAGE_DIRECTIONS))
    author: Text = pa.Field(nullable=True, no_control_chars=())
    body: Text
    sent_at: Timestamp

    class Config:
        name = "messages"


class AttachmentTable(_StoredTable):
    """``attachments``: a non-negative size, a SHA-256 digest and a safe relative storage path."""

    id: Int64 = _id(unique=True)
    message_id: Int64 = _id()
    conversation_id: Int64 = _id()
    contact_id: Int64 = _id()
    filename: Text = _line()
    content_type: Text = _line()
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

# Feature tables, defined on the models above (their modules import this one).
from .crm_tables import CRM_TABLE_SCHEMAS  # noqa: E402
from .import_tables import IMPORT_TABLE_SCHEMAS  # noqa: E402

TABLE_SCHEMAS.update(CRM_TABLE_SCHEMAS)
TABLE_SCHEMAS.update(IMPORT_TABLE_SCHEMAS)
from .deletion_tables import DELETION_TABLE_SCHEMAS  # noqa: E402

TABLE_SCHEMAS.update(DELETION_TABLE_SCHEMAS)
from .sign_in_tables import SIGN_IN_TABLE_SCHEMAS  # noqa: E402

TABLE_SCHEMAS.update(SIGN_IN_TABLE_SCHEMAS)

_SCHEMA_LEVEL = ("column_in_schema", "column_in_dataframe")


def failures_frame(schema_errors: SchemaErrors | SchemaError) -> pd.DataFrame:
    """Flatten pandera's failure cases into ``row, column, check, value``, one line per finding.

    ``row`` is the validated frame's index label (None for a schema-level failure such as a
    missing or unexpected column, whose name is then in ``column``). A dataframe-wide check
    gives one line per failing row with ``column`` and ``value`` None (pandera repeats it per
    column). Dropped: the ``TypeError`` rows with a null index that follow a failed coercion,
    and ``dtype(...)`` rows that repeat a ``coerce_dtype(...)`` failure of the same column.
    """
    fc = schema_errors.failure_cases
    if isinstance(schema_errors, SchemaError):  # eager validation: one check, no context columns
        fc = _single_error_cases(schema_errors)
    if fc is None or len(fc) == 0:
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    index = fc["index"].astype(object)
    value = fc["failure_case"].astype(object)
    column = fc["column"].astype(object)
    check = fc["check"].astype(object)
    no_row = index.isna()
    errors = value.map(lambda v: isinstance(v, BaseException)
                       or (isinstance(v, str) and v.startswith("TypeError("))).astype(bool)
    frame_wide = (fc["schema_context"] == "DataFrameSchema").to_numpy() & ~no_row.to_numpy()
    schema_level = check.isin(_SCHEMA_LEVEL)
    out = pd.DataFrame({
        "row": index.where(~no_row, None),
        "column": column.where(~frame_wide & ~schema_level, value.where(schema_level, None)),
        "check": check,
        "value": value.where(~frame_wide & ~schema_level, None),
    })
    out = out[~(no_row & errors).to_numpy()]
    checks = out["check"].astype(str)
    coerced = set(out.loc[checks.str.startswith("coerce_dtype(").to_numpy(), "column"])
    out = out[~(checks.str.startswith("dtype(") & out["column"].isin(list(coerced))).to_numpy()]
    key = out[["row", "column", "check"]].astype(str).assign(value=out["value"].map(repr))
    return out[~key.duplicated().to_numpy()].reset_index(drop=True)[FAILURE_COLUMNS]


def _single_error_cases(exc: SchemaError) -> pd.DataFrame:
    cases = exc.failure_cases
    if not isinstance(cases, pd.DataFrame):
        cases = pd.DataFrame({"index": [None], "failure_case": [cases]})
    check = exc.check
    return pd.DataFrame({
        "schema_context": "Column" if exc.column_name is not None else "DataFrameSchema",
        "column": exc.column_name,
        "check": getattr(check, "error", None) or getattr(check, "name", None) or str(check),
        "failure_case": cases.get("failure_case"),
        "index": cases.get("index"),
    })


def frame_failures(schema: type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame:
    """Validate ``frame`` lazily against ``schema``; its failures (empty when valid)."""
    try:
        schema.validate(frame, lazy=True)
    except (SchemaErrors, SchemaError) as exc:
        return failures_frame(exc)
    return pd.DataFrame(columns=FAILURE_COLUMNS)
