"""pandera's failure cases flattened into one ``row, column, check, value`` frame (``inbox check``)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

FAILURE_COLUMNS = ["row", "column", "check", "value"]

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
    errors = value.map(
        lambda v: isinstance(v, BaseException) or (isinstance(v, str) and v.startswith("TypeError("))
    ).astype(bool)
    frame_wide = (fc["schema_context"] == "DataFrameSchema").to_numpy() & ~no_row.to_numpy()
    schema_level = check.isin(_SCHEMA_LEVEL)
    out = pd.DataFrame(
        {
            "row": index.where(~no_row, None),
            "column": column.where(~frame_wide & ~schema_level, value.where(schema_level, None)),
            "check": check,
            "value": value.where(~frame_wide & ~schema_level, None),
        }
    )
    out = out[~(no_row & errors).to_numpy()]
    checks = out["check"].astype(str)
    coerced = set(out.loc[checks.str.startswith("coerce_dtype(").to_numpy(), "column"])
    out = out[~(checks.str.startswith("dtype(") & out["column"].isin(list(coerced))).to_numpy()]
    key = out[["row", "column", "check"]].astype(str).assign(value=out["value"].map(repr))
    kept: pd.DataFrame = out[~key.duplicated().to_numpy()].reset_index(drop=True)
    return kept[FAILURE_COLUMNS]


def _single_error_cases(exc: SchemaError) -> pd.DataFrame:
    cases = exc.failure_cases
    if not isinstance(cases, pd.DataFrame):
        cases = pd.DataFrame({"index": [None], "failure_case": [cases]})
    check = exc.check
    return pd.DataFrame(
        {
            "schema_context": "Column" if exc.column_name is not None else "DataFrameSchema",
            "column": exc.column_name,
            "check": getattr(check, "error", None) or getattr(check, "name", None) or str(check),
            "failure_case": cases.get("failure_case"),
            "index": cases.get("index"),
        }
    )


def frame_failures(schema: type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame:
    """Validate ``frame`` lazily against ``schema``; its failures (empty when valid)."""
    try:
        schema.validate(frame, lazy=True)
    except (SchemaErrors, SchemaError) as exc:
        return failures_frame(exc)
    return pd.DataFrame(columns=FAILURE_COLUMNS)
