"""Role checks of every use case: the actor's role at once, then the member as stored, inside each write."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from .errors import PermissionDenied
from .models import Actor
from .store.acting import acting_as, refusal

if TYPE_CHECKING:
    from .store import Store

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def require_admin(actor: Actor, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may perform admin-only ``action``."""
    if actor is None or not isinstance(actor, Actor) or not actor.is_admin:
        who = getattr(actor, "email", "unknown user")
        raise PermissionDenied(f"only admins can {action} ({who} is not an admin)")


def require_member(store: Store, actor: Actor, *, admin: bool, action: str) -> None:
    """Re-read the member now: refuse a disabled, removed or demoted one (``SYSTEM`` is the CLI operator)."""
    if admin:
        require_admin(actor, action)
    elif not isinstance(actor, Actor) or actor.role not in ("admin", "agent", "system"):
        raise PermissionDenied(f"sign in to {action}")
    if actor.role == "system":
        return
    user = store.accounts.user_by_email(actor.email)
    why = refusal(actor, None if user is None else (user.role, user.active), admin=admin, action=action)
    if why:
        raise PermissionDenied(why)


def member_action(action: str, *, admin: bool = True) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a use case ``f(store, actor, ...)``: check the actor now (role, then the member as stored),
    and run it as ``actor`` so that every transaction it opens re-reads the member before writing
    (``inbox.store.acting``): a member disabled meanwhile is refused and nothing is written."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        call = cast(Callable[..., Any], fn)
        if inspect.isgeneratorfunction(fn):  # a lazy reader: checked when called, and at each write it makes

            @functools.wraps(fn)
            def gen(store: Store, actor: Actor, *args: Any, **kwargs: Any) -> Iterator[Any]:
                require_member(store, actor, admin=admin, action=action)
                return _acting_gen(call(store, actor, *args, **kwargs), actor, admin, action)

            return cast(Callable[P, R], gen)

        @functools.wraps(fn)
        def run(store: Store, actor: Actor, *args: Any, **kwargs: Any) -> Any:
            require_member(store, actor, admin=admin, action=action)
            with acting_as(actor, admin=admin, action=action):
                return call(store, actor, *args, **kwargs)

        return cast(Callable[P, R], run)

    return wrap


def _acting_gen(gen: Generator[T, None, None], actor: Actor, admin: bool, action: str) -> Iterator[T]:
    while True:
        with acting_as(actor, admin=admin, action=action):
            try:
                item = next(gen)
            except StopIteration:
                return
        yield item
