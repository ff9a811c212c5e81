"""Bulk erasure on the Deleted contacts page: upload identifiers, preview the matches, erase, download the
result."""

from __future__ import annotations

import streamlit as st

from inbox import deletion, erasure
from inbox.errors import InboxError

from .session import member_callback
from .text import literal, plain, plain_frame

LINES = "One identifier per line"
PLAN, RESULT, ERROR = "erase.plan", "erase.result", "erase.error"


@member_callback
def _run(store, actor, plan) -> None:
    """on_click of *Erase*: delete the previewed contacts; keep the result (and its file) for download."""
    S = st.session_state
    S.pop(ERROR, None)
    if not S.get("erase.confirm"):
        S[ERROR] = "Tick the confirmation first."
        return
    try:
        S[RESULT] = erasure.execute(
            store, actor, plan, hint=S.get("erase.hint", ""), reason=S.get("erase.reason") or ""
        )
    except InboxError as exc:
        S[ERROR] = str(exc)
        return
    S.pop(PLAN, None)
    S["erase.confirm"] = False


def _show_result(result) -> None:
    s = result.summary
    (st.error if s["contacts_failed"] else st.success)(
        f"Erasure done: {s['contacts_deleted']:,} contacts deleted (one log entry each) · "
        f"{s['deleted']:,} identifiers deleted · {s['deleted_before']:,} deleted earlier · "
        f"{s['not_found']:,} not found · {s['error']:,} errors."
    )
    st.download_button(
        "Download the result file (CSV)",
        data=result.csv(),
        file_name="erasure-result.csv",
        mime="text/csv",
        icon=":material/download:",
        key="erase.result_csv",
        on_click="ignore",
    )
    st.dataframe(plain_frame(result.frame()), hide_index=True, width="stretch", key="erase.result_table")


def bulk_erasure(store, actor) -> None:
    """The Bulk erasure tab: file → preview (reads only) → hint, reason, confirmation → erase → result
    file."""
    S = st.session_state
    st.caption(
        "Upload a file with the identifiers of the people to erase: emails, phone numbers, external ids or "
        "handles (optionally `platform:handle`), one per line — or a CSV file and the column to read. "
        "You see which contacts match before anything is deleted. Each contact gets its own log entry."
    )
    if RESULT in S:
        _show_result(S[RESULT])
        st.button(
            "Start another erasure", key="erase.again", on_click=member_callback(lambda: S.pop(RESULT, None))
        )
        return
    upload = st.file_uploader("Identifiers file", type=["txt", "csv"], key="erase.file", max_upload_size=20)
    if upload is None:
        S.pop(PLAN, None)
        return
    data = upload.getvalue()
    column = None
    if upload.name.lower().endswith(".csv"):
        try:
            columns = erasure.csv_columns(data)
        except InboxError as exc:
            st.error(literal(str(exc)))
            return
        picked = st.selectbox(
            "Read identifiers from",
            [LINES] + columns,
            key="erase.column",
            format_func=plain,
            index=1 if columns else 0,
        )
        column = None if picked == LINES else picked
    key = (upload.file_id, column)
    if S.get(PLAN, (None,))[0] != key:
        try:
            S[PLAN] = (key, erasure.preview(store, actor, erasure.read_identifiers(data, column=column)))
        except InboxError as exc:
            S.pop(PLAN, None)
            st.error(literal(str(exc)))
            return
    plan = S[PLAN][1]
    n = plan.counts()
    st.markdown(
        f"**Preview** · {n['identifiers']:,} identifiers: "
        f"{n['matched']:,} match **{n['contacts']:,} contacts**, "
        f"{n['deleted_before']:,} deleted earlier, {n['not_found']:,} match nothing, "
        f"{n['invalid']:,} invalid."
    )
    st.dataframe(
        plain_frame(plan.frame()), hide_index=True, width="stretch", key="erase.preview_table", height=280
    )
    if not plan.contact_ids:
        before = n["deleted_before"]
        st.info(
            f"Nothing left to erase: {before:,} identifier{'s' if before != 1 else ''} belonged to contacts "
            "erased earlier (their log entries are in the table)."
            if before
            else "No contact matches: nothing to erase."
        )
        st.download_button(
            "Download the preview (CSV)",
            data=plan.csv(),
            file_name="erasure-preview.csv",
            mime="text/csv",
            icon=":material/download:",
            key="erase.preview_csv",
            on_click="ignore",
        )
        return
    st.text_input(
        "Identity hint (recorded with every entry)",
        key="erase.hint",
        max_chars=deletion.MAX_HINT,
        placeholder="e.g. erasure requests batch 2026-11, ticket #4321",
    )
    st.selectbox(
        "Reason",
        list(deletion.DELETION_REASONS),
        format_func=deletion.DELETION_REASONS.get,
        index=None,
        key="erase.reason",
        placeholder="Choose a reason",
    )
    st.checkbox(
        f"I understand that {n['contacts']:,} contacts and everything they own will be permanently deleted",
        key="erase.confirm",
    )
    if S.get(ERROR):
        st.error(literal(S[ERROR]))
    st.button(
        f"Erase {n['contacts']:,} contacts",
        type="primary",
        icon=":material/delete_forever:",
        key="erase.run",
        on_click=_run,
        args=(store, actor, plan),
    )
