"""Contacts over HTTP: search (cursor pages), get, create, update (If-Match), delete (admins, logged)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from inbox import contacts, deletion
from inbox.contact_create import DuplicateContact, create_contact
from inbox.errors import InvalidInput, PreconditionFailed

from .deps import Admin, Db, Member
from .models import UtcDatetime
from .openapi import errors
from .problems import problem

router = APIRouter(tags=["contacts"])
DEFAULT_LIMIT, MAX_LIMIT = 25, 200  # HubSpot pages by 10 (max 100), Zendesk by 100; the Contacts page by 25
Value = str | float | bool | date | None
ETAG = {
    "ETag": {
        "description": 'The contact version, as a strong entity tag: `"3"`',
        "schema": {"type": "string"},
    }
}

LINKS = {  # what a client (and schemathesis' stateful phase) does next with a created contact
    name: {"operationId": op, "parameters": {"path.contact_id": "$response.body#/id", **extra}}
    for name, op, extra in (
        ("GetContact", "getContact", {}),
        ("UpdateContact", "updateContact", {"header.if-match": "$response.header.ETag"}),
    )
}


class ContactRow(BaseModel):
    """A contact as a search lists it."""

    id: int
    platform: str
    handle: str
    display_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    subscription: str | None = None
    account_id: str | None = None
    external_id: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ContactPage(BaseModel):
    """One page of a search. ``next_cursor`` fetches the next page (``null`` on the last one)."""

    contacts: list[ContactRow]
    total: int = Field(description="Matching contacts; a floor when `total_is_floor` (1,000+)")
    total_is_floor: bool
    exact_match: bool = Field(description="The query was an identifier found exactly (e-mail, phone, #id…)")
    next_cursor: str | None


class ContactOut(BaseModel):
    """One contact: every attribute value by key (text as typed, numbers, ISO dates, booleans)."""

    id: int
    platform: str
    handle: str
    display_name: str | None
    name: str
    version: int = Field(description="Increases with each save; send it back in If-Match to update")
    created_at: UtcDatetime
    updated_at: UtcDatetime
    updated_by: str
    values: dict[str, Value]


class NewContact(BaseModel):
    """A contact to create: values by attribute key, checked as an imported row is. Its identity is its
    platform and handle, else its e-mail, else its phone."""

    model_config = ConfigDict(extra="forbid")
    platform: str | None = Field(
        default=None, description="whatsapp, messenger, instagram, x, email, sms, webchat"
    )
    handle: str | None = Field(default=None, description="The person's id on that platform")
    display_name: str | None = None
    values: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class ContactChanges(BaseModel):
    """Values to change by attribute key (``null`` or an empty string clears one); others are kept."""

    model_config = ConfigDict(extra="forbid")
    values: dict[str, str | int | float | bool | None]


class Deletion(BaseModel):
    """Why a contact is deleted, kept in the deletion log."""

    model_config = ConfigDict(extra="forbid")
    hint: str = Field(description='Who this was, for the log (e.g. "customer #1234, request of 2026-11-02")')
    reason: str = Field(description="gdpr_request, ccpa_request, duplicate… or its label")


def _out(contact: contacts.Contact, response: Response) -> ContactOut:
    response.headers["ETag"] = f'"{contact.version}"'
    return ContactOut(
        id=contact.id,
        platform=contact.platform,
        handle=contact.handle,
        display_name=contact.display_name,
        name=contact.name,
        version=contact.version,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        updated_by=contact.updated_by,
        values=contact.values,
    )


def _search_key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def _cursor(page: int, size: int, key: str) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps({"p": page, "s": size, "k": key}).encode()).decode().rstrip("=")
    )


def _read_cursor(cursor: str, key: str) -> tuple[int, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        page, size, made_for = int(data["p"]), int(data["s"]), data["k"]
    except (ValueError, TypeError, KeyError):
        raise InvalidInput("cursor: not a cursor this API gave; start again without it") from None
    if made_for != key or page < 2 or not 1 <= size <= MAX_LIMIT:
        raise InvalidInput("cursor: it belongs to another search; start again without it") from None
    return page, size


@router.get("/contacts", operation_id="searchContacts", responses=errors(422))
def search_contacts(
    db: Db,
    member: Member,
    q: Annotated[
        str, Query(max_length=500, description="The Contacts page's search: words or an identifier")
    ] = "",
    platform: str | None = None,
    language: Annotated[str | None, Query(description="A language code: pt finds pt, pt-BR, pt-PT")] = None,
    subscription: str | None = None,
    attribute: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^\s*[^:\s][^:]*:")]] | None,
        Query(description="A custom attribute filter, KEY:VALUE (repeatable)"),
    ] = None,
    order: Literal["updated", "name", "created", "created_asc"] = "updated",
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Contacts per page (the cursor keeps it)")
    ] = 25,
    cursor: Annotated[
        str | None,
        Query(max_length=500, pattern=r"^[A-Za-z0-9_-]+$", description="`next_cursor` of the page before"),
    ] = None,
) -> ContactPage:
    """Search contacts with the Contacts page's query language and filters, most recently updated first."""
    custom: dict[str, str] = {}
    for item in attribute or []:
        key, sep, value = item.partition(":")
        if not sep or not key.strip():
            raise InvalidInput(f"attribute: {item!r} is not KEY:VALUE")
        custom[key.strip()] = value
    key = _search_key(q, platform, language, subscription, sorted(custom.items()), order)
    page, size = _read_cursor(cursor, key) if cursor else (1, limit)
    found = contacts.search(
        db,
        q,
        platform=platform,
        language=language,
        subscription=subscription,
        custom=custom,
        page=page,
        page_size=size,
        order=order,
    )
    return ContactPage(
        contacts=[ContactRow(**row) for row in found.rows],
        total=found.total,
        total_is_floor=found.more,
        exact_match=found.exact,
        next_cursor=_cursor(page + 1, size, key) if found.has_next else None,
    )


@router.get(
    "/contacts/{contact_id}", operation_id="getContact", responses={**errors(404), 200: {"headers": ETAG}}
)
def get_contact(contact_id: int, db: Db, member: Member, response: Response) -> ContactOut:
    """One contact with every attribute value; its version is the ETag."""
    return _out(contacts.get_contact(db, contact_id), response)


@router.post(
    "/contacts",
    status_code=201,
    response_model=ContactOut,
    operation_id="createContact",
    responses={**errors(403, 409, 422), 201: {"headers": ETAG, "links": LINKS}},
)
def add_contact(body: NewContact, db: Db, member: Member, response: Response) -> Any:
    """Create a contact (admins and agents). 409 names the contact that already has this e-mail, phone,
    external id or platform and handle (`contact_id`)."""
    try:
        contact = create_contact(
            db,
            member.actor,
            dict(body.values),
            platform=body.platform,
            handle=body.handle,
            display_name=body.display_name,
        )
    except DuplicateContact as exc:
        return problem(
            409, str(exc), contact_id=exc.contact_id, headers={"Location": f"contacts/{exc.contact_id}"}
        )
    response.headers["Location"] = f"contacts/{contact.id}"
    return _out(contact, response)


_TAG = re.compile(r'\s*(?:"(\d{1,12})"|(\d{1,12}))\s*')


def expected_version(if_match: str | None, current: int) -> int:
    """The version an ``If-Match`` names (``"3"``; ``*``: the current one); ``PreconditionFailed`` when it
    names none that is current (weak tags never match, as RFC 9110 says)."""
    tags = [t for t in (if_match or "").split(",") if t.strip()]
    if any(t.strip() == "*" for t in tags):
        return current
    versions = [int(m.group(1) or m.group(2)) for t in tags if (m := _TAG.fullmatch(t))]
    if current in versions:
        return current
    raise PreconditionFailed(
        f"this contact is at version {current}, not the one in If-Match ({(if_match or '').strip()}); "
        "nothing was saved — read it again and reapply your change",
        current,
    )


@router.patch(
    "/contacts/{contact_id}",
    response_model=ContactOut,
    operation_id="updateContact",
    responses={**errors(403, 404, 409, 412, 422, 428), 200: {"headers": ETAG}},
)
def update_contact(
    contact_id: int,
    body: ContactChanges,
    db: Db,
    member: Member,
    response: Response,
    if_match: Annotated[
        str | None, Header(description='The version read (its ETag, e.g. "3"), or * for whatever is current')
    ] = None,
) -> Any:
    """Change attribute values of a contact if it is still at the version read (`If-Match`): a stale
    version gets 412 with the current one, a missing If-Match 428 (no update silently overwrites another)."""
    if not (if_match or "").strip():
        return problem(
            428,
            'send If-Match with the version you read (the ETag of GET /contacts/{id}, e.g. "3"), '
            "so that no one else's change is overwritten",
        )
    current = contacts.get_contact(db, contact_id)
    version = expected_version(if_match, current.version)
    saved = contacts.update_values(db, member.actor, contact_id, version, dict(body.values), source="api")
    return _out(saved, response)


@router.delete("/contacts/{contact_id}", operation_id="deleteContact", responses=errors(403, 404, 409, 422))
def delete_contact(contact_id: int, body: Deletion, db: Db, admin: Admin) -> dict[str, Any]:
    """Delete a contact and everything it owns (admins): one entry in the deletion log, as on the Contacts
    page; returns that entry. The hint and the reason are required (sent in the body, kept out of URLs)."""
    entry = deletion.delete_contact(db, admin.actor, contact_id, hint=body.hint, reason=body.reason)
    return deletion.public_entry(entry)
