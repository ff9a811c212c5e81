"""The admin's Delete button under the contact's name, with its confirm dialog."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from inbox import deletion
from inbox.errors import InboxError, NotFound

from .session import member_callback, member_dialog
from .text import literal

OPEN = "delete.open"  # the contact whose dialog is open
ERROR = "delete.error"  # (contact id, message) of a refused confirmation
DONE = "delete.done"  # (contact id, confirmation) after a deletion, shown in the dialog until it is closed


def size(n: int) -> str:
    """``n`` bytes for people: 0 bytes, 950 bytes, 12.3 KB, 4.1 MB…"""
    if n < 1000:
        return f"{n:,} byte{'' if n == 1 else 's'}"
    for unit in ("KB", "MB", "GB", "TB"):
        n /= 1000
        if n < 1000 or unit == "TB":
            return f"{n:,.1f} {unit}"
    return f"{n:,.1f} TB"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@member_callback
def _open(contact_id: int) -> None:
    st.session_state[OPEN] = contact_id
    st.session_state.pop(ERROR, None)
    st.session_state.pop(DONE, None)


@member_callback
def _close(contact_id: int | None = None) -> None:
    S = st.session_state
    contact_id = S.pop(OPEN, contact_id)
    S.pop(ERROR, None)
    S.pop(DONE, None)
    for key in (f"delete.hint.{contact_id}", f"delete.reason.{contact_id}"):
        S.pop(key, None)


@member_callback
def _confirm(store, actor, contact_id: int, name: str, on_deleted: Callable[[int], None] | None) -> None:
    """on_click of *Delete permanently*: delete, tell the page (``on_deleted``: it closes the contact) and
    show the confirmation; or keep the dialog open with why."""
    S = st.session_state
    try:
        entry = deletion.delete_contact(
            store,
            actor,
            contact_id,
            hint=S.get(f"delete.hint.{contact_id}", ""),
            reason=S.get(f"delete.reason.{contact_id}") or "",
        )
    except InboxError as exc:
        S[ERROR] = (contact_id, str(exc))
        return
    S.pop(ERROR, None)
    if on_deleted is not None:
        on_deleted(contact_id)
    S[DONE] = (contact_id, f"Deleted {name} (contact #{contact_id}): deletion log entry #{entry['id']}.")


@st.dialog("Delete contact", width="medium", on_dismiss=_close)
def _dialog(store, actor, contact, on_deleted: Callable[[int], None] | None) -> None:
    member_dialog()
    S = st.session_state
    if S.get(OPEN) != contact.id:  # closed by a button of this dialog: rerun the whole page
        st.rerun()
    done = S.get(DONE)
    if done and done[0] == contact.id:
        st.success(literal(done[1]), icon=":material/task_alt:")
        st.caption("Admins find it in Admin settings › Privacy & security › Deleted contacts.")
        st.button("Done", key="delete.close", type="primary", on_click=_close, args=(contact.id,))
        return
    try:
        counts = deletion.manifest(store, actor, contact.id)
    except NotFound:
        st.error("This contact no longer exists (it may have just been deleted by another admin).")
        st.button("Close", key="delete.gone", on_click=_close, args=(contact.id,))
        return
    except InboxError as exc:
        st.error(literal(exc))
        return
    st.markdown(f"**{literal(contact.name)}** · {literal(contact.platform)} · {literal(contact.handle)}")
    st.warning(
        "This permanently deletes the contact and everything it owns:  \n"
        f"**{_plural(counts['conversations'], 'conversation')}**, "
        f"**{_plural(counts['messages'], 'message')}**, "
        f"**{_plural(counts['attachments'], 'attachment')}** ({size(counts['bytes'])}) "
        "and every attribute value.  \n"
        "It cannot be undone. A new message from the same handle will create a new contact.",
        icon=":material/warning:",
    )
    st.text_input(
        "Identity hint",
        key=f"delete.hint.{contact.id}",
        max_chars=deletion.MAX_HINT,
        placeholder="e.g. customer #1234, erasure request of 2026-11-02",
        help="Required. Kept in the deletion log so the request can be traced later without keeping "
        "the person's data. One line, at most 500 characters.",
    )
    st.selectbox(
        "Reason",
        list(deletion.DELETION_REASONS),
        format_func=deletion.DELETION_REASONS.get,
        index=None,
        key=f"delete.reason.{contact.id}",
        placeholder="Choose a reason",
    )
    error = S.get(ERROR)
    if error and error[0] == contact.id:
        st.error(literal(error[1]))
    left, right = st.columns(2)
    left.button(
        "Delete permanently",
        type="primary",
        icon=":material/delete_forever:",
        key="delete.confirm",
        width="stretch",
        on_click=_confirm,
        args=(store, actor, contact.id, contact.name, on_deleted),
    )
    right.button("Cancel", key="delete.cancel", width="stretch", on_click=_close, args=(contact.id,))


def delete_button(store, actor, contact, *, on_deleted: Callable[[int], None] | None = None) -> None:
    """Draw the Delete button for ``contact`` (admins only; nothing for agents). After a deletion the dialog
    calls ``on_deleted(contact_id)``: the page forgets the contact (this module keeps only its own keys)."""
    if actor is None or not actor.is_admin:
        return
    st.button(
        "Delete",
        icon=":material/delete:",
        key=f"delete.{contact.id}",
        on_click=_open,
        args=(contact.id,),
        help="Delete this contact and everything it owns (recorded in the deletion log)",
    )
    if st.session_state.get(OPEN) == contact.id:
        _dialog(store, actor, contact, on_deleted)
