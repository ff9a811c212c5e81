"""Admin settings › Privacy & security › Deleted contacts: deletion log, figures, lookup, exports, erasure."""

from datetime import date

import pandas as pd
import streamlit as st

from inbox import deletion, workspace
from inbox import deletion_report as report
from inbox.errors import InboxError
from inbox.models import PLATFORMS
from inbox.plurals import counted, platform_label, sentence
from ui.bulk_erase import bulk_erasure
from ui.delete_contact import size
from ui.purge import page_status, purge_section, status_line
from ui.session import member_callback, require_admin
from ui.text import literal, plain, plain_frame

S = st.session_state
REASONS = deletion.DELETION_REASONS
INTRO = (
    "Every deletion is recorded here: who deleted which contact, when, why, and what went with it. "
    "The log is append-only and hash-chained (tamper-evident). Times are UTC."
)
MATCHED = {"email": "Email", "phone": "Phone", "handle": "Handle", "external_id": "External ID"}
KEEP_NAME = {"hint": "Identity hint only", "name": "Identity hint and display name"}


def kept(keeps_name: bool, keeps_snapshot: bool) -> str:
    """Exactly what a log entry keeps, as the current settings make new entries (Markdown)."""
    name = (
        "**the display name** in clear (first and last name, or the name the contact gave); *Settings* "
        "can stop keeping it in new entries"
        if keeps_name
        else "**no name**: new entries keep the identity hint only (set in *Settings*); entries written "
        "while names were kept still show them"
    )
    snapshot = (
        "**every attribute value** as a JSON snapshot, names included (the snapshot setting is on)"
        if keeps_snapshot
        else "none (the snapshot setting is off)"
    )
    return (
        "**What each log entry keeps**\n"
        "- In clear: the entry number, when and by whom, the contact's number and platform, the identity "
        "hint typed at deletion, the reason, how many conversations, messages and attachments went (and "
        "their size).\n"
        f"- Name: {name}.\n"
        f"- Attribute values: {snapshot}.\n"
        "- Only as keyed hashes: the email, phone number, handle and external id — enough to answer "
        "\"was this person deleted?\", not to read them back.\n"
        "- Exports (CSV, Parquet) hold the same columns. Entries already written are never changed."
    )


@member_callback
def _verify(store, me) -> None:
    S["deleted.verify"] = deletion.verify_log(store, me.actor)


def show_log(store, me, result, filters) -> None:
    """Figures, charts, the flagged table, exports and the chain check of one report."""
    figures = result.summary
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric("Deletions", f"{figures['deletions']:,}")
    m2.metric("Conversations", f"{figures['conversations']:,}")
    m3.metric("Messages", f"{figures['messages']:,}")
    m4.metric("Attachments", f"{figures['attachments']:,}", help=f"{size(figures['bytes'])} of files")
    m5.metric("Admins", f"{figures['admins']:,}")
    if result.total:
        st.caption(
            f"From {figures['first_at']:%Y-%m-%d %H:%M} to {figures['last_at']:%Y-%m-%d %H:%M} UTC · "
            + " · ".join(
                f"{literal(REASONS.get(r, r))}: {n:,}"
                for r, n in zip(result.by_reason['Reason'], result.by_reason['Deletions'], strict=True)
            )
        )
        c1, c2, c3 = st.columns([3, 2, 2])
        with c1:
            st.markdown("**Deletions per week**")
            st.bar_chart(result.by_week, x="Week", y="Deletions", height=220)
        with c2:
            st.markdown("**Per admin**")
            st.bar_chart(
                result.by_admin.head(15),
                x="Admin",
                y="Deletions",
                horizontal=True,
                height=220,
                sort="-Deletions",
            )
        with c3:
            st.markdown("**Per platform**")
            st.bar_chart(
                result.by_platform.assign(Platform=result.by_platform["Platform"].map(platform_label)),
                x="Platform",
                y="Deletions",
                horizontal=True,
                height=220,
                sort="-Deletions",
            )
    if result.flagged:
        shown = ", ".join(f"#{i}" for i in result.flagged[:20]) + (" …" if len(result.flagged) > 20 else "")
        st.warning(
            f"{len(result.flagged):,} of the entries shown fail the deletion-log schema (see the "
            f"*Schema check* column): {shown}. They are shown and exported as stored — check them "
            "with *Verify the hash chain* below.",
            icon=":material/report:",
        )
    rows = result.rows
    table = pd.DataFrame(
        {
            "Entry": rows["id"],
            "Deleted at (UTC)": rows["deleted_at"],
            "By": rows["deleted_by"],
            "Platform": rows["platform"].map(platform_label),
            "Name": rows["display_name"].astype(object).where(rows["display_name"].notna(), ""),
            "Identity hint": rows["identity_hint"],
            "Reason": rows["reason"].map(lambda r: REASONS.get(r, r)),
            "Conversations": rows["conversations"],
            "Messages": rows["messages"],
            "Attachments": rows["attachments"],
            "Size": rows["bytes"].map(size),
            "Schema check": rows[report.PROBLEMS].map(lambda p: p or "OK"),
        }
    )
    if result.total:
        st.dataframe(
            plain_frame(table),
            hide_index=True,
            width="stretch",
            key="deleted.table",
            column_config={"Deleted at (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
        )
        more = (
            f"the newest {len(rows):,} of {counted(result.total, 'matching entry', 'matching entries')}"
            if result.total > len(rows)
            else counted(result.total, "matching entry", "matching entries")
        )
        st.caption(f"Showing {more}, newest first. Exports hold every matching entry.")
    else:
        st.info(
            "No deletion matches these filters."
            if filters != report.Filters()
            else "No contact was deleted yet."
        )
    e1, e2, e3 = st.columns([2, 2, 5])
    stamp = date.today().isoformat()
    e1.download_button(
        "Export CSV",
        data=lambda: report.export_bytes(store, me.actor, filters, "csv"),
        file_name=f"deletion-log-{stamp}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="deleted.csv",
        on_click="ignore",
        disabled=not result.total,
    )
    e2.download_button(
        "Export Parquet",
        data=lambda: report.export_bytes(store, me.actor, filters, "parquet"),
        file_name=f"deletion-log-{stamp}.parquet",
        mime="application/vnd.apache.parquet",
        icon=":material/download:",
        key="deleted.parquet",
        on_click="ignore",
        disabled=not result.total,
    )
    e3.button(
        "Verify the hash chain",
        key="deleted.verify_button",
        icon=":material/verified_user:",
        on_click=_verify,
        args=(store, me),
        help="Recompute every entry's hash: detects an entry changed, removed or added outside the app.",
    )
    verdict = S.get("deleted.verify")
    if verdict is not None:
        if verdict.ok:
            st.success(
                f"Hash chain OK: {counted(verdict.entries, 'entry', 'entries')}. Head `{verdict.head}`",
                icon=":material/verified:",
            )
        else:
            st.error(
                f"Hash chain broken at entry #{verdict.bad_entry}: {literal(sentence(verdict.problem))}",
                icon=":material/gpp_bad:",
            )


@member_callback
def _snapshot_changed(store, me) -> None:
    deletion.set_keep_snapshot(store, me.actor, S["deleted.keep_snapshot"])


def log_tab(store, me) -> None:
    f1, f2, f3 = st.columns([2, 2, 5])
    since = f1.date_input("From", value=None, key="deleted.since", min_value=date(2000, 1, 1))
    until = f2.date_input("To", value=None, key="deleted.until", min_value=date(2000, 1, 1))
    text = f3.text_input(
        "Text in hint or name", key="deleted.text", placeholder="e.g. #1234 or erasure request"
    )
    f4, f5, f6 = st.columns(3)
    admins = f4.multiselect(
        "Admin",
        report.admins_in_log(store, me.actor),
        key="deleted.admins",
        format_func=plain,
        placeholder="Any admin",
    )
    platforms = f5.multiselect(
        "Platform",
        list(PLATFORMS),
        format_func=platform_label,
        key="deleted.platforms",
        placeholder="Any platform",
    )
    reasons = f6.multiselect(
        "Reason", list(REASONS), format_func=REASONS.get, key="deleted.reasons", placeholder="Any reason"
    )
    filters = report.Filters(
        since=since,
        until=until,
        admins=tuple(admins),
        platforms=tuple(platforms),
        reasons=tuple(reasons),
        text=text,
    )
    try:
        result = report.report(store, me.actor, filters)
    except InboxError as exc:  # e.g. a start date after the end date: say so, keep the other tabs
        st.error(literal(sentence(exc)))
    else:
        show_log(store, me, result, filters)


def lookup_tab(store, me) -> None:
    with st.form("deleted.lookup_form", border=False):
        identifier = st.text_input(
            "Email, phone number, handle (or platform:handle) or external id",
            key="deleted.lookup",
            max_chars=500,
            placeholder="e.g. jane@example.com, +33 6 12 34 56 78, whatsapp:+33612345678",
        )
        asked = st.form_submit_button("Look up", icon=":material/search:")
    if asked:
        try:
            found = report.lookup(store, me.actor, identifier)
        except InboxError as exc:
            st.error(literal(sentence(exc)))
        else:
            invalid = report.invalid_as(identifier, workspace.default_region(store))
            if not found and invalid:
                st.warning(
                    f"Invalid {invalid}: it can only be compared as a handle or an external id, and no "
                    "deleted contact had it as one.",
                    icon=":material/error:",
                )
            elif not found:
                st.info("Not found: no deleted contact had this identifier.", icon=":material/search_off:")
            else:
                st.warning(
                    f"Deleted: {counted(len(found), 'log entry', 'log entries')} "
                    f"{'matches' if len(found) == 1 else 'match'}.",
                    icon=":material/person_remove:",
                )
                st.dataframe(
                    plain_frame(
                        pd.DataFrame(
                            {
                                "Entry": [e["id"] for e in found],
                                "Deleted at (UTC)": [e["deleted_at"] for e in found],
                                "By": [e["deleted_by"] for e in found],
                                "Platform": [platform_label(e["platform"]) for e in found],
                                "Reason": [REASONS.get(e["reason"], e["reason"]) for e in found],
                                "Matched by": [
                                    ", ".join(MATCHED.get(m, m) for m in e["matched"]) for e in found
                                ],
                            }
                        )
                    ),
                    hide_index=True,
                    key="deleted.found",
                )
    st.caption(
        "The identifier is hashed with this workspace's secret key, as at deletion, and compared with "
        "the stored hashes; it is not stored. Emails ignore case; phone numbers may be typed in any "
        "format (national numbers are read in the workspace's default region)."
    )


@member_callback
def _name_changed(store, me) -> None:
    try:
        on = deletion.set_keep_name(store, me.actor, S["deleted.keep_name"] == "name")
    except InboxError as exc:
        S["deleted.settings_note"] = ("error", sentence(exc))
        return
    S["deleted.settings_note"] = (
        "ok",
        "Saved: new log entries keep the identity hint and the display name."
        if on
        else "Saved: new log entries keep the identity hint only, no name. Entries already written keep "
        "what they have.",
    )


def settings_tab(store, me) -> None:
    st.radio(
        "What new log entries keep to recognise the person",
        list(KEEP_NAME),
        format_func=KEEP_NAME.get,
        index=1 if deletion.keeps_name(store) else 0,
        key="deleted.keep_name",
        on_change=_name_changed,
        args=(store, me),
        help="The identity hint (e.g. a ticket number) is always kept. The display name helps recognise "
        "an entry but is personal data kept in clear, in the log and in its exports.",
    )
    if note := S.pop("deleted.settings_note", None):
        (st.success if note[0] == "ok" else st.error)(literal(note[1]))
    changed = report.name_setting(store, me.actor)
    st.caption(
        "Entries already written are never rewritten: that would break the hash chain, so entries written "
        "while names were kept still show them."
        + (
            f" Last changed by {literal(changed['by'])} on {changed['at']:%Y-%m-%d %H:%M} UTC."
            if changed
            else " Not changed yet: names are kept (as before this setting existed)."
        )
    )
    st.divider()
    st.toggle(
        "Keep a full attribute snapshot in each log entry",
        value=deletion.keeps_snapshot(store),
        key="deleted.keep_snapshot",
        on_change=_snapshot_changed,
        args=(store, me),
        help="Off by default. When on, every future log entry also keeps all the contact's attribute "
        "values as JSON — only for workspaces whose retention policy requires it: it keeps "
        "personal data.",
    )
    st.caption("Entries already written are never changed.")


def render(store) -> None:
    me = require_admin("deleted contacts")  # (the router lists it for admins only; inbox/ checks again)
    st.title("Deleted contacts")
    st.caption(INTRO)
    with st.container(border=True):
        st.markdown(kept(deletion.keeps_name(store), deletion.keeps_snapshot(store)))
    st.info(status_line(page_status(store)), icon=":material/delete_sweep:")
    tabs = st.tabs(["Log", "Was this identifier deleted?", "Bulk erasure", "Purge from disk", "Settings"])
    with tabs[0]:
        log_tab(store, me)
    with tabs[1]:
        lookup_tab(store, me)
    with tabs[2]:
        bulk_erasure(store, me.actor)
    with tabs[3]:
        purge_section(store, me.actor)
    with tabs[4]:
        settings_tab(store, me)
