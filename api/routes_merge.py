"""Merging contacts over HTTP: ``POST /contacts/{id}/merge`` (agents and admins), as the panel's dialog."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from inbox import merge

from .deps import Db, Member
from .openapi import errors

router = APIRouter(tags=["contacts"])


class Merge(BaseModel):
    """The contacts merged into the one of the path, and optionally which contact's value each attribute
    keeps (by default the most recently updated non-empty value) and the versions the client saw."""

    model_config = ConfigDict(extra="forbid")
    merge_ids: list[int] = Field(min_length=1, max_length=merge.MAX_MERGED, description="Contacts merged")
    choices: dict[str, int] = Field(default_factory=dict, description="Attribute key → contact id")
    versions: dict[int, int] = Field(
        default_factory=dict,
        description="Contact id → version seen: a contact changed since is refused (409)",
    )


@router.post(
    "/contacts/{contact_id}/merge", operation_id="mergeContacts", responses=errors(403, 404, 409, 412, 422)
)
def merge_contacts(contact_id: int, body: Merge, db: Db, member: Member) -> dict[str, Any]:
    """Merge contacts into this one in one transaction (conversations, messages and attachments move; every
    identifier of the merged contacts keeps finding it); returns the merge-log entry."""
    return merge.merge_contacts(
        db, member.actor, contact_id, list(body.merge_ids), choices=body.choices, versions=body.versions
    )
