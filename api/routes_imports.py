"""/uploads and /imports: upload a CSV (streamed, size-limited), dry run, commit, status, rejects, undo."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from inbox import import_templates, import_uploads, imports
from inbox.auth import require_admin
from inbox.errors import InvalidInput
from inbox.mapping_fallbacks import split_document

from .deps import Admin, Db, Member
from .models import ProblemDetail
from .openapi import errors
from .problems import problem

router = APIRouter(tags=["imports"], responses=errors(403))
CHUNK = 1 << 20
BatchId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The batch id an import printed.")]


class UploadOut(BaseModel):
    upload_id: str = Field(description="Give it to POST /imports (kept 6 hours).")
    file: str
    size: int
    encoding: str
    delimiter: str
    columns: list[str]
    preview: list[list[str]]
    mapping: dict[str, str | None] = Field(description="The suggested mapping: column → attribute key.")
    notes: list[str]


UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The CSV file: the raw bytes (give its name with ?name=), or multipart field `file`.",
        "content": {
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


@router.post(
    "/uploads",
    status_code=201,
    summary="Upload a CSV file to import (streamed to a temporary file, at most 200 MB)",
    openapi_extra=UPLOAD_BODY,
    responses={
        **errors(400, 403, 422),
        413: {"model": ProblemDetail, "description": "The file is too large"},
    },
)
async def upload(request: Request, store: Db, admin: Admin, name: str = "contacts.csv") -> UploadOut:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > import_uploads.MAX_UPLOAD_BYTES + CHUNK:
        return problem(413, str(import_uploads.too_large()))  # type: ignore[return-value]
    kind = request.headers.get("content-type", "").lower()
    try:
        if kind.startswith("multipart/form-data"):
            form = await request.form(max_files=1, max_fields=5)
            part = form.get("file")
            if part is None or isinstance(part, str):
                raise InvalidInput("send the CSV file in the multipart field `file`")
            received = import_uploads.Upload(part.filename or name)
            while chunk := await part.read(CHUNK):
                await run_in_threadpool(received.write, chunk)
        else:
            received = import_uploads.Upload(name)
            async for chunk in request.stream():
                await run_in_threadpool(received.write, chunk)
    except import_uploads.UploadTooLarge as exc:
        return problem(413, str(exc))  # type: ignore[return-value]
    received.done()
    if not received.size:
        received.abort()
        raise InvalidInput("the file is empty")
    try:
        return UploadOut(**await run_in_threadpool(import_uploads.inspect, store, admin.actor, received.id))
    except Exception:
        import_uploads.discard(received.id)  # an unreadable file is not kept
        raise


class ImportIn(BaseModel):
    upload_id: str = Field(max_length=64)
    dry_run: bool = Field(False, strict=True, description="Validate and count; write nothing.")
    template: str | None = Field(
        None, max_length=120, description="A saved mapping's name, or a built-in template (Google Contacts…)."
    )
    mapping: dict[str, Any] | None = Field(
        None, description='Column → attribute key or null, or {"mapping": {…}, "fallbacks": {…}}.'
    )
    on_conflict: Literal["update", "skip", "fill-empty"] = "update"
    match: list[str] = Field(["external_id", "email", "phone"], max_length=3)
    phone_platform: str = Field("sms", max_length=20)
    invalid_values: Literal["skip-value", "reject-row"] = "skip-value"
    region: str | None = Field(None, max_length=2)
    encoding: str | None = Field(None, max_length=40)
    delimiter: str | None = Field(None, max_length=2)
    sheet: str | None = Field(None, max_length=200, description="The sheet of an .xlsx/.xls/.ods file.")


class ImportOut(BaseModel):
    summary: dict[str, Any] = Field(description="What `python -m inbox import` prints.")
    mapping: dict[str, str | None]
    problems: list[dict[str, Any]] = Field(description="The first 100 rejected rows: status and errors.")
    rejects: int = Field(description="Rows in the rejects file.")
    rejects_url: str | None = None


def _mapping_plan(store: Any, body: ImportIn) -> dict[str, Any]:
    """The CLI's --template / --mapping, plus a saved mapping by name (as the import page offers)."""
    mapping, fallbacks = split_document(body.mapping) if body.mapping is not None else (None, None)
    if mapping is not None and not all(isinstance(v, str) or v is None for v in mapping.values()):
        raise InvalidInput("the mapping must give each column an attribute key or null")
    saved = next((t for t in imports.templates(store) if t["name"] == body.template), None)
    if saved is not None:
        return {
            "mapping": {**saved["mapping"], **(mapping or {})},
            "fallbacks": fallbacks or saved.get("fallbacks") or None,
        }
    if body.template:
        import_templates.template(body.template)  # an unknown name: InvalidInput listing the names
    return {"mapping": mapping, "fallbacks": fallbacks, "template": body.template or None}


@router.post(
    "/imports",
    responses=errors(400, 403, 404, 409, 422),
    summary="Dry-run or commit an uploaded file (one transaction; a batch undo can revert)",
)
def run_import(request: Request, store: Db, member: Member, body: ImportIn) -> ImportOut:
    require_admin(member.actor, "import contacts")  # (again in run_import) before an upload id is looked up
    path, name = import_uploads.found(body.upload_id)
    options = imports.ImportOptions(
        on_conflict=body.on_conflict,
        phone_platform=body.phone_platform.strip().lower(),
        match_order=tuple(body.match),
        invalid_values=body.invalid_values,
        region=body.region,
    ).checked()
    result = imports.run_import(
        store,
        member.actor,
        path,
        options=options,
        encoding=body.encoding,
        delimiter=body.delimiter,
        sheet=body.sheet,
        name=name,
        dry_run=body.dry_run,
        **_mapping_plan(store, body),
    )
    if not body.dry_run:
        import_uploads.discard(body.upload_id)  # committed: the same file is not imported twice by mistake
    rows = result.rejects[["status", "errors"]].head(100) if len(result.rejects) else None
    rid = import_uploads.keep_rejects(result.rejects_csv()) if len(result.rejects) else None
    return ImportOut(
        summary=jsonable_encoder(result.summary()),
        mapping=result.mapping,
        problems=cast(list[dict[str, Any]], rows.astype(object).where(rows.notna(), None).to_dict("records"))
        if rows is not None
        else [],
        rejects=len(result.rejects),
        rejects_url=str(request.url_for("import_rejects", rejects_id=rid)) if rid else None,
    )


@router.get(
    "/import-rejects/{rejects_id}",
    name="import_rejects",
    responses={**errors(403, 404), 200: {"content": {"text/csv": {}}, "description": "The rejects CSV"}},
    summary="The rejects file of a run: the file's columns plus status and errors, ready to fix",
    response_class=FileResponse,
)
def rejects(admin: Admin, rejects_id: str) -> FileResponse:
    return FileResponse(
        import_uploads.rejects_file(rejects_id),
        media_type="text/csv; charset=utf-8",
        filename="rejects.csv",
    )


class Batch(BaseModel):
    id: int
    created_at: datetime
    created_by: str
    file_name: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    on_conflict: str | None = None
    match_order: Any = None
    mapping: Any = None
    rows_total: int | None = None
    inserted: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    skipped: int | None = None
    rejected: int | None = None
    status: str | None = None
    undone_at: datetime | None = None
    undone_by: str | None = None


@router.get("/imports", summary="Import batches, newest first")
def list_batches(store: Db, admin: Admin, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[Batch]:
    return [Batch(**b) for b in imports.batches(store, limit)]


@router.get(
    "/imports/{batch_id}",
    responses=errors(403, 404),
    summary="One import batch: counts and status (committed or undone)",
)
def batch(store: Db, member: Member, batch_id: BatchId) -> Batch:
    return Batch(**imports.batch(store, member.actor, batch_id))


@router.post(
    "/imports/{batch_id}/undo",
    summary="Undo a whole batch; 409 listing the contacts changed since (nothing undone then)",
    responses={**errors(403, 404), 409: {"model": ProblemDetail, "description": "Contacts changed since"}},
)
def undo(store: Db, member: Member, batch_id: BatchId) -> dict[str, int]:
    try:
        return imports.undo(store, member.actor, batch_id)
    except imports.UndoRefused as exc:
        return problem(409, str(exc), contacts=jsonable_encoder(exc.contacts))  # type: ignore[return-value]
