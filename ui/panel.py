"""The contact panel agents see on the right: name, platform · handle, then the enabled attributes."""

from __future__ import annotations

import re
from datetime import date, datetime

import streamlit as st

from inbox.contacts import language_label

from .text import literal, plain

# A widget label's text is also its accessible name (aria-label), backslashes included: text made only of
# characters no Markdown construct of a label starts with is passed as it is (``Job title``, ``first_name``,
# ``Customer #``, ``VIP?``); anything else is escaped with ``literal`` (safety first).
_PLAIN_LABEL = re.compile(r"[^\W_](?:[\w ,.;?'\"()/#%+=-]*[\w.?)#%'\"])?")
_RISKY = re.compile(r"(?<![^\W_])_|_(?![^\W_])|^\d+[.)] |  |[.](?=\w)|www|https?\b")


def widget_label(value) -> str:
    """A widget label that shows ``value`` as typed, without a backslash in its accessible name when none
    is needed (see ``_PLAIN_LABEL``); otherwise ``literal(value)``."""
    text = plain(value if value is not None else "")
    if _PLAIN_LABEL.fullmatch(text) and not _RISKY.search(text):
        return text
    return literal(value)


def format_value(value, type_: str) -> str:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return "—"
    if type_ == "boolean":
        return "Yes" if value else "No"
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if type_ == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def shown_value(value, attr) -> str:
    """The panel's text for one value: ``format_value``, and the language's name beside its tag."""
    if attr.key == "language" and value:
        return language_label(value)  # "Portuguese (Brazil) — pt-BR"
    return format_value(value, attr.type)


def contact_panel(contact, attributes, *, container=None) -> None:
    """Draw the panel for ``contact`` (or a placeholder when ``None``) with ``attributes`` in order."""
    box = (container or st).container(border=True)
    if contact is None:
        box.markdown("**Sample contact**")
        box.caption("No contact yet: values show as —.")
        values = {}
    else:
        box.markdown(f"**{literal(contact.name)}**")
        box.caption(f"{literal(contact.platform)} · {literal(contact.handle)}")
        values = contact.values
    if not attributes:
        box.info("No attribute is enabled: agents see only the name.")
    lines = [f":gray[{literal(a.label)}]  \n{literal(shown_value(values.get(a.key), a))}" for a in attributes]
    if lines:
        box.markdown("\n\n".join(lines))
