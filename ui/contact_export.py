"""The Contacts list's Export (admins): the current search and filters, all pages, as CSV, xlsx or Parquet."""

from __future__ import annotations

import streamlit as st

from inbox import contact_export

from .contact_list import FILTERS, SORT

S = st.session_state
FORMAT_KEY = "contacts.export.format"


def current_query(list_attrs) -> contact_export.ExportQuery:
    """What the list shows now (read from its widgets' state, never written)."""
    platform, language, subscription = (S.get(k) or None for k in FILTERS[:3])
    return contact_export.ExportQuery(
        query=S.get("contacts.q") or "",
        platform=platform,
        language=language,
        subscription=subscription,
        vip=S.get("contacts.vip"),  # True (VIPs only), False (everyone else) or None
        custom={a.key: S[f"contacts.f.{a.key}"] for a in list_attrs if S.get(f"contacts.f.{a.key}")},
        order=S.get(SORT, "updated"),
    )


def export_menu(store, me, list_attrs) -> None:
    """*Export* (admins only): a format and a download of every contact the current search finds."""
    if me.role != "admin":
        return
    q = current_query(list_attrs)
    with st.popover("Export", icon=":material/download:"):
        fmt = st.radio(
            "Format",
            list(contact_export.FORMATS),
            format_func=contact_export.FORMAT_LABELS.get,
            key=FORMAT_KEY,
            horizontal=True,
        )
        filtered = q != contact_export.ExportQuery(order=q.order)
        st.caption(
            ("Every contact matching the current search and filters" if filtered else "Every contact")
            + " — all pages, in the list's order — with the enabled attributes (labels in the layout's "
            "order), contact ID, platform, handle, created and updated (UTC). Spreadsheet formulas are "
            "neutralised. The export is recorded in the access log (Admin settings › Privacy & security)."
        )
        st.download_button(
            f"Download {contact_export.FORMAT_LABELS[fmt]}",
            data=lambda: contact_export.export_file(store, me.actor, q, fmt),
            file_name=contact_export.file_name(fmt),
            mime=contact_export.FORMATS[fmt][0],
            icon=":material/download:",
            key="contacts.export.download",
            on_click="ignore",
            type="primary",
        )
