"""The admin's Delete button under the contact's name, with its confirm dialog."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from inbox import deletion
from inbox.contacts import platform_label
from inbox.errors import InboxError, NotFound

from .session import member_callback, member_dialog
from .text import literal

OPEN = "delete.open"  # the contact whose dialog is open
ERROR = "delete.error"  # (contact id, [messages]) of a refused confirmation
HINT_EXAMPLE = "customer #1234, erasure request of 2026-11-02"


def sentence(text: object) -> str:
    """A library message (``the identity hint is required``) as a sentence: capital first, full stop."""
    text = str(text).strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def deleted_message(name: str, contact_id: int, entry_id: int) -> str:
    """The confirmation the page shows after a deletion."""
    return f"Deleted {name} (contact #{contact_id}). Deletion log entry #{entry_id}."


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


@member_callback
def _close(contact_id: int | None = None) -> None:
    S = st.session_state
    contact_id = S.pop(OPEN, contact_id)
    S.pop(ERROR, None)
    for key in (f"delete.hint.{contact_id}", f"delete.reason.{contact_id}"):
        S.pop(key, None)


def _missing(hint: str, reason: str | None) -> list[str]:
    """What the form still needs, one message per field, in words (the library checks again)."""
    problems = []
    if not hint.strip():
        problems.append(f"Enter an identity hint, for example “{HINT_EXAMPLE}”.")
    if not reason:
        problems.append("Choose a reason.")
    return problems


@member_callback
def _confirm(store, actor, contact_id: int, name: str, on_deleted: Callable[[int, str], None] | None) -> None:
    """on_click of *Delete permanently*: delete, close the dialog and tell the page (``on_deleted(contact_id,
    confirmation)``: it closes the contact and shows the confirmation); or keep the dialog open with why."""
    S = st.session_state
    hint, reason = S.get(f"delete.hint.{contact_id}") or "", S.get(f"delete.reason.{contact_id}")
    if problems := _missing(hint, reason):
        S[ERROR] = (contact_id, problems)
        return
    try:
        entry = deletion.delete_contact(store, actor, contact_id, hint=hint, reason=reason or "")
    except InboxError as exc:
        S[ERROR] = (contact_id, [sentence(exc)])
        return
    message = deleted_message(name, contact_id, int(entry["id"]))
    _close(contact_id)  # the dialog (a fragment) sees it is closed and reruns the whole page
    if on_deleted is not None:  # (a callback of a fragment run must draw nothing: the page shows it)
        on_deleted(contact_id, message)


@st.dialog("Delete contact", width="medium", on_dismiss=_close)
def _dialog(store, actor, contact, on_deleted: Callable[[int, str], None] | None) -> None:
    member_dialog()
    S = st.session_state
    if S.get(OPEN) != contact.id:  # closed by a button of this dialog: rerun the whole page
        st.rerun()
    try:
        counts = deletion.manifest(store, actor, contact.id)
    except NotFound:
        st.error("This contact no longer exists (it may have just been deleted by another admin).")
        st.button("Close", key="delete.gone", on_click=_close, args=(contact.id,))
        return
    except InboxError as exc:
        st.error(literal(sentence(exc)))
        return
    st.markdown(
        f"**{literal(contact.name)}** · contact #{contact.id} · {literal(platform_label(contact.platform))}"
        f" · {literal(contact.handle)}"
    )
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
        placeholder=f"For example: {HINT_EXAMPLE}",
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
        for problem in error[1]:
            st.error(literal(problem))
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


def delete_button(store, actor, contact, *, on_deleted: Callable[[int, str], None] | None = None) -> None:
    """Draw the Delete button for ``contact`` (admins only; nothing for agents). After a deletion the dialog
    closes and calls ``on_deleted(contact_id, confirmation)``: the page forgets the contact and shows the
    confirmation (this module keeps only its own keys)."""
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
