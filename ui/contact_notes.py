"""The contact panel's Notes tab (add, read newest first, delete) and its VIP toggle."""

from __future__ import annotations

import streamlit as st

from inbox import contact_flags, contact_notes
from inbox.errors import InboxError
from inbox.plurals import sentence

from .session import member_callback
from .text import body, literal

S = st.session_state
FLASH = "contacts.notes.flash"  # (contact id, kind, text) shown once in the Notes tab
VIP_ERROR = "contacts.vip.error"


@member_callback
def _add(store, actor, contact_id: int) -> None:
    key = f"contacts.note.new.{contact_id}"
    try:
        contact_notes.add_note(store, actor, contact_id, S.get(key, ""))
    except InboxError as exc:
        S[FLASH] = (contact_id, "error", sentence(exc))
        return
    S[key] = ""
    S[FLASH] = (contact_id, "success", "Note added.")


@member_callback
def _delete(store, actor, contact_id: int, note_id: int) -> None:
    try:
        contact_notes.delete_note(store, actor, note_id)
    except InboxError as exc:
        S[FLASH] = (contact_id, "error", sentence(exc))
        return
    S[FLASH] = (contact_id, "success", "Note deleted.")


def notes_tab(store, me, contact) -> None:
    """Add a note (plain text, up to 2,000 characters), then the notes, newest first, with author and time;
    the author or an admin deletes one."""
    flash = S.get(FLASH)
    if flash and flash[0] == contact.id:
        del S[FLASH]
        if flash[1] == "error":
            st.error(literal(flash[2]))  # (a library message may quote what was typed)
        else:
            st.success(flash[2])
    st.text_area(
        "New note",
        key=f"contacts.note.new.{contact.id}",
        max_chars=contact_notes.MAX_NOTE,
        placeholder="Plain text: what a colleague should know about this contact",
        height=100,
    )
    st.button(
        "Add note",
        key=f"contacts.note.add.{contact.id}",
        icon=":material/note_add:",
        on_click=_add,
        args=(store, me.actor, contact.id),
    )
    found = contact_notes.notes(store, contact.id)
    if not found:
        st.caption("No notes yet.")
        return
    for note in found:
        with st.container(border=True):
            st.caption(f"{literal(note['created_by'])} · {note['created_at']:%Y-%m-%d %H:%M} UTC")
            st.text(body(note["body"]))  # plain text: no Markdown, links or HTML
            if contact_notes.can_delete(me.actor, note):
                st.button(
                    "Delete",
                    key=f"contacts.note.del.{note['id']}",
                    icon=":material/delete:",
                    type="tertiary",
                    on_click=_delete,
                    args=(store, me.actor, contact.id, note["id"]),
                    help="Delete this note (its author or an admin)",
                )


@member_callback
def _vip_changed(store, actor, contact_id: int) -> None:
    try:
        contact_flags.set_vip(store, actor, contact_id, bool(S.get(f"contacts.vip.{contact_id}")))
    except InboxError as exc:
        S[VIP_ERROR] = sentence(exc)


def vip_toggle(store, me, contact) -> None:
    """The VIP switch of the panel's header (agents and admins)."""
    if error := S.pop(VIP_ERROR, None):
        st.error(literal(error))
    key = f"contacts.vip.{contact.id}"
    S[key] = contact_flags.is_vip(store, contact.id)  # as stored (another member may have changed it)
    st.toggle(
        "VIP",
        key=key,
        on_change=_vip_changed,
        args=(store, me.actor, contact.id),
        help="VIP contacts show a badge in the list and are found with the VIP filter or vip:yes.",
    )
