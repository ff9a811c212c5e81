"""The contact attribute layout over HTTP: get it, put it (the page's validation; If-Match on its version)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Response
from fastapi.routing import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from inbox import attributes
from inbox.models import ATTRIBUTE_TYPES

from .deps import Admin, Db, Member
from .openapi import errors
from .problems import problem
from .routes_contacts import expected_version

router = APIRouter(tags=["layout"])
ETAG = {
    "ETag": {"description": 'The layout version, as a strong entity tag: `"4"`', "schema": {"type": "string"}}
}


class LayoutAttribute(BaseModel):
    """One attribute of the layout, as `python -m inbox layout export` writes it (layout as code)."""

    model_config = ConfigDict(extra="forbid")
    key: str
    label: str
    type: str = Field(description=", ".join(ATTRIBUTE_TYPES))
    enabled: bool
    order: int = Field(description="Its position, from 1")
    options: list[str] | None = None
    regex: str | None = None
    required_on_import: bool = False


class Layout(BaseModel):
    """Every attribute in order, and the version they were read at."""

    version: int
    attributes: list[LayoutAttribute]


class LayoutChange(BaseModel):
    """The whole layout as it should be: every current attribute listed (disable one rather than drop it)."""

    model_config = ConfigDict(extra="forbid")
    attributes: list[LayoutAttribute]


def _layout(db: Any, response: Response) -> Layout:
    version, _ = attributes.load_layout(db)
    response.headers["ETag"] = f'"{version}"'
    items = [LayoutAttribute(**item) for item in attributes.export_layout(db)]
    return Layout(version=version, attributes=items)


@router.get("/layout", responses={**errors(), 200: {"headers": ETAG}})
def get_layout(db: Db, member: Member, response: Response) -> Layout:
    """The contact attribute layout (what agents see, in order); its version is the ETag."""
    return _layout(db, response)


@router.put(
    "/layout",
    response_model=Layout,
    responses={**errors(403, 409, 412, 422, 428), 200: {"headers": ETAG}},
)
def put_layout(
    body: LayoutChange,
    db: Db,
    admin: Admin,
    response: Response,
    if_match: Annotated[
        str | None, Header(description='The layout version read (its ETag, e.g. "4")')
    ] = None,
) -> Any:
    """Replace the layout (admins), validated as on the Contact attributes page: 422 with one line per
    problem in `errors`; 412 when another admin saved since the version in If-Match; 428 without it."""
    if not (if_match or "").strip():
        return problem(
            428, 'send If-Match with the layout version you read (the ETag of GET /layout, e.g. "4")'
        )
    version, _ = attributes.load_layout(db)
    base = expected_version(if_match, version)
    items = [item.model_dump() for item in body.attributes]
    attributes.import_layout(db, admin.actor, items, base_version=base)
    return _layout(db, response)
