"""Merge contacts: *Merge…* in the panel and the list, and the dialog choosing the surviving values."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from inbox import contacts, merge
from inbox.errors import InboxError, NotFound, PreconditionFailed

from .delete_contact import sentence
from .session import member_callback, member_dialog, require_user
from .text import literal, plain

S = st.session_state
OPEN = "merge.open"  # the contact ids in the open dialog, in the order shown (None: closed)
KEEP = "merge.keep"  # the surviving contact the member chose
SEEN = (
    "merge.seen"  # {ids: {id: version}} as first shown: a change made meanwhile is refused, not merged over
)
ERROR = "merge.error"
OnMerged = Callable[[int, str], None]  # (survivor id, confirmation)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def contact_line(row) -> str:
    """``Lukas Weber · WhatsApp · +49… · #307`` for a list row or a ``Contact`` (plain text: the caller
    escapes it for where it goes)."""
    if not isinstance(row, dict):
        row = {
            **row.values,
            "id": row.id,
            "platform": row.platform,
            "handle": row.handle,
            "display_name": row.display_name,
        }
    full = " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)
    name = full or row.get("display_name") or row["handle"]
    return f"{name} · {contacts.platform_label(row['platform'])} · {row['handle']} · #{row['id']}"


@member_callback
def open_merge(ids: list[int]) -> None:
    """Open the dialog with these contacts (the first one is kept by default)."""
    S.pop("delete.open", None)  # (one dialog at a time)
    S[OPEN] = list(dict.fromkeys(int(i) for i in ids))[: merge.MAX_MERGED + 1]
    S[KEEP] = S[OPEN][0]
    S.pop(ERROR, None)
    S.pop(SEEN, None)


@member_callback
def close_merge() -> None:
    for key in [k for k in S if isinstance(k, str) and k.startswith("merge.")]:
        del S[key]


@member_callback
def _chosen_contacts() -> None:
    picked = [int(i) for i in S.get("merge.contacts") or []]
    S[OPEN] = picked or S.get(OPEN, [])[:1]
    if S.get(KEEP) not in S[OPEN]:
        S[KEEP] = S[OPEN][0]
    S.pop(ERROR, None)


def merge_button(contact) -> None:
    """The panel's *Merge…* button: the dialog opens with this contact kept; the member finds the others."""
    st.button(
        "Merge…",
        icon=":material/merge:",
        key=f"merge.{contact.id}",
        on_click=open_merge,
        args=([contact.id],),
        help="Merge duplicates of this contact into it (conversations move, every identifier is kept)",
    )


def list_merge_button(rows) -> None:
    """The list's *Merge…*: tick contacts of this page, then *Merge selected* opens the dialog."""
    labels = {int(r["id"]): contact_line(r) for r in rows}
    with st.popover("Merge…", icon=":material/merge:"):
        chosen = st.multiselect(
            "Contacts on this page to merge",
            list(labels),
            format_func=lambda i: plain(labels.get(i, f"#{i}")),
            key="merge.list.pick",
            placeholder="Choose two or more",
        )
        st.button(
            "Merge selected",
            key="merge.list.go",
            type="primary",
            disabled=len(chosen) < 2,
            on_click=open_merge,
            args=(chosen,),
        )


@member_callback
def _confirm(store, actor, ids: list[int], keep: int, keys: list[str], on_merged: OnMerged | None) -> None:
    others = [i for i in ids if i != keep]
    choices = {k: int(S[f"merge.pick.{k}"]) for k in keys if S.get(f"merge.pick.{k}") is not None}
    seen = (S.get(SEEN) or {}).get(tuple(sorted(ids)))
    try:
        entry = merge.merge_contacts(store, actor, keep, others, choices=choices, versions=seen)
    except PreconditionFailed as exc:
        S.pop(SEEN, None)  # the dialog shows the latest values; the member reviews them and merges again
        S[ERROR] = f"{sentence(exc)} The values below are the latest: check them, then merge again."
        return
    except InboxError as exc:
        S[ERROR] = sentence(exc)
        return
    message = (
        f"Merged {_plural(len(others), 'contact')} into contact #{keep}: "
        f"{_plural(entry['conversations'], 'conversation')} moved. Merge log entry #{entry['id']}."
    )
    close_merge.__wrapped__()
    if on_merged is not None:
        on_merged(keep, message)


def _values(preview, ids: list[int]) -> list[str]:
    """One radio per attribute whose values differ, the default chosen; returns the attribute keys."""
    if not preview.attributes:
        st.caption("Every attribute has the same value in these contacts, or only the kept one has it.")
        return []
    st.markdown("**Values to keep**")
    st.caption("By default the most recently updated value of each attribute is kept.")
    keys = []
    for attr, cands, default in preview.attributes:
        by_value: dict[str, int] = {}
        for c in cands:
            if c.value is not None and str(c.value).strip():
                by_value.setdefault(merge.value_text(c, attr.type), c.contact_id)
        options = list(by_value.values())
        default_text = merge.value_text(next(c for c in cands if c.contact_id == default), attr.type)
        index = options.index(by_value[default_text]) if default_text in by_value else 0
        text_of = {cid: text for text, cid in by_value.items()}
        key = f"merge.pick.{attr.key}"
        if S.get(key) not in options:
            S.pop(key, None)
        st.radio(
            literal(attr.label),
            options,
            index=index,
            key=key,
            format_func=lambda cid, t=text_of: f"{literal(t[cid])} · :gray[#{cid}]",
        )
        keys.append(attr.key)
    return keys


@st.dialog("Merge contacts", width="large", on_dismiss=close_merge)
def _dialog(store, actor, on_merged: OnMerged | None) -> None:
    member_dialog()
    ids = S.get(OPEN)
    if not ids:  # closed by a button of this dialog: rerun the whole page
        st.rerun()
    query = st.text_input("Find another contact", key="merge.q", placeholder="Name, e-mail, phone or #id")
    found = contacts.search(store, query, page_size=8).rows if query.strip() else []
    labels = {}
    for cid in ids:
        try:
            labels[cid] = contact_line(contacts.get_contact(store, cid))
        except NotFound:
            labels[cid] = f"Contact #{cid} (no longer exists)"
    labels.update({int(r["id"]): contact_line(r) for r in found if int(r["id"]) not in labels})
    S["merge.contacts"] = ids
    st.multiselect(
        "Contacts to merge",
        list(labels),
        format_func=lambda i: plain(labels.get(i, f"#{i}")),
        key="merge.contacts",
        on_change=_chosen_contacts,
        help="Search above, then add the duplicates here.",
    )
    if len(ids) < 2:
        st.info("Find the duplicates of this contact above and add them to the merge.")
        st.button("Cancel", key="merge.cancel", on_click=close_merge)
        return
    keep = st.radio(
        "Contact to keep",
        ids,
        index=ids.index(S.get(KEEP, ids[0])) if S.get(KEEP) in ids else 0,
        format_func=lambda i: literal(labels.get(i, f"#{i}")),
        key="merge.keep.pick",
        on_change=member_callback(lambda: S.update({KEEP: S["merge.keep.pick"]})),
    )
    if error := S.get(ERROR):
        st.error(literal(error))
    try:
        preview = merge.preview(store, actor, keep, [i for i in ids if i != keep])
    except InboxError as exc:
        st.error(literal(sentence(exc)))
        st.button("Close", key="merge.gone", on_click=close_merge)
        return
    S.setdefault(SEEN, {}).setdefault(tuple(sorted(ids)), preview.versions)
    keys = _values(preview, ids)
    moving = sum(n for cid, n in preview.conversations.items() if cid != keep)
    st.warning(
        f"{_plural(len(ids) - 1, 'contact')} will be merged into #{keep} and removed; "
        f"{_plural(moving, 'conversation')} {'moves' if moving == 1 else 'move'} to it. Their handles, "
        "e-mails and phones keep finding the kept contact. A merge cannot be undone.",
        icon=":material/warning:",
    )
    left, right = st.columns(2)
    left.button(
        "Merge",
        type="primary",
        icon=":material/merge:",
        key="merge.confirm",
        width="stretch",
        on_click=_confirm,
        args=(store, actor, ids, keep, keys, on_merged),
    )
    right.button("Cancel", key="merge.cancel", width="stretch", on_click=close_merge)


def merge_dialog(store, *, on_merged: OnMerged | None = None) -> None:
    """Draw the merge dialog when a *Merge…* opened it (call once per page run)."""
    if S.get(OPEN):
        _dialog(store, require_user().actor, on_merged)
