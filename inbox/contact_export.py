"""Export contacts: the Contacts list's whole search result as CSV, Excel or Parquet, streamed, admins only.

The rows are the search's (same query language and filters, every page, in the list's order), read in one
snapshot batch by batch (never the whole result in one Python list). Columns: contact id, platform, handle,
the enabled attributes by label in the layout's order, created and updated (UTC). Spreadsheet formulas are
neutralised as in the import's rejects file (``inbox.spreadsheet``); each export is logged in the access log.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .auth import member_action
from .contact_edits import SLOT
from .contact_flags import vip_filter
from .contacts import PLATFORM_LABELS, SORTS, _exact_lookup, _passes
from .errors import InvalidInput
from .models import Actor, utcnow
from .store.exports import ExportColumn, Selection

if TYPE_CHECKING:
    from .store import Store

#: format → (MIME type, file extension)
FORMATS = {
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel (.xlsx)", "parquet": "Parquet"}
XLSX_MAX_ROWS = 1_048_575  # a worksheet's 1,048,576 rows, one of them the header
BATCH_ROWS = 10_000
HEAD = ("Contact ID", "Platform", "Handle")
TAIL = ("Created (UTC)", "Updated (UTC)")


@dataclass(frozen=True)
class ExportQuery:
    """What the Contacts list shows: search text, filters (custom ones by attribute key), order."""

    query: str = ""
    platform: str | None = None
    language: str | None = None
    subscription: str | None = None
    custom: dict[str, str] = field(default_factory=dict)
    order: str = "updated"
    vip: bool | None = None  # VIPs only / everyone else (the VIP feature's filter), when set

    def as_json(self) -> str:
        """The query as the access log keeps it: only what is set (``{}`` for the whole workspace)."""
        kept = {
            k: v
            for k, v in asdict(self).items()
            if (v or (k == "vip" and v is not None)) and not (k == "order" and v == "updated")
        }
        if kept.get("custom"):
            kept["custom"] = {k: v for k, v in kept["custom"].items() if v} or None
        kept = {k: v for k, v in kept.items() if v or k == "vip"}
        return json.dumps(kept, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Column:
    """One column of the file: its header, where its values come from and their type."""

    header: str
    type: str  # id, platform, text, number, date, boolean, timestamp
    source: ExportColumn | None = None


def export_columns(store: Store) -> list[Column]:
    """The file's columns: contact id, platform, handle, the enabled attributes (labels, layout order),
    created, updated. A label used twice gets its key in brackets (``Tier (tier_2)``)."""
    from .attributes import enabled_attributes

    cols = [Column(HEAD[0], "id"), Column(HEAD[1], "platform"), Column(HEAD[2], "text")]
    for a in enabled_attributes(store):
        kind = a.type if a.type in ("number", "date", "boolean") else "text"
        cols.append(Column(a.label, kind, ExportColumn(a.key, a.builtin, SLOT.get(a.type, 0))))
    cols += [Column(TAIL[0], "timestamp"), Column(TAIL[1], "timestamp")]
    seen: dict[str, int] = {}
    for c in cols:
        seen[c.header.casefold()] = seen.get(c.header.casefold(), 0) + 1
    return [
        Column(f"{c.header} ({c.source.key})", c.type, c.source)
        if c.source is not None and seen[c.header.casefold()] > 1
        else c
        for c in cols
    ]


def selection(store: Store, q: ExportQuery) -> Selection:
    """The contacts ``inbox.contacts.search`` finds for ``q`` on every page: an exact identifier's
    contacts (``#42``, an e-mail, a phone…) when it has any passing the filters, else every contact with
    every word and the filters."""
    custom = {k: v for k, v in (q.custom or {}).items() if v} or None
    text, vip = vip_filter(q.query, q.vip)  # vip:yes / vip:no read off the text as the search reads it
    q = replace(q, query=text, vip=vip)
    filters = {
        "platform": q.platform,
        "language": q.language,
        "subscription": q.subscription,
        "custom": custom,
        "vip": q.vip,
    }
    if q.query.strip():
        exact = [r["id"] for r in _exact_lookup(store, q.query) if _passes(store, r["id"], filters)]
        if exact:
            return Selection(ids=exact)
    terms = [f for t in q.query.split()[:8] if (f := store.exports.fold(t))]
    order = q.order if q.order in SORTS else "updated"
    return Selection(
        terms, q.platform or None, q.language or None, q.subscription or None, custom, order=order, vip=q.vip
    )


def _checked_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInput(f"the export format must be csv, xlsx or parquet, not '{fmt}'")
    return fmt


@member_action("export contacts")
def write_export(store: Store, actor: Actor, q: ExportQuery, fmt: str, out: str | Path | IO[bytes]) -> int:
    """Write the contacts ``q`` finds as ``fmt`` (csv, xlsx, parquet) to ``out`` (a path or a binary file
    object), batch by batch; returns the row count. Admins only (checked now, and the member re-read when the
    access is logged, before the first row is written). The access log gets one entry: who, when, the format,
    the query and filters, the row count."""
    _checked_format(fmt)
    columns = export_columns(store)
    sel = selection(store, q)
    with store.exports.export_batches([c.source for c in columns if c.source], sel, BATCH_ROWS) as (
        count,
        batches,
    ):
        if fmt == "xlsx" and count > XLSX_MAX_ROWS:
            raise InvalidInput(
                f"{count:,} contacts are more than an Excel sheet holds ({XLSX_MAX_ROWS:,} rows): "
                "narrow the search or export CSV or Parquet"
            )
        store.exports.record_access(
            {
                "accessed_at": utcnow(),
                "actor": actor.email,
                "kind": "contacts_export",
                "format": fmt,
                "query": q.as_json(),
                "contact_id": None,
                "row_count": count,
            }
        )
        sink: IO[bytes] = open(out, "wb") if isinstance(out, (str, Path)) else out
        try:
            WRITERS[fmt](columns, batches, sink)
        finally:
            if sink is not out:
                sink.close()
    return count


def temporary_file(write: Callable[[IO[bytes]], Any]) -> IO[bytes]:
    """What ``write`` writes, in a temporary file already unlinked (gone when closed), opened for reading
    at its start (an ``io.BufferedReader``, which Streamlit's deferred download accepts)."""
    with tempfile.NamedTemporaryFile(prefix="inbox-export-", delete=False) as sink:
        path = Path(sink.name)
        try:
            write(sink)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    try:
        return open(path, "rb")
    finally:
        path.unlink(missing_ok=True)


def export_file(store: Store, actor: Actor, q: ExportQuery, fmt: str) -> IO[bytes]:
    """The export in a temporary file, open for reading: for a download button."""
    return temporary_file(lambda sink: write_export(store, actor, q, fmt, sink))


def file_name(fmt: str, at: Any = None) -> str:
    """``contacts-2026-12-02.csv``."""
    return f"contacts-{(at or utcnow()):%Y-%m-%d}.{FORMATS[_checked_format(fmt)][1]}"


# -- the three writers ----------------------------------------------------------------------------------
def _platforms(array: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = pa.array(list(PLATFORM_LABELS))
    labels = pa.array(list(PLATFORM_LABELS.values()))
    return pc.coalesce(pc.take(labels, pc.index_in(array, value_set=codes)), array)


def _arrow_batch(columns: list[Column], batch: Any) -> Any:
    """A stored batch with the file's headers, platform names, and typed columns (Parquet)."""
    import pyarrow as pa

    arrays = list(batch.columns)
    arrays[1] = _platforms(arrays[1])
    return pa.RecordBatch.from_arrays(arrays, names=[c.header for c in columns])


def _write_parquet(columns: list[Column], batches: Iterator[Any], sink: IO[bytes]) -> None:
    import pyarrow.parquet as pq

    writer = None
    for batch in batches:
        shaped = _arrow_batch(columns, batch)
        if writer is None:
            writer = pq.ParquetWriter(sink, shaped.schema)
        writer.write_batch(shaped)
    if writer is None:  # no row: an empty file with the columns
        writer = pq.ParquetWriter(sink, _empty_schema(columns))
    writer.close()


def _empty_schema(columns: list[Column]) -> Any:
    import pyarrow as pa

    kinds = {
        "id": pa.int64(),
        "number": pa.float64(),
        "date": pa.date32(),
        "boolean": pa.bool_(),
        "timestamp": pa.timestamp("us"),
    }
    return pa.schema([(c.header, kinds.get(c.type, pa.string())) for c in columns])


def _as_text(column: Column, array: Any) -> Any:
    """One column as CSV text: numbers as typed (``3``, ``2.5``), dates ISO, booleans yes/no (as the import
    reads them), times ``YYYY-MM-DD HH:MM:SS``, text formula-neutralised."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .spreadsheet import neutralise_array

    if column.type == "boolean":
        return pc.if_else(array, "yes", "no")
    if column.type == "timestamp":
        return pc.strftime(pc.cast(array, pa.timestamp("s"), safe=False), format="%Y-%m-%d %H:%M:%S")
    if column.type in ("id", "number", "date"):
        return pc.cast(array, pa.string())
    return neutralise_array(pc.cast(array, pa.string()))


def _write_csv(columns: list[Column], batches: Iterator[Any], sink: IO[bytes]) -> None:
    """UTF-8 with a byte-order mark (Excel then reads it as UTF-8), a header line, every row."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    from .spreadsheet import neutralise

    headers = [str(neutralise(c.header)) for c in columns]
    schema = pa.schema([(h, pa.string()) for h in headers])
    sink.write("\ufeff".encode())
    with pcsv.CSVWriter(sink, schema, write_options=pcsv.WriteOptions(quoting_style="needed")) as writer:
        for batch in batches:
            shaped = _arrow_batch(columns, batch)
            texts = [_as_text(c, a) for c, a in zip(columns, shaped.columns, strict=True)]
            writer.write_batch(pa.RecordBatch.from_arrays(texts, schema=schema))


def _excel_serial(column: Column, array: Any) -> Any:
    """Dates and times as Excel serial numbers (days since 1899-12-30), computed on the whole column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if column.type == "date":
        days = pc.cast(pc.cast(array, pa.int32()), pa.float64())
    else:
        days = pc.divide(pc.cast(pc.cast(array, pa.timestamp("us")), pa.int64()), 86_400_000_000.0)
    return pc.add(days, 25_569.0)  # 1970-01-01 is day 25,569


def _write_xlsx(columns: list[Column], batches: Iterator[Any], sink: IO[bytes]) -> None:
    """One sheet written row by row (XlsxWriter's constant-memory mode); text always as text cells, never
    a formula, and a cell a spreadsheet would run gets Excel's quote prefix (shown as typed, kept as text)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import xlsxwriter  # type: ignore[import-untyped]

    from .spreadsheet import needs_mark, needs_mark_array

    book = xlsxwriter.Workbook(sink, {"constant_memory": True, "strings_to_formulas": False})
    try:
        sheet = book.add_worksheet("Contacts")
        bold = book.add_format({"bold": True})
        quoted = book.add_format({"quote_prefix": True})
        formats = {
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "timestamp": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        }
        for n, c in enumerate(columns):
            sheet.set_column(n, n, 20 if c.type == "timestamp" else 12 if c.type == "id" else 18)
            sheet.write_string(0, n, c.header, quoted if needs_mark(c.header) else bold)
        sheet.freeze_panes(1, 0)
        number, boolean, text = sheet.write_number, sheet.write_boolean, sheet.write_string
        row = 0
        for batch in batches:
            shaped = _arrow_batch(columns, batch)
            cells = []  # per column: (index, write, values, a format per row)
            for n, (c, array) in enumerate(zip(columns, shaped.columns, strict=True)):
                if c.type in ("date", "timestamp"):
                    rows = len(array)
                    cells.append((n, number, _excel_serial(c, array).to_pylist(), [formats[c.type]] * rows))
                elif c.type in ("id", "number", "boolean"):
                    write = boolean if c.type == "boolean" else number
                    cells.append((n, write, array.to_pylist(), [None] * len(array)))
                else:
                    values = pc.cast(array, pa.string())
                    marks = needs_mark_array(values)
                    cells.append(
                        (n, text, values.to_pylist(), [quoted if m else None for m in marks.to_pylist()])
                    )
            for i in range(shaped.num_rows):
                row += 1
                for n, write, values, fmts in cells:
                    if values[i] is not None:
                        write(row, n, values[i], fmts[i])
        sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)
    finally:
        book.close()


WRITERS = {"csv": _write_csv, "xlsx": _write_xlsx, "parquet": _write_parquet}
