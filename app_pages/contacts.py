"""Inbox › Contacts: look up a contact, read its conversations, edit it in the panel on the right."""

import pandas as pd
import streamlit as st

from inbox import attributes as attrs
from inbox import contacts, workspace
from inbox.errors import Conflict, InboxError, NotFound
from ui.contact_form import attribute_input, conflict_message
from ui.crm_panel import crm_status
from ui.delete_contact import delete_button
from ui.panel import format_value
from ui.session import member_callback, require_user
from ui.text import body, literal, plain, plain_frame

S = st.session_state
PAGE_SIZE = 25


@member_callback
def reset_page() -> None:
    S["contacts.page"] = 1


def discard_kept(contact_id: int, version: int) -> None:
    """Drop the values a lost save put back into the form: it shows the latest saved values again."""
    for key in S.pop(f"contacts.kept.{contact_id}", {}):
        S.pop(f"contacts.v.{contact_id}.{version}.{key}", None)


def forget_contact(contact_id: int) -> None:
    """``on_deleted`` of the Delete dialog: close the contact and forget its form."""
    S.pop("contacts.open", None)
    for key in [
        k
        for k in S
        if isinstance(k, str)
        and (k.startswith("contacts.table.") or k.startswith(f"contacts.loaded.{contact_id}"))
    ]:
        del S[key]  # the list's row selection would otherwise open the contact now in that row


def reload_form(contact_id: int) -> None:
    """``on_refreshed`` of the CRM block: the form shows what it loaded: load the new values and version."""
    S.pop(f"contacts.loaded.{contact_id}", None)


def lookup(store, list_attrs) -> None:
    """The search box, filters, one page of results and paging; a selected row opens its contact."""
    options = contacts.filter_options(store)
    query = st.text_input(
        "Search",
        key="contacts.q",
        on_change=reset_page,
        placeholder="Name, email, phone, account id, external id or handle",
    )
    with st.expander("Filters"):
        platform = st.selectbox(
            "Platform", options["platform"], index=None, key="contacts.platform", on_change=reset_page
        )
        language = st.selectbox(
            "Language",
            options["language"],
            index=None,
            key="contacts.language",
            format_func=contacts.language_filter_label,
            on_change=reset_page,
            help="A language finds its regional variants too: Portuguese finds pt, pt-BR, pt-PT.",
        )
        subscription = st.selectbox(
            "Subscription",
            options["subscription"],
            index=None,
            key="contacts.subscription",
            on_change=reset_page,
        )
        custom = {
            a.key: st.selectbox(
                literal(a.label),
                list(a.options or []),
                index=None,
                format_func=plain,
                key=f"contacts.f.{a.key}",
                on_change=reset_page,
            )
            for a in list_attrs
        }
    page = S.setdefault("contacts.page", 1)
    result = contacts.search(
        store,
        query,
        platform=platform,
        language=language,
        subscription=subscription,
        custom=custom,
        page=page,
        page_size=PAGE_SIZE,
    )
    if not result.rows:
        filtered = query or platform or language or subscription or any(custom.values())
        st.info("No contact matches this search." if filtered else "No contacts yet.")
        return
    first = (page - 1) * PAGE_SIZE + 1
    table = pd.DataFrame(
        [
            {
                "Name": " ".join(p for p in (r["first_name"], r["last_name"]) if p)
                or r["display_name"]
                or r["handle"],
                "Platform": r["platform"],
                "Email": r["email"],
                "Phone": r["phone"],
                "Handle": r["handle"],
                "Updated": r["updated_at"],
            }
            for r in result.rows
        ]
    )
    picked = st.dataframe(
        plain_frame(table),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        height=36 + 35 * min(len(table), 12),
        key=f"contacts.table.{page}.{query}.{platform}.{language}.{subscription}",
    )
    rows = picked.selection.rows
    if rows:
        S["contacts.open"] = int(result.rows[rows[0]]["id"])
    p1, p2 = st.columns(2)
    p1.button(
        "Previous",
        key="contacts.prev",
        disabled=page <= 1,
        width="stretch",
        on_click=member_callback(lambda: S.update({"contacts.page": page - 1})),
    )
    p2.button(
        "Next",
        key="contacts.next",
        disabled=not result.has_next,
        width="stretch",
        on_click=member_callback(lambda: S.update({"contacts.page": page + 1})),
    )
    st.caption(
        f"{first:,}–{first + len(result.rows) - 1:,} of {result.count_text}"
        + (" · exact match" if result.exact else "")
    )


def conversations(store, me, contact) -> None:
    """The contact's conversations: pick one, read its messages, download attachments."""
    found = contacts.conversations(store, contact.id)
    if not found:
        st.info("No conversation with this contact yet.")
        return
    labels = {
        c["id"]: f"{c['last_message_at']:%Y-%m-%d} · {c['status']} · {c['messages']} "
        f"message{'s' if c['messages'] != 1 else ''}"
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
                    f"{literal(att['filename'])} ({att['size_bytes']:,} bytes)",
                    key=f"att.{att['id']}",
                    data=lambda p=att["storage_path"]: contacts.attachment_bytes(store, me.actor, p),
                    file_name=plain(att["filename"]),
                    mime=att["content_type"],
                    icon=":material/attach_file:",
                )


def panel(store, me, contact, enabled) -> None:
    """The contact panel: name, Delete (admins), CRM status, the attribute form and its save."""
    st.subheader(literal(contact.name), anchor=False)  # no "#slug" link made of user text
    st.caption(f"{literal(contact.platform)} · {literal(contact.handle)}")
    if me.role == "admin":
        delete_button(store, me.actor, contact, on_deleted=forget_contact)
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
            st.error(literal(exc))
            st.stop()
        st.rerun()


def render(store) -> None:
    me = require_user()
    st.title("Contacts")
    enabled = attrs.enabled_attributes(store)
    list_attrs = [a for a in enabled if a.type == "list" and not a.builtin]
    left, main, right = st.columns([5, 6, 4], gap="medium")
    with left:
        lookup(store, list_attrs)
    open_id = S.get("contacts.open")
    if open_id is None:
        main.caption("Select a contact to open its conversations and details.")
        return
    try:
        contact = contacts.get_contact(store, open_id)
    except NotFound:
        S.pop("contacts.open", None)
        main.warning("This contact no longer exists.")
        return
    with main:
        conversations(store, me, contact)
    with right:
        panel(store, me, contact, enabled)
