"""Leaf module of the table models: one column type per DuckDB type, the shared fields and the base model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.typing import Series

from . import checks as _checks  # noqa: F401  (registers is_email, is_slug... before the models build)

# Column types, one per DuckDB type of the schema. TIMESTAMP is naive UTC; pandera keeps
# naive datetimes as datetime64[ns].
Int64 = Series[np.int64]  # BIGINT NOT NULL
Int32 = Series[np.int32]  # INTEGER NOT NULL
NullableInt32 = Series[pd.Int32Dtype]
Text = Series[str]  # VARCHAR (coerced to string[pyarrow]; missing is NA)
Bool = Series[bool]  # BOOLEAN NOT NULL
NullableBool = Series[pd.BooleanDtype]
Float = Series[np.float64]  # DOUBLE
Timestamp = Series[pd.Timestamp]  # TIMESTAMP
Date = Series[pandas_engine.Date]  # DATE (datetime.date objects)


def id_field(**kwargs: Any) -> Any:  # (pa.Field is a function returning a FieldInfo)
    """A positive integer identifier."""
    return pa.Field(ge=1, **kwargs)


def line_field(nullable: bool = False, **kwargs: Any) -> Any:
    """Single-line, human-entered text: no control characters, and not blank when present."""
    return pa.Field(nullable=nullable, no_control_chars=(), not_blank=(), **kwargs)


def actor_field() -> Any:
    """Who did it: a member's e-mail or a named process, never blank."""
    return pa.Field(not_blank=(), no_control_chars=())


class StoredTable(pa.DataFrameModel):
    """Base of the table models: coerce to the column types, and no column beyond the schema's."""

    class Config:
        coerce = True
        strict = True
