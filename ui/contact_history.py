"""The History tab of the contact panel: every change of a value — who or what, when, old → new — paged."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from inbox import history

from .text import plain_frame

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
    frame = pd.DataFrame(
        {
            "When (UTC)": [r.changed_at for r in shown],
            "Who": [r.who for r in shown],
            "Attribute": [r.attribute for r in shown],
            "Change": [f"{r.old} → {r.new}" for r in shown],
        }
    )
    st.dataframe(
        plain_frame(frame),
        hide_index=True,
        width="stretch",
        column_config={"When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
        key=f"history.table.{contact.id}",
    )
    total = history.count(store, contact.id)
    st.caption(
        f"{len(shown):,} of {total:,} change{'' if total == 1 else 's'}, newest first."
        " Values removed by automatic clearing show as (cleared): they cannot be restored."
    )
    if more:
        st.button("Show older changes", key=f"history.more.{contact.id}", on_click=_more, args=(contact.id,))
