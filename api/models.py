"""Pydantic models shared by several API areas."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field


class ProblemDetail(BaseModel):
    """RFC 9457 problem details: ``detail`` is the one-line message the CLI prints."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[str] | None = Field(
        default=None, description="One line per problem, when there are several."
    )


PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": ProblemDetail, "content": {"application/problem+json": {}}, "description": why}
    for code, why in [
        (401, "No valid API token"),
        (403, "The member's role does not allow this"),
        (422, "Invalid input"),
        (429, "Too many failed attempts from this client"),
    ]
}


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: A stored timestamp (naive, UTC) as RFC 3339 says a date-time is: ``2026-11-02T09:30:00Z``.
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
