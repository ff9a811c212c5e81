"""The panel's edit form: one input per attribute type, errors shown beside each field."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from inbox.contacts import language_label, phone_label

from .panel import format_value, widget_label
from .text import literal, plain


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def attribute_input(attr, value, *, key: str, error: str | None):
    """Draw the input for ``attr`` pre-filled with ``value``; return what the user entered."""
    label = widget_label(attr.label) + (" · CRM" if attr.crm_managed else "")  # labels render Markdown
    disabled = bool(attr.crm_managed)
    help_ = "Managed by the CRM: read-only." if disabled else None
    if attr.type == "number":
        out = st.number_input(
            label,
            value=float(value) if value is not None else None,
            key=key,
            disabled=disabled,
            help=help_,
            format="%g",
        )
    elif attr.type == "date":
        out = st.date_input(
            label,
            value=_date(value),
            key=key,
            disabled=disabled,
            help=help_,
            min_value=date(1900, 1, 1),
            max_value=date(2100, 12, 31),
        )
    elif attr.type == "boolean":
        options = ["", "Yes", "No"]
        current = "" if value is None else ("Yes" if value else "No")
        picked = st.selectbox(
            label, options, index=options.index(current), key=key, disabled=disabled, help=help_
        )
        out = None if picked == "" else picked == "Yes"
    elif attr.type == "list":
        options = [""] + list(attr.options or [])
        if value and value not in options:
            options.append(value)
        out = (
            st.selectbox(
                label,
                options,
                index=options.index(value or ""),
                key=key,
                disabled=disabled,
                format_func=plain,
                help=help_,
            )
            or None
        )
    else:
        placeholder = {"email": "name@example.com", "phone": "+33 6 12 34 56 78", "url": "https://…"}.get(
            attr.type
        )
        if attr.key == "language":
            placeholder = "French, fr, pt-BR, zh-Hans…"
            help_ = help_ or (
                "A language name (English, French or its own) or a code, with a region or script if you"
                " like (pt-BR, en_US, sr-Latn): it is stored as a standard tag."
            )
        out = st.text_input(
            label,
            value=value or "",
            key=key,
            disabled=disabled,
            placeholder=placeholder,
            help=help_ or (f"Pattern: {literal(attr.regex)}" if attr.regex else None),
        )
        if attr.key == "language" and value:
            st.caption(literal(language_label(value)))  # "Portuguese (Brazil) — pt-BR"
        if attr.type == "phone" and value:
            st.caption(literal(phone_label(value)))  # "+1 650-253-0000 ext. 12 · United States"
    if error:
        st.error(f"{literal(attr.label)}: {literal(error)}.")
    return out


def conflict_message(exc, mine: dict, latest: dict, attributes) -> str:
    """Markdown for a save that lost to another one: why nothing was saved, then each value the agent
    typed beside the value saved meanwhile (labels, not keys), every value escaped."""
    labels = {a.key: a for a in attributes}
    lines = []
    for key, value in mine.items():
        attr = labels.get(key)
        label, type_ = (attr.label, attr.type) if attr else (key, "text")
        lines.append(
            f"- {literal(label)}: yours **{literal(format_value(value, type_))}**, saved meanwhile "
            f"**{literal(format_value(latest.get(key), type_))}**"
        )
    head = f"Not saved: {literal(exc)}."
    if not lines:
        return head
    return (
        head + " The form shows the latest version with your values put back: press **Save** to keep "
        "yours, or **Discard my values**.\n\n" + "\n".join(lines)
    )
