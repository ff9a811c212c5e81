"""The CRM block of the contact panel: Validated/last error status and Refresh from CRM. Agents never see
infrastructure errors (they read that CRM values may be out of date); admins see the detail and a link to
the CRM page."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from inbox import crm
from inbox.errors import InboxError, NotFound

from .session import member_callback
from .text import literal

FLASH = "crm.flash"
STALE = "CRM values may be out of date: the last CRM lookup did not succeed."
NOT_ASKED = "The CRM could not be asked now: CRM values may be out of date."
ASK_ADMIN = "An admin can see why on the CRM page."


def _sentence(text: object) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def crm_page_link() -> None:
    """A link to Admin settings › Integrations › CRM (the router registers it as ``crm_settings``)."""
    st.page_link(
        st.Page(lambda: None, title="CRM", url_path="crm_settings"),
        label="Open the CRM settings",
        icon=":material/sync_alt:",
    )


@member_callback
def _refresh(store, actor, contact_id: int, on_refreshed: Callable[[int], None] | None) -> None:
    """on_click of *Refresh from CRM*: look up now; when the CRM changed values, ``on_refreshed`` (the page
    reloads its form)."""
    try:
        result = crm.refresh_contact(store, actor, contact_id)
    except InboxError as exc:  # not a lookup (plan, settings, deleted contact): nothing recorded, say it here
        told = actor.is_admin or isinstance(exc, NotFound)  # a deleted contact is news for agents too
        st.session_state[FLASH] = (contact_id, _sentence(exc) if told else f"{NOT_ASKED} {ASK_ADMIN}")
        return
    if result.ok:
        st.toast(literal(result.summary()), icon=":material/sync:")
    elif actor.is_admin:  # the detail (a connection refused, an HTTP status…) is for admins only
        st.toast(literal(result.summary()), icon=":material/sync_problem:")
    else:
        st.toast(
            "Could not refresh from the CRM: CRM values may be out of date.", icon=":material/sync_problem:"
        )
    if result.written and on_refreshed is not None:  # the form shows what it loaded: the page reloads it
        on_refreshed(contact_id)


def crm_status(store, actor, contact, *, on_refreshed: Callable[[int], None] | None = None) -> None:
    """Draw the CRM status and the Refresh button for ``contact`` (nothing on the Team plan); after a refresh
    that changed values, ``on_refreshed(contact_id)``."""
    status = crm.contact_status(store, contact.id)
    if status is None:  # Team plan, or no CRM configured yet
        return
    admin = actor is not None and actor.is_admin
    flash = st.session_state.pop(FLASH, None)
    if flash and flash[0] == contact.id:
        (st.error if admin else st.warning)(literal(flash[1]))
    if status.ok:
        st.badge("Validated", icon=":material/verified:", color="green")
        st.caption(f"Last CRM lookup {status.validated_at:%Y-%m-%d %H:%M} UTC")
    elif status.ok is False:
        st.badge("Not validated", icon=":material/sync_problem:", color="red")
        if admin:
            st.error(
                f"The CRM lookup of {status.attempted_at:%Y-%m-%d %H:%M} UTC failed: {literal(status.error)}."
            )
            crm_page_link()
        else:
            st.warning(f"{STALE} {ASK_ADMIN}", icon=":material/sync_problem:")
        if status.validated_at:
            st.caption(f"Last validated {status.validated_at:%Y-%m-%d %H:%M} UTC")
    else:
        st.badge("Not validated", icon=":material/help:", color="gray")
        st.caption("Never looked up in the CRM.")
    if status.ok and status.skipped:
        if admin:
            st.warning(
                "The CRM sent values that fail validation (not saved):  \n"
                + "  \n".join(literal(line) for line in status.skipped)
            )
        else:
            st.warning("Some CRM values could not be saved: they may be out of date. " + ASK_ADMIN)
    if status.enabled:
        st.button(
            "Refresh from CRM",
            key=f"crm.refresh.{contact.id}",
            icon=":material/sync:",
            on_click=_refresh,
            args=(store, actor, contact.id, on_refreshed),
        )
    else:
        st.caption("CRM lookups are turned off by an admin.")
