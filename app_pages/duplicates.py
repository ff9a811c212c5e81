"""Inbox › Duplicates: groups of likely duplicate contacts, each opening the merge dialog; the merge log."""

import time

import pandas as pd
import streamlit as st

from inbox import contacts, merge
from inbox.errors import InboxError
from ui.delete_contact import sentence
from ui.merge_contacts import merge_dialog, open_merge
from ui.session import member_callback, require_user
from ui.text import literal, plain, plain_frame

S = st.session_state
PAGE_SIZE = 20
DONE = "duplicates.done"  # the confirmation of the last merge
KINDS = "duplicates.kinds"
SHOWN_PER_GROUP = 5


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _merged(survivor_id: int, confirmation: str) -> None:
    S[DONE] = (survivor_id, confirmation)


def _line(row) -> str:
    full = " ".join(p for p in (row["first_name"], row["last_name"]) if p) or row["display_name"] or ""
    parts = [full, contacts.platform_label(row["platform"]), row["handle"], row["email"], row["phone"]]
    return " · ".join(str(p) for p in parts if p) + f" · #{row['id']} · updated {row['updated_at']:%Y-%m-%d}"


@member_callback
def _page(n: int) -> None:
    S["duplicates.page"] = max(1, n)


def _groups(store, me) -> None:
    kinds = st.multiselect(
        "Match on",
        list(merge.KIND_LABELS),
        default=["email", "phone", "name_account"],
        format_func=merge.KIND_LABELS.get,
        key=KINDS,
        on_change=member_callback(lambda: S.update({"duplicates.page": 1})),
        help="Same name alone is a weaker match: many different people share a name.",
    )
    if not kinds:
        st.info("Choose what duplicates share.")
        return
    page = S.setdefault("duplicates.page", 1)
    started = time.perf_counter()
    groups, total = merge.duplicates(
        store, me.actor, tuple(kinds), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    seconds = time.perf_counter() - started
    st.caption(f"{_plural(total, 'group')} of likely duplicates in the whole workspace · {seconds:.2f} s")
    if not groups:
        st.info("No likely duplicates." if page == 1 else "No more groups.")
    rows = merge.group_contacts(store, [i for g in groups for i in g["ids"][:SHOWN_PER_GROUP]])
    for n, group in enumerate(groups):
        with st.container(border=True):
            head, button = st.columns([5, 1], vertical_alignment="center")
            head.markdown(
                f"**{merge.KIND_LABELS[group['kind']]}**: {literal(group['shown'])} · "
                f"{_plural(group['size'], 'contact')}"
            )
            button.button(
                "Review and merge",
                key=f"duplicates.open.{n}.{group['ids'][0]}",
                on_click=open_merge,
                args=(group["ids"],),
                width="stretch",
            )
            lines = [_line(rows[i]) for i in group["ids"][:SHOWN_PER_GROUP] if i in rows]
            more = group["size"] - len(lines)
            more_line = [f"… and {_plural(more, 'more contact')}"] if more > 0 else []
            st.text("\n".join([plain(line) for line in lines] + more_line))  # each line plain, one per row
    left, right = st.columns(2)
    left.button("Previous", key="duplicates.prev", disabled=page <= 1, on_click=_page, args=(page - 1,))
    right.button(
        "Next",
        key="duplicates.next",
        disabled=page * PAGE_SIZE >= total,
        on_click=_page,
        args=(page + 1,),
    )


def _log(store, me) -> None:
    st.subheader("Merge log", anchor=False)
    st.caption(
        "Who merged which contacts into which, and when. The merged contacts' data is not kept in clear: "
        "only their numbers, platforms, initials and keyed hashes of their identifiers."
    )
    try:
        entries, total = merge.merge_log(store, me.actor, limit=200)
    except InboxError as exc:
        st.error(literal(sentence(exc)))
        return
    if not entries:
        st.info("No merge yet.")
        return
    frame = pd.DataFrame(
        {
            "Entry": [e["id"] for e in entries],
            "Merged at (UTC)": [e["merged_at"].replace("T", " ") for e in entries],
            "By": [e["merged_by"] for e in entries],
            "Kept contact": [f"#{e['survivor_id']}" for e in entries],
            "Merged contacts": [
                ", ".join(f"#{i['id']} {i['platform']} {i['hint'] or ''}".strip() for i in e["identities"])
                for e in entries
            ],
            "Conversations moved": [e["conversations"] for e in entries],
            "Values changed": [", ".join(e["changed_keys"]) or "none" for e in entries],
        }
    )
    st.dataframe(plain_frame(frame), hide_index=True, width="stretch")
    if total > len(entries):
        st.caption(f"The latest {len(entries):,} of {total:,} entries.")


def render(store) -> None:
    me = require_user()
    st.title("Duplicates")
    st.caption(
        "Contacts that share an e-mail address, a phone number, or a name and account ID. Review a group to "
        "merge it: conversations move to the contact you keep and every identifier keeps finding it."
    )
    merge_dialog(store, on_merged=_merged)
    if done := S.get(DONE):
        st.success(literal(done[1]), icon=":material/task_alt:")
        st.markdown(f"[Open contact #{int(done[0])}](/contacts?contact={int(done[0])})")
    _groups(store, me)
    if me.role == "admin":
        _log(store, me)
