"""What an import reports: the ``ImportResult``, and row by row.

The ``errors`` text per line, values left empty, the rejects frame, samples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .spreadsheet import neutralise

if TYPE_CHECKING:
    from .attributes import Attribute
    from .csv_files import CsvFile
    from .mapping import ColumnMap, Fallbacks

MATCH_KEYS = ("external_id", "email", "phone")
SAMPLE_ROWS = 5
MAX_VALUE_SHOWN = 60
VALUE_COLUMNS = (
    "display_name",
    "email",
    "first_name",
    "last_name",
    "phone",
    "account_id",
    "job_title",
    "language",
    "subscription",
    "external_id",
)


@dataclass
class ImportResult:
    """What an import did (or, on a dry run, would do), with the rejected rows ready to fix."""

    file_name: str
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    mapping: ColumnMap
    dry_run: bool
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    skipped_values: int = 0
    empty: int = 0
    batch_id: int | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    region: str | None = None
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    fallbacks: Fallbacks = field(default_factory=dict)
    sheet: str | None = None  # the sheet of a spreadsheet file (``encoding`` is then its format)

    def summary(self) -> dict[str, Any]:
        """The figures as plain data (what the CLI prints)."""
        keys = (
            "inserted",
            "updated",
            "unchanged",
            "skipped",
            "rejected",
            "skipped_values",
            "empty",
            "rows",
            "batch_id",
            "dry_run",
            "encoding",
            "delimiter",
            "region",
            "seconds",
        )
        sheet = {"sheet": self.sheet} if self.sheet is not None else {}
        return {"file": self.file_name, **sheet, **{k: getattr(self, k) for k in keys}, "notes": self.notes}

    def rejects_csv(self) -> bytes:
        """The rejected rows, and the imported rows whose invalid values were left empty, as CSV (the file's
        columns plus ``status`` and ``errors``), UTF-8 with BOM for Excel; cells a spreadsheet would run as
        formulas get a leading quote, which the import takes off again."""
        cells = self.rejects.astype(object).map(neutralise, na_action="ignore")
        cells.columns = [neutralise(c) for c in cells.columns]
        return cells.to_csv(index=False, sep=self.delimiter, lineterminator="\r\n").encode("utf-8-sig")


def errors_text(problems: pd.DataFrame, header_of: dict[str, str], extra: dict[int, str]) -> pd.Series:
    """One ``errors`` text per line: ``line 7: Email: not a valid email address (x@); …`` (vectorised)."""
    if extra:
        problems = pd.concat(
            [problems, pd.DataFrame({"row": list(extra), "reason": list(extra.values())})], ignore_index=True
        )
    if not len(problems):
        return pd.Series(dtype=object)
    problems = problems.sort_values("row", kind="stable")
    reason = problems["reason"].astype("str")
    value = problems["value"].astype("str").str.slice(0, MAX_VALUE_SHOWN)
    show = problems["value"].notna() & ~reason.str.startswith("duplicate")
    column = problems["column"].map(header_of).fillna(problems["column"])
    text = column.where(column.isna(), column.astype("str") + ": ").fillna("") + reason
    text = text.where(~show, text + " (" + value + ")") + "; "
    rows = problems["row"].to_numpy(dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    joined = np.add.reduceat(text.to_numpy(dtype=object), starts)
    lines = rows[starts]
    return pd.Series(
        [f"line {n}: {t[:-2]}" for n, t in zip(lines.tolist(), joined, strict=True)],
        index=lines,
        dtype=object,
    )


def skip_values(
    typed: pd.DataFrame, problems: pd.DataFrame, defs: dict[str, Attribute], policy: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Under ``skip-value``, an invalid value of an optional attribute that is no identifier (email, phone,
    external id) is left empty and its row imported: those problems come out of ``problems`` (returned
    second, reason prefixed), and their cells out of ``typed`` (in place)."""
    if policy != "skip-value" or not len(problems):
        return problems, problems.iloc[:0]
    optional = {k for k, a in defs.items() if k not in MATCH_KEYS and not a.required_on_import}
    cell = problems["column"].isin(optional) & problems["value"].notna()
    hard = set(problems.loc[~cell, "row"].tolist())
    skip = cell & ~problems["row"].isin(hard)
    left = problems[skip].assign(reason="left empty: " + problems.loc[skip, "reason"].astype("str"))
    for column, rows in left.groupby("column")["row"]:
        typed[column] = typed[column].mask(typed.index.isin(rows.to_numpy()))
    return problems[~skip].reset_index(drop=True), left.reset_index(drop=True)


def rejects_frame(
    info: CsvFile,
    table: Any,
    lines: np.ndarray,
    reader_rows: pd.DataFrame,
    errors: pd.Series,
    left: pd.Series,
) -> pd.DataFrame:
    status = pd.concat(
        [
            pd.Series("rejected", index=errors.index, dtype=object),
            pd.Series("imported without the invalid value", index=left.index, dtype=object),
        ]
    ).sort_index()
    errors = pd.concat([errors, left]).sort_index()
    wanted = errors.index.to_numpy(dtype=np.int64)
    from_table = wanted[np.isin(wanted, lines)]
    positions = np.searchsorted(lines, from_table)
    rows = table.take(positions).to_pandas() if len(positions) else pd.DataFrame(columns=table.column_names)
    rows.columns = list(info.header)
    rows.index = from_table
    frame = pd.concat([rows, reader_rows]) if len(reader_rows) else rows
    frame = frame.reindex(wanted)
    frame["status"] = status.reindex(wanted).to_numpy()
    frame["errors"] = errors.reindex(wanted).to_numpy()
    return frame.reset_index(drop=True)


def samples(raw: dict[str, Any], errors: pd.Series) -> dict[str, list[dict[str, Any]]]:
    """The store's sample rows as dicts for display: values as they would be stored."""
    values: dict[int, dict[str, tuple[Any, Any, Any]]] = {}
    for line, key, value, before, existed in raw["values"]:
        values.setdefault(line, {})[key] = (value, before, existed)
    columns = ("platform", "handle", *VALUE_COLUMNS)
    inserted = [
        {
            "line": r[0],
            **dict(zip(columns, r[1:], strict=False)),
            "values": {k: v[0] for k, v in values.get(r[0], {}).items()},
        }
        for r in raw["inserted"]
    ]
    updated = []
    for r in raw["updated"]:
        pairs = {c: [r[2 + 2 * i], r[3 + 2 * i]] for i, c in enumerate(VALUE_COLUMNS)}
        changes = {c: p for c, p in pairs.items() if p[0] != p[1]}
        changes.update(
            {
                k: [before, value]
                for k, (value, before, existed) in values.get(r[0], {}).items()
                if existed is not None
            }
        )  # only the custom values the import would change
        updated.append({"line": r[0], "contact_id": r[1], "changes": changes})
    shown = errors.head(SAMPLE_ROWS)
    rejected = [
        {"line": int(line), "errors": text.split(": ", 1)[1]}
        for line, text in zip(shown.index.tolist(), shown, strict=True)
    ]
    return {
        "inserted": inserted,
        "updated": updated,
        "rejected": rejected,
        **{
            key: [{"line": line, "contact_id": cid} for line, cid in raw[action]]
            for key, action in (("unchanged", "unchanged"), ("skipped", "skip"))
        },
    }
