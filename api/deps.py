"""What every endpoint depends on: the store of this process, and the member an API token acts as."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from inbox import sign_in, tokens
from inbox.errors import PermissionDenied, TokenRefused
from inbox.models import User
from inbox.store import Store

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="A personal API token (API tokens page, or `python -m inbox tokens create`).",
)


def store_dep(request: Request) -> Store:
    """The store this process serves (the same one the UI uses)."""
    store: Store = request.app.state.store_for()
    return store


def client_of(request: Request) -> str:
    """Who is asking, for throttling: as for the sign-in form (``$INBOX_CLIENT_IP_HEADER`` behind a proxy)."""
    return sign_in.client_address(request.client.host if request.client else None, request.headers)


def member_dep(
    request: Request,
    store: Annotated[Store, Depends(store_dep)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The member whose token came in ``Authorization: Bearer …``; refused when missing or not valid."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise TokenRefused("missing API token: send the header Authorization: Bearer <token>")
    member: User = tokens.member_for(store, credentials.credentials.strip(), client=client_of(request))
    return member


def admin_dep(member: Annotated[User, Depends(member_dep)]) -> User:
    """An admin member (the use cases check again inside inbox/ at the moment of the write)."""
    if member.role != "admin":
        raise PermissionDenied("only admins can do this")
    return member


Member = Annotated[User, Depends(member_dep)]
Admin = Annotated[User, Depends(admin_dep)]
Db = Annotated[Store, Depends(store_dep)]
