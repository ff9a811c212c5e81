"""/deletion-log: the report's list and filters, streamed CSV/Parquet exports, verify, lookup, erasure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from inbox import deletion_report, erasure
from inbox.deletion import public_entry
from inbox.deletion_chain import verify_log
from inbox.errors import InvalidInput
from inbox.models import utcnow

from .deps import Db, Member
from .openapi import errors

router = APIRouter(prefix="/deletion-log", tags=["deletion log"], responses=errors(403))
MEDIA = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


def Day(description: str) -> Any:  # noqa: N802  (a Query, as FastAPI names them)
    """A UTC day in a query: ``YYYY-MM-DD`` only (pydantic would also take a number as a timestamp)."""
    return Query(
        pattern=r"^\d{4}-\d{2}-\d{2}$", description=description, json_schema_extra={"format": "date"}
    )


def _day(name: str, value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(f"{name} must be a date YYYY-MM-DD, not '{value}'") from None


def filters_dep(
    since: Annotated[str | None, Day(description="Deleted on or after this UTC day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, Day(description="Deleted on or before this UTC day (YYYY-MM-DD).")] = None,
    admin: Annotated[list[str] | None, Query(description="Deleted by one of these admins.")] = None,
    platform: Annotated[list[str] | None, Query(description="One of these platforms.")] = None,
    reason: Annotated[list[str] | None, Query(description="One of these reason codes.")] = None,
    q: Annotated[str, Query(max_length=200, description="Text in the name, hint or admin.")] = "",
) -> deletion_report.Filters:
    """The Deleted contacts report's filters (validated by the report: unknown codes are refused)."""
    return deletion_report.Filters(
        _day("since", since),
        _day("until", until),
        tuple(admin or ()),
        tuple(platform or ()),
        tuple(reason or ()),
        q,
    )


Filtered = Annotated[deletion_report.Filters, Depends(filters_dep)]


class LogEntry(BaseModel):
    """One deletion-log entry (identifiers only as keyed hashes); ``schema_problems`` is "" when it passes."""

    id: int
    deleted_at: datetime
    deleted_by: str
    contact_id: int | None = None
    platform: str | None = None
    display_name: str | None = None
    identity_hint: str | None = None
    reason: str | None = None
    conversations: int | None = None
    messages: int | None = None
    attachments: int | None = None
    bytes: int | None = None
    email_hmac: str | None = None
    phone_hmac: str | None = None
    handle_hmac: str | None = None
    external_id_hmac: str | None = None
    snapshot: str | None = None
    prev_hash: str | None = None
    entry_hash: str | None = None
    schema_problems: str = ""


class LogPage(BaseModel):
    total: int = Field(description="Entries matching the filters.")
    summary: dict[str, Any] = Field(description="Deletions, conversations, messages, attachments, bytes…")
    entries: list[LogEntry] = Field(description="The newest matching entries, newest first (at most limit).")


@router.get(
    "", responses=errors(403, 422), summary="Deletion-log entries matching the report's filters, newest first"
)
def list_entries(
    store: Db,
    member: Member,
    filters: Filtered,
    limit: Annotated[int, Query(ge=1, le=deletion_report.MAX_SHOWN)] = 100,
) -> LogPage:
    report = deletion_report.report(store, member.actor, filters, limit=limit)
    rows = cast(
        list[dict[str, Any]], report.rows.astype(object).where(report.rows.notna(), None).to_dict("records")
    )
    entries = [{**public_entry(r), "schema_problems": r["schema_problems"]} for r in rows]
    return LogPage(total=report.total, summary=report.summary, entries=[LogEntry(**e) for e in entries])


@router.get(
    "/export",
    summary="Export the matching entries as CSV or Parquet (streamed)",
    response_class=StreamingResponse,
    responses={
        **errors(403, 422),
        200: {"content": {MEDIA["csv"]: {}, MEDIA["parquet"]: {}}, "description": "The export"},
    },
)
def export(
    store: Db, member: Member, filters: Filtered, format: Literal["csv", "parquet"] = "csv"
) -> StreamingResponse:
    stream = deletion_report.export_stream(store, member.actor, filters, format)  # refusals before any byte
    name = f"deletion-log-{utcnow():%Y-%m-%d}.{format}"
    return StreamingResponse(
        iter(stream),
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class Verdict(BaseModel):
    ok: bool
    entries: int
    head: str
    bad_entry: int | None = Field(None, description="The first entry that does not match.")
    problem: str = ""
    line: str = Field(description="What `python -m inbox audit verify` prints.")


@router.get("/verify", responses=errors(403), summary="Check the keyed hash chain and the signed checkpoints")
def verify(store: Db, member: Member) -> Verdict:
    result = verify_log(store, member.actor)
    return Verdict(
        ok=result.ok,
        entries=result.entries,
        head=result.head,
        bad_entry=result.bad_entry,
        problem=result.problem,
        line=result.line(),
    )


class LookupIn(BaseModel):
    identifier: str = Field(max_length=500, description="An email, phone, handle (or platform:handle), id.")


class Found(BaseModel):
    id: int
    deleted_at: datetime
    deleted_by: str
    platform: str | None = None
    reason: str | None = None
    matched: list[str]


class LookupOut(BaseModel):
    deleted: bool
    entries: list[Found]


@router.post(
    "/lookup",
    responses=errors(400, 403, 422),
    summary="Was a contact with this identifier deleted? (POST: the identifier stays out of URLs and logs)",
)
def lookup(store: Db, member: Member, body: LookupIn) -> LookupOut:
    found = deletion_report.lookup(store, member.actor, body.identifier)
    return LookupOut(deleted=bool(found), entries=[Found(**e) for e in found])


class ErasureIn(BaseModel):
    identifiers: list[str] = Field(
        min_length=1, max_length=erasure.MAX_IDENTIFIERS, description="Emails, phones, external ids, handles."
    )


class PlanRow(BaseModel):
    line: int
    identifier: str
    status: Literal["match", "deleted_before", "not_found", "invalid"]
    contact_ids: list[int]
    matched_by: list[str]
    detail: str
    entry_ids: list[int]


class PlanOut(BaseModel):
    plan: str = Field(description="Send it back to confirm: the erasure refuses a plan that changed.")
    counts: dict[str, int]
    rows: list[PlanRow]
    contact_ids: list[int] = Field(description="The distinct contacts the erasure would delete.")
    labels: dict[int, tuple[str, str | None]] = Field(description="Per contact id: platform and name.")


@router.post(
    "/erasures/preview",
    responses=errors(400, 403, 422),
    summary="Bulk erasure, step 1: which contacts the identifiers match",
)
def erasure_preview(store: Db, member: Member, body: ErasureIn) -> PlanOut:
    plan = erasure.preview(store, member.actor, body.identifiers)
    rows = [PlanRow(**{**vars(r), "contact_ids": list(r.contact_ids), "matched_by": list(r.matched_by),
                       "entry_ids": list(r.entry_ids)}) for r in plan.rows]  # fmt: skip
    labels = {int(cid): (str(label[0]), label[1]) for cid, label in plan.labels.items()}
    return PlanOut(
        plan=plan.token(), counts=plan.counts(), rows=rows, contact_ids=plan.contact_ids, labels=labels
    )


class ErasureConfirm(ErasureIn):
    plan: str = Field(max_length=64, description="The preview's plan.")
    hint: str = Field(description="Identity hint recorded with every entry.")
    reason: str = Field(description="gdpr_request, duplicate, test_data or other.")


class ErasureOut(BaseModel):
    summary: dict[str, Any]
    rows: list[dict[str, Any]] = Field(description="One line per identifier: outcome, contacts, log entries.")


@router.post(
    "/erasures",
    responses=errors(400, 403, 409, 422),
    summary="Bulk erasure, step 2: delete the previewed contacts (a log entry each)",
)
def erasure_confirm(store: Db, member: Member, body: ErasureConfirm) -> ErasureOut:
    result = erasure.execute_planned(
        store, member.actor, body.identifiers, body.plan, hint=body.hint, reason=body.reason
    )
    return ErasureOut(summary=result.summary, rows=result.rows)
