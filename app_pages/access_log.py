"""Admin settings › Privacy & security › Access log: contact exports and contact data downloads."""

import pandas as pd
import streamlit as st

from inbox import access_log
from inbox.plurals import counted
from ui.session import require_admin
from ui.text import plain_frame

LIMIT = 500


def render(store) -> None:
    me = require_admin("the access log")  # (the router lists it for admins only; inbox/ checks again)
    st.title("Access log")
    st.caption(
        "Every export of contacts (the search and filters, the format, how many rows) and every download "
        "of one contact's data (a data-subject access request) is recorded here, with who and when. "
        "Times are UTC."
    )
    kind = st.segmented_control(
        "Show",
        list(access_log.KINDS),
        format_func=access_log.KINDS.get,
        key="access.kind",
        selection_mode="single",
    )
    found = access_log.entries(store, me.actor, kind=kind, limit=LIMIT)
    if not found:
        st.info("Nothing exported or downloaded yet." if not kind else "No such access yet.")
        return
    table = pd.DataFrame(
        {
            "Entry": [e["id"] for e in found],
            "When (UTC)": [e["accessed_at"] for e in found],
            "Who": [e["actor"] for e in found],
            "What": [access_log.KINDS.get(e["kind"], e["kind"]) for e in found],
            "Format": [access_log.FORMATS.get(e["format"], e["format"]) for e in found],
            "Search, filters or contact": [e["what"] for e in found],
            "Rows": [e["row_count"] for e in found],
        }
    )
    st.dataframe(
        plain_frame(table),
        hide_index=True,
        width="stretch",
        key="access.table",
        column_config={"When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
    )
    shown = counted(len(found), "entry", "entries")
    st.caption(f"The newest {shown}, newest first." if len(found) == LIMIT else f"{shown}, newest first.")
