"""Bulk erasure on the Deleted contacts page: upload identifiers, preview the matches, erase, download the
result."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from inbox import deletion, erasure
from inbox.errors import InboxError
from inbox.plurals import counted, sentence

from .session import member_callback
from .text import literal, plain, plain_frame

LINES = "One identifier per line"
PLAN, RESULT, ERROR, GEN = "erase.plan", "erase.result", "erase.error", "erase.gen"
STATUS = {
    "match": "Matches",
    "deleted_before": "Deleted earlier",
    "not_found": "Not found",
    "invalid": "Invalid",
}
OUTCOME = {
    "deleted": "Deleted",
    "deleted_before": "Deleted earlier",
    "not_found": "Not found",
    "error": "Error",
}
MATCHED = {"email": "Email", "phone": "Phone", "handle": "Handle", "external_id": "External ID"}
RESULT_HEADERS = {
    "line": "Line",
    "identifier": "Identifier",
    "outcome": "Outcome",
    "contact_ids": "Contacts",
    "log_entries": "Log entries",
    "detail": "Detail",
}


def uploader_key() -> str:
    """The identifiers file's widget key: a new one after *Cancel* or *Start another erasure* empties it."""
    return f"erase.file.{st.session_state.get(GEN, 0)}"


def _start_over() -> None:
    """*Cancel* / *Start another erasure*: forget the file, the preview, the result and the inputs."""
    S = st.session_state
    for key in (PLAN, RESULT, ERROR, "erase.hint", "erase.reason", "erase.column"):
        S.pop(key, None)
    S["erase.confirm"] = False
    S[GEN] = S.get(GEN, 0) + 1


def result_frame(result) -> pd.DataFrame:
    """The result file as shown on screen: human headers and outcomes (the CSV keeps its column names)."""
    frame = result.frame()
    frame["outcome"] = frame["outcome"].map(lambda o: OUTCOME.get(o, o))
    frame["detail"] = frame["detail"].map(lambda d: d[:1].upper() + d[1:] if isinstance(d, str) else d)
    return frame.rename(columns=RESULT_HEADERS)


def preview_frame(plan) -> pd.DataFrame:
    """The preview with its statuses capitalised (``Not found``)."""
    frame = plan.frame()
    frame["Status"] = frame["Status"].map(lambda v: v[:1].upper() + v[1:] if isinstance(v, str) else v)
    frame["Matched by"] = frame["Matched by"].map(
        lambda v: ", ".join(MATCHED.get(k, k) for k in v.split(", ")) if isinstance(v, str) and v else v
    )
    return frame


@member_callback
def _run(store, actor, plan) -> None:
    """on_click of *Erase*: delete the previewed contacts; keep the result (and its file) for download."""
    S = st.session_state
    S.pop(ERROR, None)
    if not (S.get("erase.hint") or "").strip():
        S[ERROR] = "Type an identity hint first (e.g. the ticket of the erasure request)."
        return
    if not S.get("erase.reason"):
        S[ERROR] = "Choose a reason."
        return
    if not S.get("erase.confirm"):
        S[ERROR] = "Tick the confirmation first."
        return
    try:
        S[RESULT] = erasure.execute(
            store, actor, plan, hint=S.get("erase.hint", ""), reason=S["erase.reason"]
        )
    except InboxError as exc:
        S[ERROR] = sentence(exc)
        return
    S.pop(PLAN, None)
    S["erase.confirm"] = False
    S["erase.toast"] = f"Erased {counted(S[RESULT].summary['contacts_deleted'], 'contact')}."


def _show_result(result) -> None:
    s = result.summary
    (st.error if s["contacts_failed"] else st.success)(
        f"Erasure done: {counted(s['contacts_deleted'], 'contact')} deleted (one log entry each). "
        f"Identifiers: {s['deleted']:,} deleted · {s['deleted_before']:,} deleted earlier · "
        f"{s['not_found']:,} not found · {counted(s['error'], 'error')}."
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
    st.dataframe(
        plain_frame(result_frame(result)), hide_index=True, width="stretch", key="erase.result_table"
    )


def bulk_erasure(store, actor) -> None:
    """The Bulk erasure tab: file → preview (reads only) → hint, reason, confirmation → erase → result
    file."""
    S = st.session_state
    st.caption(
        "Upload a file with the identifiers of the people to erase: emails, phone numbers, external ids or "
        "handles (optionally `platform:handle`), one per line — or a CSV file and the column to read. "
        "You see which contacts match before anything is deleted. Each contact gets its own log entry."
    )
    if toast := S.pop("erase.toast", None):
        st.toast(toast, icon=":material/delete_forever:")
    if RESULT in S:
        _show_result(S[RESULT])
        st.button("Start another erasure", key="erase.again", on_click=member_callback(_start_over))
        return
    upload = st.file_uploader("Identifiers file", type=["txt", "csv"], key=uploader_key(), max_upload_size=20)
    if upload is None:
        S.pop(PLAN, None)
        return
    data = upload.getvalue()
    column = None
    if upload.name.lower().endswith(".csv"):
        try:
            columns = erasure.csv_columns(data)
        except InboxError as exc:
            st.error(literal(sentence(exc)))
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
            st.error(literal(sentence(exc)))
            return
    plan = S[PLAN][1]
    n = plan.counts()
    st.markdown(
        f"**Preview** · {counted(n['identifiers'], 'identifier')}: "
        f"{n['matched']:,} {_match(n['matched'])} **{counted(n['contacts'], 'contact')}**, "
        f"{n['deleted_before']:,} deleted earlier, {n['not_found']:,} {_match(n['not_found'])} nothing, "
        f"{n['invalid']:,} invalid."
    )
    st.dataframe(
        plain_frame(preview_frame(plan)),
        hide_index=True,
        width="stretch",
        key="erase.preview_table",
        height=280,
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
        f"I understand that {counted(n['contacts'], 'contact')} and everything "
        f"{'it owns' if n['contacts'] == 1 else 'they own'} will be permanently deleted",
        key="erase.confirm",
    )
    if S.get(ERROR):
        st.error(literal(S[ERROR]))
    b1, b2, _ = st.columns([2, 1, 4])
    b1.button(
        f"Erase {counted(n['contacts'], 'contact')}",
        type="primary",
        icon=":material/delete_forever:",
        key="erase.run",
        on_click=_run,
        args=(store, actor, plan),
    )
    b2.button("Cancel", key="erase.cancel", on_click=member_callback(_start_over))


def _match(n: int) -> str:
    return "matches" if n == 1 else "match"
