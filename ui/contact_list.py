"""The Contacts page's result list: search, filters, Clear filters, chosen columns, a page of rows, paging."""

from __future__ import annotations

import hashlib
from functools import partial

import pandas as pd
import streamlit as st

from inbox import contact_flags, contacts

from .merge_contacts import list_merge_button
from .panel import widget_label
from .session import member_callback
from .text import literal, plain, plain_frame

S = st.session_state
PAGE_SIZE = 25
OPEN = "contacts.open"  # the open contact's id (the page keeps the URL's ?contact= in step with it)
GEN = "contacts.gen"  # bumped when the list must forget its row selection (a deletion)
COLUMNS = "contacts.columns"  # the columns the member chose, remembered for the session
SORT = "contacts.sort"  # the order the member chose, remembered for the session
FILTERS = ("contacts.platform", "contacts.language", "contacts.subscription", "contacts.vip")
VIP_BADGE = "★ VIP"
VIP_CHOICES = {True: "VIP only", False: "Not VIP"}
#: Column → how a result row fills it. "Name" is always first; the others are the member's choice.
CHOICES: dict[str, str] = {
    "VIP": "vip",
    "Platform": "platform",
    "Email": "email",
    "Phone": "phone",
    "Handle": "handle",
    "Language": "language",
    "Subscription": "subscription",
    "Account ID": "account_id",
    "External ID": "external_id",
    "ID": "id",
    "Created": "created_at",
    "Updated": "updated_at",
}
DEFAULT_COLUMNS = ["VIP", "Platform", "Email", "Phone", "Updated"]


def plural(n: int, word: str, many: str | None = None) -> str:
    """``'1 contact'``, ``'2,345 contacts'``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


@member_callback
def reset_page() -> None:
    S["contacts.page"] = 1


@member_callback
def clear_filters(custom_keys: list[str]) -> None:
    """*Clear filters*: the search box and every filter emptied, back to page 1."""
    S["contacts.q"] = ""
    for key in [*FILTERS, *custom_keys]:
        S[key] = None
    S["contacts.page"] = 1


@member_callback
def _remember_columns() -> None:
    S[COLUMNS] = list(S.get("contacts.columns.pick") or [])


@member_callback
def _remember_sort() -> None:
    S[SORT] = S.get("contacts.sort.pick") or "updated"
    S["contacts.page"] = 1


def chosen_columns() -> list[str]:
    return [c for c in S.get(COLUMNS, DEFAULT_COLUMNS) if c in CHOICES]


@member_callback
def _picked(key: str, ids: list[int]) -> None:
    """on_select of the list: a selected row opens its contact; unselecting the open row closes it."""
    rows = (S.get(key) or {}).get("selection", {}).get("rows", [])
    if rows and 0 <= rows[0] < len(ids):
        S[OPEN] = ids[rows[0]]
        S.pop("contacts.deleted", None)
    else:
        S.pop(OPEN, None)


def _cell(row: dict, source: str):
    value = row.get(source)
    if source == "platform":
        return contacts.platform_label(value)
    if source == "language":
        return contacts.language_filter_label(value) if value else None
    if source == "id":
        return f"#{value}"
    if source == "vip":
        return VIP_BADGE if value else None
    if source in ("created_at", "updated_at") and value is not None:
        return f"{value:%Y-%m-%d %H:%M}"
    return value


def _name(row: dict) -> str:
    full = " ".join(p for p in (row["first_name"], row["last_name"]) if p)
    return full or row["display_name"] or row["handle"]


def filters(store, list_attrs) -> dict:
    """The search box and the Filters expander (with *Clear filters*); returns what they hold."""
    options = contacts.filter_options(store)
    query = st.text_input(
        "Search",
        key="contacts.q",
        on_change=reset_page,
        placeholder="Name, email, phone, account ID, external ID or handle; vip:yes",
    )
    custom_keys = [f"contacts.f.{a.key}" for a in list_attrs]
    active = sum(1 for k in [*FILTERS, *custom_keys] if S.get(k) is not None)
    with st.expander(f"Filters ({active} on)" if active else "Filters"):
        chosen = {
            "platform": st.selectbox(
                "Platform",
                options["platform"],
                index=None,
                key="contacts.platform",
                format_func=contacts.platform_label,
                on_change=reset_page,
                placeholder="Any platform",
            ),
            "language": st.selectbox(
                "Language",
                options["language"],
                index=None,
                key="contacts.language",
                format_func=contacts.language_filter_label,
                on_change=reset_page,
                placeholder="Any language",
                help="A language finds its regional variants too: Portuguese finds pt, pt-BR, pt-PT.",
            ),
            "subscription": st.selectbox(
                "Subscription",
                options["subscription"],
                index=None,
                key="contacts.subscription",
                format_func=plain,
                on_change=reset_page,
                placeholder="Any subscription",
            ),
            "vip": st.selectbox(
                "VIP",
                list(VIP_CHOICES),
                index=None,
                key="contacts.vip",
                format_func=VIP_CHOICES.get,
                on_change=reset_page,
                placeholder="Anyone",
                help="Or type vip:yes / vip:no in the search box.",
            ),
        }
        custom = {
            a.key: st.selectbox(
                widget_label(a.label),
                list(a.options or []),
                index=None,
                format_func=plain,
                key=f"contacts.f.{a.key}",
                on_change=reset_page,
                placeholder="Any value",
            )
            for a in list_attrs
        }
    return {"query": query, **chosen, "custom": custom, "active": active, "custom_keys": custom_keys}


def result_list(store, list_attrs, *, wide: bool) -> None:
    """Filters, one page of results (the open contact's row selected) and paging; a row opens its contact."""
    f = filters(store, list_attrs)
    page = S.setdefault("contacts.page", 1)
    result = contacts.search(
        store,
        f["query"],
        platform=f["platform"],
        language=f["language"],
        subscription=f["subscription"],
        custom=f["custom"],
        vip=f["vip"],
        page=page,
        page_size=PAGE_SIZE,
        order=S.get(SORT, "updated"),
    )
    with st.container(horizontal=True):
        st.button(
            "Clear filters",
            key="contacts.clear",
            icon=":material/filter_alt_off:",
            disabled=not (f["query"] or f["active"]),
            on_click=clear_filters,
            args=(f["custom_keys"],),
        )
        sorts = list(contacts.SORTS)
        st.selectbox(
            "Sort by",
            sorts,
            index=sorts.index(S.get(SORT, "updated")),
            format_func=contacts.SORTS.get,
            key="contacts.sort.pick",
            on_change=_remember_sort,
            label_visibility="collapsed",
            width=200,
        )
        list_merge_button(result.rows)
        with st.popover("Columns", icon=":material/view_column:"):
            st.multiselect(
                "Columns after the name, in this order",
                list(CHOICES),
                default=chosen_columns(),
                key="contacts.columns.pick",
                on_change=_remember_columns,
                help="Remembered until you sign out, like the order of the list.",
            )
    if not result.rows:
        problem = contacts.identifier_problem(store, f["query"]) if f["query"] else None
        if problem:
            st.warning(f"“{literal(f['query'].strip())}” is {problem}.")
        else:
            filtered = f["query"] or f["active"]
            st.info("No contact matches this search." if filtered else "No contacts yet.")
        return
    columns = chosen_columns()
    vips = contact_flags.vip_ids(store, [r["id"] for r in result.rows]) if "VIP" in columns else set()
    result_rows = [{**r, "vip": r["id"] in vips} for r in result.rows]
    table = pd.DataFrame(
        [{"Name": _name(r), **{c: _cell(r, CHOICES[c]) for c in columns}} for r in result_rows],
        columns=["Name", *columns],
    )
    ids = [int(r["id"]) for r in result.rows]
    open_id = S.get(OPEN)
    # A new list (new key) whenever its rows, the open contact or the columns change: a selection is a row
    # position, so a kept one would tick whichever contact now sits in that row (issue 14: after a
    # deletion, the other "Lukas Weber" moved up into the ticked row and opened).
    state = repr((S.get(GEN, 0), ids, open_id, columns))
    key = "contacts.table." + hashlib.sha1(state.encode()).hexdigest()[:16]
    selected = [ids.index(open_id)] if open_id in ids else []
    picked = st.dataframe(
        plain_frame(table),
        hide_index=True,
        width="stretch",
        on_select=partial(_picked, key, ids),
        selection_mode="single-row",
        selection_default={"selection": {"rows": selected}} if selected else None,
        placeholder="",
        height=36 + 35 * min(len(table), 15 if wide else 12),
        key=key,
    )
    rows = picked.selection.rows  # the callback has acted on a click already; AppTest sets the state only
    if (ids[rows[0]] if rows else None) != (open_id if selected else None):
        _picked.__wrapped__(key, ids)
        st.rerun()
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
    first = (page - 1) * PAGE_SIZE + 1
    if result.total == 1 and not result.more:
        shown = "1 contact"
    else:
        shown = f"{first:,}–{first + len(result.rows) - 1:,} of {result.count_text} contacts"
    st.caption(shown + (" · exact match" if result.exact else ""))
