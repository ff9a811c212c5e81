"""Guards pinned by behaviour: the member_action decorator applied afresh (mutation tools cannot see what ran
at import), and the wording of attachment write failures by cause."""

from __future__ import annotations

import errno

import pytest

from inbox.auth import member_action, require_member
from inbox.errors import PermissionDenied
from inbox.files import _write_failed
from inbox.models import Actor
from inbox.store.acting import current

from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
members = members_fixture(ADMIN, AGENT)


def test_a_use_case_is_admin_only_unless_it_says_otherwise(store):
    @member_action("do a thing")
    def thing(store, actor, x, *, y=1):
        """Doc of thing."""
        return (actor.email, x, y)

    assert (thing.__name__, thing.__doc__) == ("thing", "Doc of thing.")
    assert thing(store, ADMIN, 2, y=3) == ("admin@example.com", 2, 3)
    with pytest.raises(PermissionDenied, match="only admins can do a thing"):
        thing(store, AGENT, 2)

    @member_action("read a thing", admin=False)
    def read(store, actor):
        return actor.role

    assert read(store, AGENT) == "agent"


def test_a_generator_use_case_is_checked_when_called_and_stays_lazy(store):
    seen, acting_at_each_item = [], []

    @member_action("list things")
    def things(store, actor, n):
        """Doc of things."""
        for i in range(n):
            seen.append(i)
            acting_at_each_item.append(current())  # each store.tx() of an item re-checks this member
            yield i * 10

    assert (things.__name__, things.__doc__) == ("things", "Doc of things.")
    rows = things(store, ADMIN, 3)
    assert seen == []  # nothing read until iterated
    assert list(rows) == [0, 10, 20]
    assert acting_at_each_item == [(ADMIN, True, "list things")] * 3
    with pytest.raises(PermissionDenied, match="only admins can list things"):
        things(store, AGENT, 3)  # refused at the call, before any item


@pytest.mark.parametrize(
    "code, strerror, folder_is_file, why",
    [
        (errno.ENOSPC, "No space", False, "no space left on the device"),
        (errno.EDQUOT, "Quota", False, "no space left on the device"),
        (errno.ENOTDIR, "Not a directory", False, "the attachments folder {root} is a file, not a folder"),
        (errno.EEXIST, "File exists", False, "the attachments folder {root} is a file, not a folder"),
        (errno.EACCES, "Permission denied", True, "the attachments folder {root} is a file, not a folder"),
        (errno.EACCES, "Permission denied", False, "Permission denied"),
        (None, None, False, "plain failure"),
    ],
)
def test_attachment_write_failures_say_why(tmp_path, code, strerror, folder_is_file, why):
    root = tmp_path / "attachments"
    root.write_text("x") if folder_is_file else root.mkdir()
    exc = OSError(code, strerror) if code else OSError("plain failure")
    message = str(_write_failed(root, "a.pdf", exc))
    expected = f"attachment a.pdf could not be stored ({why.format(root=root)}); the message was not stored"
    assert message == expected


@pytest.mark.parametrize("who", [None, "admin@example.com", Actor("v@example.com", "visitor")])
def test_anyone_but_a_member_is_asked_to_sign_in(store, who):
    with pytest.raises(PermissionDenied, match=r"^sign in to read things$"):
        require_member(store, who, admin=False, action="read things")


def test_an_actor_whose_stored_role_is_no_longer_admin_is_refused_admin_actions(store):
    stale = Actor(AGENT.email, "admin")  # e.g. a session captured while the member was an admin
    with pytest.raises(
        PermissionDenied, match=r"^only admins can do things \(agent@example.com is no longer an admin\)$"
    ):
        require_member(store, stale, admin=True, action="do things")
    require_member(store, stale, admin=False, action="read things")  # still a member: reading is fine
