"""Data retention over HTTP (admins): the rules, schedule and log (``GET /retention``) and a run now
(``POST /retention/runs``, a dry run to count first), as the Data retention page and ``retention run``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from inbox import retention

from .deps import Db, Member
from .openapi import errors

router = APIRouter(tags=["retention"])


class RunRequest(BaseModel):
    """A run of every rule now, or a dry run that only counts."""

    model_config = ConfigDict(extra="forbid")
    dry_run: bool = Field(
        False, strict=True, description="Only count what each rule would clear now; change nothing"
    )


@router.get("/retention", operation_id="getRetention", responses=errors(403))
def get_retention(
    db: Db, member: Member, runs: int = Query(10, ge=0, le=1000, description="How many log entries")
) -> dict[str, Any]:
    """The retention rules, the schedule, the next run, the last run and the latest log entries."""
    return retention.overview(db, member.actor, runs)


@router.post("/retention/runs", operation_id="runRetention", responses=errors(403, 409))
def run_retention(body: RunRequest, db: Db, member: Member) -> dict[str, Any]:
    """Apply every rule now, each in its own logged transaction (cleared values never come back); a dry run
    counts what each rule would clear."""
    return retention.summary(
        retention.run(db, member.actor, dry_run=body.dry_run, trigger="api"), body.dry_run
    )
