"""Members and the plan over HTTP (admins): list, add, disable or enable a member; read or change the plan."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from inbox import users, workspace
from inbox.models import User

from .deps import Admin, Db
from .models import UtcDatetime
from .openapi import errors

router = APIRouter(tags=["members"])


class MemberOut(BaseModel):
    """A workspace member (never their password)."""

    id: int
    email: str
    display_name: str
    role: str
    active: bool
    created_at: UtcDatetime
    last_sign_in_at: UtcDatetime | None


class NewMember(BaseModel):
    """A member to add; they sign in with this e-mail and password."""

    model_config = ConfigDict(extra="forbid")
    email: str
    role: Literal["admin", "agent"]
    password: str = Field(min_length=users.MIN_PASSWORD_LENGTH, description="The member's first password")
    display_name: str | None = None


class MemberChange(BaseModel):
    """``active: false`` disables the member (their sessions and tokens stop at once); ``true`` enables."""

    model_config = ConfigDict(extra="forbid")
    active: bool


class Plan(BaseModel):
    plan: Literal["team", "enterprise"]


class PlanChanged(Plan):
    """The plan now, and what the change did (one sentence each; empty when it was the plan already)."""

    changes: list[str]


def _member(user: User) -> MemberOut:
    return MemberOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        active=user.active,
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
    )


@router.get("/members", responses=errors(403))
def list_members(db: Db, admin: Admin) -> list[MemberOut]:
    """Every member, active or not (admins)."""
    return [_member(u) for u in users.list_users(db, admin.actor)]


@router.post("/members", status_code=201, responses=errors(403, 409, 422))
def add_member(body: NewMember, db: Db, admin: Admin) -> MemberOut:
    """Add a member (admins); 409 when the e-mail is a member's already."""
    user = users.add_user(
        db, admin.actor, body.email, role=body.role, password=body.password, display_name=body.display_name
    )
    return _member(user)


@router.patch("/members/{email}", responses=errors(403, 404, 409, 422))
def change_member(email: str, body: MemberChange, db: Db, admin: Admin) -> MemberOut:
    """Disable or enable a member (admins). Disabling ends their sessions and refuses their tokens at once;
    the last active admin cannot be disabled (409)."""
    user = users.set_active(db, admin.actor, email, body.active)
    assert user is not None  # set_active raised NotFound otherwise
    return _member(user)


@router.get("/plan", responses=errors(403))
def get_plan(db: Db, admin: Admin) -> Plan:
    """The workspace plan (admins)."""
    return Plan(plan=workspace.get_plan(db))  # type: ignore[arg-type]


@router.put("/plan", responses=errors(403, 422))
def put_plan(body: Plan, db: Db, admin: Admin) -> PlanChanged:
    """Change the plan (admins); says what the change did, as the Members & plan page asks to confirm."""
    changes = workspace.plan_change(db, body.plan)
    plan = workspace.set_plan(db, admin.actor, body.plan)
    return PlanChanged(plan=plan, changes=changes)  # type: ignore[arg-type]
