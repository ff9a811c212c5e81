"""``inbox check``: validate every stored table chunk by chunk, cross-table integrity and attachment files."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from validation.tables import TABLE_SCHEMAS, frame_failures

if TYPE_CHECKING:
    from .store import Store

EXAMPLES = 5
HIDDEN_COLUMNS = frozenset({"password_hash", "secret"})  # never echo these values into a report
Progress = Callable[[str], None]
WHOLE_COLUMN = {"column_in_schema": "unexpected column", "column_in_dataframe": "missing column"}


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one table: how many rows (or groups, or files) and a few examples."""

    table: str
    kind: str
    count: int
    examples: tuple[str, ...] = ()
    description: str = ""

    @property
    def detail(self) -> str:
        """``"3 rows, e.g. 4 'x', 9 'y'"``: the count, then up to five example rows/values."""
        what = self.description or ("row" if self.count == 1 else "rows")
        text = f"{self.count:,} {what}"
        if self.examples:
            text += ", e.g. " + ", ".join(self.examples[:EXAMPLES])
        return text

    def line(self) -> str:
        """``"  contacts.email is_email: 2 rows, e.g. …"`` or ``"  messages: 3 messages whose …"``."""
        where = self.table if self.description else f"{self.table}.{self.kind}"
        return f"  {where}: {self.detail}"


@dataclass
class CheckReport:
    """The result of ``run_check``: problems found and the rows checked per table."""

    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """One line per table (then its problems, indented), and a last line: clean or N problems."""
        out: list[str] = []
        by_table: dict[str, list[Problem]] = {}
        for problem in self.problems:
            by_table.setdefault(problem.table, []).append(problem)
        for table in [*self.tables, *(t for t in by_table if t not in self.tables)]:
            found = by_table.get(table, [])
            n_rows = self.tables.get(table)
            rows = "not read" if n_rows is None else f"{n_rows:,} row{'' if n_rows == 1 else 's'}"
            if found:
                out.append(f"{table}: {rows}, {len(found)} problem{'' if len(found) == 1 else 's'}")
                out.extend(p.line() for p in found)
            else:
                out.append(f"{table}: {rows} OK")
        n = len(self.problems)
        out.append("clean" if n == 0 else f"{n} problem{'' if n == 1 else 's'}")
        return out


# -- schema failures, aggregated over chunks ---------------------------------------------
def _short_check(check: Any) -> str:
    text = str(check)
    return re.sub(r"^isin\(.*\)$", "isin(allowed values)", text, flags=re.S)


def _show(value: Any, column: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value) is True):
        return ""
    if column in HIDDEN_COLUMNS:
        return "<hidden>"
    text = value if isinstance(value, str) else str(value)
    text = repr(text if len(text) <= 40 else text[:39] + "…")
    return text


class _Failures:
    """Counts per (table, column, check) with at most five examples each."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, Any, str], int] = {}
        self.examples: dict[tuple[str, Any, str], list[str]] = {}
        self.whole_column: set[tuple[str, Any, str]] = set()

    def add(self, table: str, keys: tuple[str, ...], chunk: pd.DataFrame, failures: pd.DataFrame) -> None:
        for (column, check), group in failures.groupby(["column", "check"], dropna=False, sort=False):
            column = None if pd.isna(cast(Any, column)) else column  # (a missing column groups as NaN)
            key = (table, column, _short_check(check))
            if group["row"].isna().all():  # the column as a whole: missing, unexpected, wrong type
                self.whole_column.add(key)
                self.counts[key] = 1
                self.examples[key] = [str(column)]
                continue
            self.counts[key] = self.counts.get(key, 0) + len(group)
            examples = self.examples.setdefault(key, [])
            for row, value in zip(group["row"], group["value"], strict=True):
                if len(examples) >= EXAMPLES:
                    break
                label = _row_label(chunk, keys, row)
                example = f"{label} {_show(value, column)}".strip()
                if example not in examples:
                    examples.append(example)

    def problems(self) -> list[Problem]:
        out = []
        for key, count in self.counts.items():
            table, column, check = key
            kind = f"{column} {check}" if column else check
            description = (
                WHOLE_COLUMN.get(check, f"column failing {check}") if key in self.whole_column else ""
            )
            out.append(Problem(table, kind, count, tuple(self.examples[key]), description))
        return out


def _row_label(chunk: pd.DataFrame, keys: tuple[str, ...], row: Any) -> str:
    try:
        values = [chunk.at[row, k] for k in keys]
    except (KeyError, ValueError):
        return str(row)
    return "/".join(str(v) for v in values)


# -- attachment files --------------------------------------------------------------------
def files_on_disk(root: Path) -> set[str]:
    """Every file under ``root`` (recursively) as a relative, forward-slash path."""
    found: set[str] = set()
    if not root.is_dir():
        return found
    for dirpath, _dirnames, filenames in os.walk(root):
        base = Path(dirpath).relative_to(root)
        for name in filenames:
            found.add((base / name).as_posix())
    return found


def _file_problems(store: Store) -> list[Problem]:
    rows = set(store.integrity.attachment_storage_paths())
    files = files_on_disk(Path(store.attachments_dir))
    problems = []
    missing = sorted(rows - files)
    if missing:
        problems.append(
            Problem(
                "attachments",
                "file_missing",
                len(missing),
                tuple(missing[:EXAMPLES]),
                "attachment rows whose file is missing",
            )
        )
    extra = sorted(files - rows)
    if extra:
        problems.append(
            Problem(
                "attachments",
                "file_without_row",
                len(extra),
                tuple(extra[:EXAMPLES]),
                "files without an attachment row",
            )
        )
    return problems


# -- the use case ------------------------------------------------------------------------
def run_check(store: Store, *, chunk_size: int = 250_000, progress: Progress | None = None) -> CheckReport:
    """Validate every stored table with its pandera schema, chunk by chunk, then run the
    cross-table integrity queries and compare attachment rows with the files on disk.

    Read-only; ``progress`` (if given) receives one line per chunk and step. The report is
    ``ok`` when nothing was found.
    """
    say = progress or (lambda line: None)
    started = time.perf_counter()
    report = CheckReport()
    failures = _Failures()
    totals = store.integrity.table_row_counts()
    for table, keys in store.integrity.checked_tables().items():
        schema = TABLE_SCHEMAS[table]
        done = 0
        for chunk in store.integrity.iter_table_chunks(table, chunk_size):
            found = frame_failures(schema, chunk)
            if len(found):
                failures.add(table, keys, chunk, found)
            done += len(chunk)
            say(f"{table}: {done:,}/{totals.get(table, done):,} rows")
        report.tables[table] = done
    report.problems.extend(failures.problems())
    say("integrity: cross-table queries")
    for finding in store.integrity.integrity_findings():
        if finding.count:
            report.problems.append(
                Problem(
                    finding.table, finding.name, finding.count, tuple(finding.examples), finding.description
                )
            )
    say("integrity: attachment files")
    report.problems.extend(_file_problems(store))
    say("key file")
    from .keys import key_problems

    report.problems.extend(
        Problem("key file", "key_file", 1, (), f"problem: {p}") for p in key_problems(store)
    )
    order = {t: i for i, t in enumerate(report.tables)}
    report.problems.sort(key=lambda p: order.get(p.table, len(order)))
    report.seconds = time.perf_counter() - started
    return report
