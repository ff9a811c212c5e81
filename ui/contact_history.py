"""The History tab of the contact panel: every change of a value — who or what, when, old → new — paged."""

from __future__ import annotations

import streamlit as st

from inbox import history

from .text import literal

S = st.session_state


def _more(contact_id: int) -> None:
    S[f"history.pages.{contact_id}"] = S.get(f"history.pages.{contact_id}", 1) + 1


def history_tab(store, me, contact) -> None:
    """The contact's value history, newest first, ``history.PAGE`` rows at a time (*Show older changes*)."""
    pages = S.get(f"history.pages.{contact.id}", 1)
    rows = history.changes(store, contact.id, limit=pages * history.PAGE + 1)
    if not rows:
        st.caption(
            "No change recorded yet. Every change of a value will show here: who made it, when, old → new."
        )
        return
    shown, more = rows[: pages * history.PAGE], len(rows) > pages * history.PAGE
    for change in shown:  # a narrow panel: one short block per change, every text shown as typed
        with st.container(border=True, key=f"history.row.{contact.id}.{change.id}"):
            # (a member-typed label is never bold: no <strong> around text a member typed, as everywhere)
            st.markdown(f":gray[{literal(change.attribute)}]: {literal(change.old)} → {literal(change.new)}")
            st.caption(f"{literal(change.who)} · {change.changed_at:%Y-%m-%d %H:%M} UTC")
    total = history.count(store, contact.id)
    st.caption(
        f"{len(shown):,} of {total:,} change{'' if total == 1 else 's'}, newest first."
        " Values removed by automatic clearing show as (cleared): they cannot be restored."
    )
    if more:
        st.button("Show older changes", key=f"history.more.{contact.id}", on_click=_more, args=(contact.id,))
