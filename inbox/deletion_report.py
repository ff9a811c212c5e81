"""The Deleted contacts report: filters, figures, charts, the "was it deleted?" identifier lookup, exports."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from validation import PLATFORMS
from validation.deletion_log import DELETION_REASONS, LOG_COLUMNS, entry_problems
from validation.emails import normalise_email
from validation.phones import phone_identifier

from .auth import member_action, require_admin
from .deletion import NAME_KEY, identifier_keys, keyed_hash
from .errors import InvalidInput
from .models import Actor
from .spreadsheet import neutralise

if TYPE_CHECKING:
    from .store import Store

MAX_SHOWN = 1_000
EXPORT_CHUNK = 100_000
PROBLEMS = "schema_problems"  # the column that flags an entry failing the deletion-log schema
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Filters:
    """Report filters; dates are UTC days, both ends included. Empty lists mean "any"."""

    since: date | None = None
    until: date | None = None
    admins: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    text: str = ""

    def sql(self) -> dict[str, Any]:
        """The store's filter dict (validated: unknown platforms or reasons are refused)."""
        if self.since and self.until and self.since > self.until:
            raise InvalidInput(f"the start date {self.since} is after the end date {self.until}")
        bad = [p for p in self.platforms if p not in PLATFORMS] + [
            r for r in self.reasons if r not in DELETION_REASONS
        ]
        if bad:
            raise InvalidInput(f"unknown platform or reason: {', '.join(map(str, bad))}")
        return {
            "since": datetime.combine(self.since, time()) if self.since else None,
            "until": datetime.combine(self.until + timedelta(days=1), time()) if self.until else None,
            "admins": list(self.admins),
            "platforms": list(self.platforms),
            "reasons": list(self.reasons),
            "text": (self.text or "").strip().lower(),
        }


@dataclass
class Report:
    """What the page shows: the newest matching entries (flagged), totals, and chart series."""

    rows: pd.DataFrame
    total: int
    summary: dict[str, Any]
    by_week: pd.DataFrame
    by_admin: pd.DataFrame
    by_platform: pd.DataFrame
    by_reason: pd.DataFrame
    flagged: list[int] = field(default_factory=list)


def _series(agg: pd.DataFrame, dim: str, label: str) -> pd.DataFrame:
    part = agg[agg["dim"] == dim]
    out = pd.DataFrame(
        {label: part["key"].astype(str).to_numpy(), "Deletions": part["entries"].astype("int64").to_numpy()}
    )
    return out.sort_values(
        label if dim == "week" else ["Deletions", label], ascending=dim == "week", ignore_index=True
    )


def flag(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (log columns) with a ``schema_problems`` column: "" when the entry passes the schema."""
    return frame.assign(**{PROBLEMS: entry_problems(frame)})


@member_action("read the deletion log")
def report(store: Store, actor: Actor, filters: Filters, *, limit: int = MAX_SHOWN) -> Report:
    """Figures and charts over every matching entry, and the newest ``limit`` of them, each validated
    against the deletion-log schema (failures are flagged, never dropped). Admins only."""
    require_admin(actor, "read the deletion log")
    where = filters.sql()
    agg = store.deletion_log.deletion_log_aggregates(where)
    totals = agg[agg["dim"] == "all"]
    total = int(totals["entries"].iloc[0]) if len(totals) else 0
    summary: dict[str, Any] = {"deletions": total}
    for column in ("conversations", "messages", "attachments", "bytes"):
        summary[column] = int(totals[column].fillna(0).iloc[0]) if total else 0
    summary["admins"] = int((agg["dim"] == "admin").sum())
    summary["first_at"] = totals["first_at"].iloc[0] if total else None
    summary["last_at"] = totals["last_at"].iloc[0] if total else None
    rows = (
        flag(store.deletion_log.deletion_log_frame(where, limit=limit, newest_first=True))
        if total
        else flag(pd.DataFrame({c: [] for c in LOG_COLUMNS}))
    )
    flagged = [int(i) for i in rows.loc[rows[PROBLEMS] != "", "id"]]
    return Report(
        rows,
        total,
        summary,
        _series(agg, "week", "Week"),
        _series(agg, "admin", "Admin"),
        _series(agg, "platform", "Platform"),
        _series(agg, "reason", "Reason"),
        flagged,
    )


@member_action("read the deletion log")
def admins_in_log(store: Store, actor: Actor) -> list[str]:
    require_admin(actor, "read the deletion log")
    return store.deletion_log.deletion_log_admins()


# -- "was this identifier deleted?" -----------------------------------------------------------
def e164(raw: str, region: str | None) -> str | None:
    """``raw`` as a stored phone number (E.164, ``;ext=``) when it reads as one (national numbers in
    ``region``); also a number stored before the rules were strict
    (``validation.phones.phone_identifier``)."""
    return phone_identifier(raw, region)


def candidates(identifier: str, region: str | None) -> dict[str, set[str]]:
    """Every normalised form the identifier may have been hashed under, by kind: an email in
    its stored form, a phone in E.164, ``platform:handle`` (the platform given as a prefix, else each),
    the external id as typed."""
    raw = (identifier or "").strip()
    if not raw:
        return {"email": set(), "phone": set(), "handle": set(), "external_id": set()}
    return hashed_forms(raw, normalise_email(raw), e164(raw, region))


def _shape_phone(raw: str) -> str | None:
    """The form the rules before libphonenumber stored a phone in: punctuation removed, 00 made +, any
    E.164 shape (``+33 (0)6 12…`` was ``+330612…``). Entries logged then were hashed under it."""
    text = re.sub(r"[\s\-.()/]", "", raw)
    text = "+" + text[2:] if text.startswith("00") else text
    return text if re.fullmatch(r"\+[1-9][0-9]{7,14}", text) else None


def hashed_forms(raw: str, email: str | None, phone: str | None) -> dict[str, set[str]]:
    """The forms an identifier may have been hashed under, by kind, given its normalised email and
    E.164 phone (``None`` when it is neither): see ``candidates``. A phone is also tried in the form
    the rules before libphonenumber stored it."""
    phones = {p for p in (phone, _shape_phone(raw) if phone else None) if p is not None}
    out: dict[str, set[str]] = {
        "email": {email} if email is not None else set(),
        "phone": phones,
        "external_id": {raw},
    }
    prefix, _, rest = raw.partition(":")
    if rest and prefix.lower() in PLATFORMS:
        handles = {(prefix.lower(), rest.strip())}
    else:
        handles = {(p, h) for p in PLATFORMS for h in {raw, email, phone} if h}
    out["handle"] = {f"{p}:{h}" for p, h in handles}
    return out


_PHONE_LIKE = re.compile(r"\+?[\d\s().\-/]{6,}")


def invalid_as(identifier: str, region: str | None) -> str | None:
    """``"email address"`` or ``"phone number"`` when the identifier looks like one but is not a valid
    one (it can then only match as a handle or an external id); ``None`` otherwise."""
    raw = (identifier or "").strip()
    if "@" in raw and " " not in raw and normalise_email(raw) is None:
        return "email address"
    if _PHONE_LIKE.fullmatch(raw) and e164(raw, region) is None:
        return "phone number"
    return None


@member_action("look up deleted identifiers")
def lookup(store: Store, actor: Actor, identifier: str) -> list[dict[str, Any]]:
    """Log entries of contacts that had this email, phone, handle or external id (the identifier is
    hashed with the workspace key exactly as at deletion; nothing is stored). Admins only."""
    require_admin(actor, "look up deleted identifiers")
    raw = (identifier or "").strip()
    if not raw:
        raise InvalidInput("enter an email, phone number, handle or external id to look up")
    if len(raw) > 500:
        raise InvalidInput("an identifier has at most 500 characters")
    secrets = identifier_keys(store)  # the key file's key, then keys of deletions made before it
    if not secrets:  # the database has no key yet: no contact was ever deleted
        return []
    from .workspace import default_region

    forms = candidates(raw, default_region(store))
    hashes = {
        kind: [keyed_hash(secret, kind, v) for secret in secrets for v in values]
        for kind, values in forms.items()
    }
    return store.deletion_log.deletion_lookup(hashes)


# -- exports --------------------------------------------------------------------------------
def _for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["deleted_at"] = pd.to_datetime(out["deleted_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].astype(object).map(neutralise, na_action="ignore")
    return out


@member_action("export the deletion log")
def export_chunks(
    store: Store, actor: Actor, filters: Filters, chunk: int = EXPORT_CHUNK
) -> Iterator[pd.DataFrame]:
    """Matching entries in id order, flagged (``schema_problems``), ``chunk`` rows at a time."""
    require_admin(actor, "export the deletion log")
    where = filters.sql()
    after = 0
    while True:
        frame = store.deletion_log.deletion_log_frame({**where, "after_id": after}, limit=chunk)
        if frame.empty:
            return
        yield flag(frame)
        after = int(frame["id"].iloc[-1])


def _arrow_schema() -> Any:  # a pyarrow.Schema (pyarrow ships no type information)
    import pyarrow as pa

    text = {
        "deleted_by",
        "platform",
        "display_name",
        "identity_hint",
        "reason",
        "email_hmac",
        "phone_hmac",
        "handle_hmac",
        "external_id_hmac",
        "snapshot",
        "prev_hash",
        "entry_hash",
        PROBLEMS,
    }
    return pa.schema(
        [
            (c, pa.string() if c in text else pa.timestamp("us") if c == "deleted_at" else pa.int64())
            for c in (*LOG_COLUMNS, PROBLEMS)
        ]
    )


class _Pipe:
    """A write-only file for pyarrow that hands over what was written so far (``take``)."""

    closed = False

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._at = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._at += len(data)
        return len(data)

    def tell(self) -> int:
        return self._at

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


@dataclass
class ExportStream:
    """The export as byte chunks (iterate once); ``entries`` counts the entries written so far."""

    fmt: str
    first: pd.DataFrame | None
    rest: Iterator[pd.DataFrame]
    entries: int = 0

    def __iter__(self) -> Iterator[bytes]:
        head = [self.first] if self.first is not None else []
        if self.fmt == "csv":
            if not head:
                head = [flag(pd.DataFrame({c: [] for c in LOG_COLUMNS}))]
            for i, frame in enumerate(_chain(head, self.rest)):
                self.entries += len(frame)
                yield _for_csv(frame).to_csv(index=False, header=i == 0).encode("utf-8")
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema, pipe = _arrow_schema(), _Pipe()
        with pq.ParquetWriter(pipe, schema) as writer:
            for frame in _chain(head, self.rest):
                writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
                self.entries += len(frame)
                yield pipe.take()
        yield pipe.take()


def export_stream(store: Store, actor: Actor, filters: Filters, fmt: str) -> ExportStream:
    """The matching entries as ``csv`` (formula-neutralised, UTF-8) or ``parquet`` byte chunks, one per
    ``EXPORT_CHUNK`` entries (never the whole log in memory). The format, the role and the filters are
    checked here, before the first byte: a refusal is an error, never a cut-short file."""
    if fmt not in ("csv", "parquet"):
        raise InvalidInput(f"the export format must be csv or parquet, not '{fmt}'")
    chunks = export_chunks(store, actor, filters)
    return ExportStream(fmt, next(chunks, None), chunks)


def write_export(store: Store, actor: Actor, filters: Filters, fmt: str, out: str | Path | IO[bytes]) -> int:
    """Write the matching entries as ``csv`` (formula-neutralised, UTF-8) or ``parquet`` to ``out`` (a path
    or a binary file object). Entries failing the schema are included and flagged. Returns the count."""
    stream = export_stream(store, actor, filters, fmt)  # checks the role and filters before any file is made
    sink: IO[bytes] = open(out, "wb") if isinstance(out, (str, Path)) else out
    try:
        for part in stream:
            sink.write(part)
    finally:
        if sink is not out:
            sink.close()
    return stream.entries


def _chain(head: list[pd.DataFrame], rest: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    yield from head
    yield from rest


def export_bytes(store: Store, actor: Actor, filters: Filters, fmt: str) -> bytes:
    """The export as bytes (for a download button)."""
    buffer = io.BytesIO()
    write_export(store, actor, filters, fmt, buffer)
    return buffer.getvalue()


@member_action("see the deletion log settings")
def name_setting(store: Store, actor: Actor) -> dict[str, Any] | None:
    """Who last chose whether log entries keep the display name, when, and what (``name`` or ``hint``);
    ``None`` when never changed (names are kept). Admins only."""
    require_admin(actor, "see the deletion log settings")
    return store.deletion_log.setting_change(NAME_KEY)


def reason_label(code: str) -> str:
    return DELETION_REASONS.get(code, code)
