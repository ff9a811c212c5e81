"""How stored values read to a person: a language tag with its name, a phone with its country."""

from __future__ import annotations

from validation.languages import language_name
from validation.phones import country_name, phone_region
from validation.phones import display as phone_display


def language_label(tag: str | None) -> str:
    """The panel's language: ``'Portuguese (Brazil) — pt-BR'``; a value that is no tag as it is stored."""
    if not tag:
        return ""
    name = language_name(tag)
    return tag if name == tag else f"{name} — {tag}"


def phone_label(stored: str | None) -> str:
    """The panel's phone as read, with its country: ``'+1 650-253-0000 ext. 12 · United States'``."""
    if not stored:
        return ""
    shown, region = phone_display(stored), phone_region(stored)
    return f"{shown} · {country_name(region)}" if region else shown


def language_filter_label(code: str) -> str:
    """A filter option: ``'Portuguese (pt)'``."""
    name = language_name(code)
    return code if name == code else f"{name} ({code})"
