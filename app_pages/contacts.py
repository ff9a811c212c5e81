"""Inbox › Contacts: look up a contact, read its conversations, edit it in the panel on the right."""

import streamlit as st

from inbox import attributes as attrs
from inbox import contacts, workspace
from inbox.errors import Conflict, InboxError, NotFound
from ui.contact_export import export_menu
from ui.contact_form import attribute_input, conflict_message
from ui.contact_history import history_tab
from ui.contact_list import GEN, OPEN, plural, result_list
from ui.contact_notes import notes_tab, vip_toggle
from ui.crm_panel import crm_status
from ui.delete_contact import delete_button, sentence, size
from ui.merge_contacts import merge_button, merge_dialog
from ui.new_contact import new_contact_button
from ui.panel import format_value, widget_label
from ui.session import member_callback, require_user
from ui.subject_export import download_data_button
from ui.text import body, literal, plain

S = st.session_state
SIDE = "contacts.side"  # whether the list stays beside an open contact (remembered for the session)
URL_SEEN = "contacts.url"  # the ?contact= value of the URL as the page last saw it
TOAST = "contacts.toast"  # shown once as a toast on the next run
DELETED = "contacts.deleted"  # the confirmation of the last deletion, shown until another contact opens


def discard_kept(contact_id: int, version: int) -> None:
    """Drop the values a lost save put back into the form: it shows the latest saved values again."""
    for key in S.pop(f"contacts.kept.{contact_id}", {}):
        S.pop(f"contacts.v.{contact_id}.{version}.{key}", None)


def forget_contact(contact_id: int, confirmation: str) -> None:
    """``on_deleted`` of the Delete dialog: nothing is open or selected any more; the page says what was
    deleted and its log entry number."""
    S.pop(OPEN, None)
    S[GEN] = S.get(GEN, 0) + 1  # a new, unselected list: no other row may inherit the deleted one's tick
    for key in [k for k in S if isinstance(k, str) and k.startswith(f"contacts.loaded.{contact_id}")]:
        del S[key]
    S[DELETED] = confirmation
    S[TOAST] = confirmation


def merged(survivor_id: int, confirmation: str) -> None:
    """``on_merged`` of the Merge dialog: the kept contact opens with its new values, the list forgets its
    selection (merged rows are gone) and the page says what was merged."""
    S[OPEN] = survivor_id
    S[GEN] = S.get(GEN, 0) + 1
    S.pop(f"contacts.loaded.{survivor_id}", None)
    S.pop(DELETED, None)
    S[TOAST] = confirmation


def reload_form(contact_id: int) -> None:
    """``on_refreshed`` of the CRM block: the form shows what it loaded: load the new values and version."""
    S.pop(f"contacts.loaded.{contact_id}", None)


@member_callback
def close_contact() -> None:
    S.pop(OPEN, None)


def sync_url() -> str | None:
    """Keep the open contact and ``?contact=<id>`` in step; returns a problem with the URL, if any.

    A URL the page did not write (a deep link, a bookmark, the browser's Back or Forward) opens its contact;
    a contact opened or closed on the page writes the URL, which Streamlit pushes as a new history entry
    (``st.query_params`` → ``history.pushState``; on Back/Forward it replaces instead), so Back returns to
    the contact before."""
    url = st.query_params.get("contact")
    if url != S.get(URL_SEEN, None):  # changed by the browser
        S[URL_SEEN] = url
        if url is None:
            S.pop(OPEN, None)
        elif url.strip().isdigit() and len(url.strip()) <= 18:
            if S.get(OPEN) != int(url):
                S[OPEN] = int(url)
                S.pop(DELETED, None)
        else:
            S.pop(OPEN, None)
            return "This link does not point to a contact: its contact number is not valid."
        return None
    open_id = S.get(OPEN)
    wanted = None if open_id is None else str(open_id)
    if wanted != url:  # changed on the page
        if wanted is None:
            del st.query_params["contact"]
        else:
            st.query_params["contact"] = wanted
        S[URL_SEEN] = wanted
    return None


def conversations(store, me, contact) -> None:
    """The contact's conversations: pick one, read its messages, download attachments."""
    found = contacts.conversations(store, contact.id)
    if not found:
        st.info("No conversation with this contact yet.")
        return
    labels = {
        c["id"]: f"{c['last_message_at']:%Y-%m-%d} · {str(c['status']).capitalize()} · "
        f"{plural(c['messages'], 'message')}"
        for c in found
    }
    chosen = st.selectbox(
        "Conversation", list(labels), format_func=labels.get, key=f"contacts.conv.{contact.id}"
    )
    thread = contacts.thread(store, chosen)
    for message in thread["messages"]:
        role = "user" if message["direction"] == "inbound" else "assistant"
        with st.chat_message(role):
            st.caption(f"{literal(message['author'] or contact.name)} · {message['sent_at']:%Y-%m-%d %H:%M}")
            st.text(body(message["body"]))  # plain text: no Markdown, no links, no images
            for att in thread["attachments"].get(message["id"], []):
                st.download_button(
                    f"{widget_label(att['filename'])} ({size(att['size_bytes'])})",
                    key=f"att.{att['id']}",
                    data=lambda p=att["storage_path"]: contacts.attachment_bytes(store, me.actor, p),
                    file_name=plain(att["filename"]),
                    mime=att["content_type"],
                    icon=":material/attach_file:",
                )


def panel(store, me, contact, enabled) -> None:
    """The contact panel: name, Merge, Delete and Download data (admins), VIP, then the tabs Details (CRM
    status, the attribute form and its save), Notes and History."""
    st.subheader(literal(contact.name), anchor=False)  # no "#slug" link made of user text
    st.caption(
        f"{literal(contacts.platform_label(contact.platform))} · {literal(contact.handle)}"
        f" · contact #{contact.id}"
    )
    with st.container(horizontal=True):
        merge_button(contact)
        if me.role == "admin":
            delete_button(store, me.actor, contact, on_deleted=forget_contact)
            download_data_button(store, me, contact)
    vip_toggle(store, me, contact)
    details, notes, history = st.tabs(["Details", "Notes", "History"], key=f"contacts.tabs.{contact.id}")
    with details:
        details_tab(store, me, contact, enabled)
    with notes:
        notes_tab(store, me, contact)
    with history:
        history_tab(store, me, contact)


def details_tab(store, me, contact, enabled) -> None:
    """The panel's Details tab: CRM status, the attribute form and its save."""
    crm_status(store, me.actor, contact, on_refreshed=reload_form)
    errors = S.pop(f"contacts.errors.{contact.id}", {})
    if flash := S.pop("contacts.flash", None):
        st.success(flash)
    if conflict := S.pop("contacts.conflict", None):
        st.error(conflict)
    # The form edits what the agent loaded (version + values), so a concurrent save is detected; the
    # values a lost save had typed are put back over the latest ones ("kept") until saved or discarded.
    loaded_version, loaded = S.setdefault(f"contacts.loaded.{contact.id}", (contact.version, contact.values))
    kept = S.get(f"contacts.kept.{contact.id}", {})
    with st.form(f"contacts.edit.{contact.id}.{loaded_version}", border=False):
        entered = {
            a.key: attribute_input(
                a,
                kept.get(a.key, loaded.get(a.key)),
                key=f"contacts.v.{contact.id}.{loaded_version}.{a.key}",
                error=errors.get(a.key),
            )
            for a in enabled
        }
        saved = st.form_submit_button("Save", type="primary")
    if kept:
        st.button(
            "Discard my values",
            key=f"contacts.discard.{contact.id}",
            on_click=discard_kept,
            args=(contact.id, loaded_version),
        )
    st.caption(f"Updated {contact.updated_at:%Y-%m-%d %H:%M} UTC by {literal(contact.updated_by)}")
    if saved:
        changed = {
            a.key: entered[a.key]
            for a in enabled
            if not a.crm_managed
            and format_value(entered[a.key], a.type) != format_value(loaded.get(a.key), a.type)
        }
        try:
            contacts.update_values(
                store,
                me.actor,
                contact.id,
                loaded_version,
                changed,
                default_region=workspace.default_region(store),
            )
            S["contacts.flash"] = "Saved." if changed else "Nothing changed."
            S.pop(f"contacts.loaded.{contact.id}")
            S.pop(f"contacts.kept.{contact.id}", None)
        except contacts.ContactInvalid as exc:
            S[f"contacts.errors.{contact.id}"] = exc.by_key
        except Conflict as exc:  # load the latest version, put the agent's values back over it, say so
            S.pop(f"contacts.loaded.{contact.id}")
            try:
                latest = contacts.get_contact(store, contact.id).values
            except NotFound:  # deleted meanwhile: the next run says so
                latest = {}
            S[f"contacts.kept.{contact.id}"] = changed
            S["contacts.conflict"] = conflict_message(exc, changed, latest, enabled)
        except InboxError as exc:
            st.error(literal(sentence(exc)))
            st.stop()
        st.rerun()


def render(store) -> None:
    me = require_user()
    st.title("Contacts")
    problem = sync_url()
    enabled = attrs.enabled_attributes(store)
    list_attrs = [a for a in enabled if a.type == "list" and not a.builtin]
    new_contact_button(store, me, enabled)
    if problem:
        st.warning(problem)
    merge_dialog(store, on_merged=merged)
    if toast := S.pop(TOAST, None):
        st.toast(literal(toast), icon=":material/task_alt:")
    if confirmation := S.get(DELETED):
        st.success(literal(confirmation), icon=":material/task_alt:")
        st.caption("Admins find it in Admin settings › Privacy & security › Deleted contacts.")
    open_id = S.get(OPEN)
    contact = None
    if open_id is not None:
        try:
            contact = contacts.get_contact(store, open_id)
        except NotFound:
            st.warning(f"Contact #{open_id} no longer exists (it may have been deleted).")
    if contact is None:  # the list takes the whole width
        export_menu(store, me, list_attrs)
        result_list(store, list_attrs, wide=True)
        if not S.get(DELETED):
            st.caption("Select a contact to open its conversations and details.")
        return
    bar = st.columns([2, 3, 7], vertical_alignment="center")
    bar[0].button("All contacts", icon=":material/arrow_back:", key="contacts.close", on_click=close_contact)
    side = bar[1].toggle(
        "Show the list",
        value=S.get(SIDE, True),
        key="contacts.side.pick",
        on_change=member_callback(lambda: S.update({SIDE: S["contacts.side.pick"]})),
    )
    if side:
        left, main, right = st.columns([5, 6, 4], gap="medium")
        with left:
            result_list(store, list_attrs, wide=False)
    else:
        main, right = st.columns([7, 5], gap="medium")
    with main:
        conversations(store, me, contact)
    with right:
        panel(store, me, contact, enabled)
