"""*New contact* on the Contacts list: a dialog with the enabled attributes, the panel's validation messages
beside each field, and the contact that already has the e-mail, phone, external id or handle (to open it)."""

from __future__ import annotations

import streamlit as st

from inbox import contacts, workspace
from inbox.contact_create import DuplicateContact, create_contact
from inbox.contacts import PLATFORM_LABELS, platform_label
from inbox.errors import ContactInvalid, InboxError, NotFound
from inbox.plurals import sentence

from .contact_form import attribute_input
from .contact_list import OPEN as CONTACT_OPEN
from .session import member_callback, member_dialog
from .text import literal

S = st.session_state
DIALOG = "contacts.new.open"  # whether the dialog is open
GEN = "contacts.new.gen"  # bumped on each opening: a fresh, empty form
ERRORS = "contacts.new.errors"  # field key → reason (or "" → a message without a field)
DUPLICATE = "contacts.new.duplicate"  # (contact id, name, what) of the contact that has the identity
SPECIAL_LABELS = {"platform": "Platform", "handle": "Handle", "display_name": "Display name"}


def _field(name: str) -> str:
    return f"contacts.new.{S.get(GEN, 0)}.{name}"


@member_callback
def _open() -> None:
    S[DIALOG] = True
    S[GEN] = S.get(GEN, 0) + 1
    S.pop(ERRORS, None)
    S.pop(DUPLICATE, None)


@member_callback
def _close() -> None:
    S.pop(DIALOG, None)
    S.pop(ERRORS, None)
    S.pop(DUPLICATE, None)


@member_callback
def _open_contact(contact_id: int) -> None:
    _close.__wrapped__()
    S[CONTACT_OPEN] = contact_id
    S.pop("contacts.deleted", None)


@member_callback
def _create(store, actor, enabled) -> None:
    """on_click of *Create contact*: create it and open it; or keep the dialog with why."""
    S.pop(ERRORS, None)
    S.pop(DUPLICATE, None)
    values = {a.key: S.get(_field(a.key)) for a in enabled if not a.crm_managed}
    values = {k: v for k, v in values.items() if v not in (None, "")}
    try:
        created = create_contact(
            store,
            actor,
            values,
            platform=S.get(_field("platform")),
            handle=S.get(_field("handle")) or None,
            display_name=S.get(_field("display_name")) or None,
            default_region=workspace.default_region(store),
        )
    except DuplicateContact as exc:
        try:
            name = contacts.get_contact(store, exc.contact_id).name
        except NotFound:
            name = f"contact #{exc.contact_id}"
        S[DUPLICATE] = (exc.contact_id, name, sentence(exc))
        return
    except ContactInvalid as exc:
        S[ERRORS] = dict(exc.by_key)
        return
    except InboxError as exc:
        S[ERRORS] = {"": sentence(exc)}
        return
    _close.__wrapped__()
    S[CONTACT_OPEN] = created.id
    S.pop("contacts.deleted", None)
    S["contacts.toast"] = f"Created {created.name} (contact #{created.id})."


@st.dialog("New contact", width="medium", on_dismiss=_close)
def _dialog(store, actor, enabled) -> None:
    member_dialog()
    if not S.get(DIALOG):  # closed by a button of this dialog: rerun the whole page
        st.rerun()
    errors = S.get(ERRORS, {})
    st.caption(
        "A contact needs an email, a phone, or a platform and handle. Values are checked as in the panel."
    )
    for a in enabled:
        if not a.crm_managed:
            attribute_input(a, None, key=_field(a.key), error=errors.get(a.key))
    with st.expander("Platform and handle", expanded=bool({"platform", "handle"} & set(errors))):
        st.selectbox(
            "Platform",
            list(PLATFORM_LABELS),
            index=None,
            format_func=platform_label,
            key=_field("platform"),
            placeholder="From the email or phone",
        )
        st.text_input("Handle", key=_field("handle"), placeholder="@name, page id, number…")
        st.text_input("Display name", key=_field("display_name"))
        for key, label in SPECIAL_LABELS.items():
            if errors.get(key):
                st.error(f"{label}: {literal(errors[key])}.")
    if errors.get(""):
        st.error(literal(errors[""]))
    if duplicate := S.get(DUPLICATE):
        contact_id, name, why = duplicate
        st.warning(f"Not created: {literal(why)}", icon=":material/group:")
        st.markdown(f"**{literal(name)}** · contact #{contact_id}")
        st.button(
            "Open this contact",
            key="contacts.new.open_existing",
            icon=":material/open_in_new:",
            on_click=_open_contact,
            args=(contact_id,),
        )
    left, right = st.columns(2)
    left.button(
        "Create contact",
        type="primary",
        key="contacts.new.create",
        width="stretch",
        on_click=_create,
        args=(store, actor, enabled),
    )
    right.button("Cancel", key="contacts.new.cancel", width="stretch", on_click=_close)


def new_contact_button(store, me, enabled) -> None:
    """The *New contact* button (agents and admins) and, once pressed, its dialog."""
    if me.role not in ("admin", "agent"):
        return
    st.button("New contact", icon=":material/person_add:", key="contacts.new", on_click=_open)
    if S.get(DIALOG):
        _dialog(store, me.actor, enabled)
