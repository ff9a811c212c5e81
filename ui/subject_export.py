"""The contact panel's *Download data* (admins): everything held about a contact as one ZIP (GDPR access)."""

from __future__ import annotations

import streamlit as st

from inbox import subject_export


def download_data_button(store, me, contact) -> None:
    """*Download data* for admins: a ZIP with contact.json and the attachment files; logged as an access."""
    if me.role != "admin":
        return
    st.download_button(
        "Download data",
        data=lambda: subject_export.subject_file(store, me.actor, contact.id),
        file_name=subject_export.file_name(contact.id),
        mime="application/zip",
        icon=":material/folder_zip:",
        key=f"contacts.subject_export.{contact.id}",
        on_click="ignore",
        help="Everything held about this contact (attributes, history, conversations, messages and "
        "attachment files) as one ZIP, for a data-subject access request. Recorded in the access log.",
    )
