"""/exports: the contacts a search finds as CSV, xlsx or Parquet, and one contact's data as a ZIP (admins)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from inbox import contact_export, subject_export

from .deps import Db, Member
from .openapi import errors

router = APIRouter(prefix="/exports", tags=["exports"], responses=errors(403))
ZIP = "application/zip"
MEDIA = {fmt: mime for fmt, (mime, _) in contact_export.FORMATS.items()}
CHUNK = 1 << 20


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    try:
        while part := fh.read(CHUNK):
            yield part
    finally:
        fh.close()


def _attachment(fh: IO[bytes], media: str, name: str) -> StreamingResponse:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(_chunks(fh), media_type=media, headers=headers)


@router.get(
    "/contacts",
    summary="Export the contacts a search finds (every page) as CSV, xlsx or Parquet",
    response_class=StreamingResponse,
    responses={
        **errors(404, 422),
        200: {"content": {m: {} for m in MEDIA.values()}, "description": "The file"},
    },
)
def export_contacts(
    store: Db,
    member: Member,
    format: Literal["csv", "xlsx", "parquet"] = "csv",
    q: str = Query("", max_length=500, description="The Contacts page's search text."),
    platform: str | None = None,
    language: str | None = None,
    subscription: str | None = None,
    sort: Literal["updated", "name", "created", "created_asc"] = "updated",
) -> StreamingResponse:
    """The file is written whole (in a temporary file, batch by batch) before its first byte is sent, so a
    refusal is an error, never a cut-short file. Logged in the access log."""
    query = contact_export.ExportQuery(q, platform, language, subscription, order=sort)
    fh = contact_export.export_file(store, member.actor, query, format)
    return _attachment(fh, MEDIA[format], contact_export.file_name(format))


@router.get(
    "/contacts/{contact_id}",
    summary="Everything held about one contact as a ZIP (a data-subject access request)",
    response_class=StreamingResponse,
    responses={**errors(404), 200: {"content": {ZIP: {}}, "description": "contact.json and the attachments"}},
)
def export_contact(store: Db, member: Member, contact_id: int) -> StreamingResponse:
    """``contact.json`` (structure in the README) and the attachment files. Logged in the access log."""
    fh = subject_export.subject_file(store, member.actor, contact_id)
    return _attachment(fh, ZIP, subject_export.file_name(contact_id))
