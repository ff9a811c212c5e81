"""Human wording for settings pages: a message as a sentence, plural-aware counts, blank empty cells."""

from __future__ import annotations

from typing import Any


def sentence(message: Any) -> str:
    """``message`` (an ``InboxError`` is worded lower-case, to be embedded) as a sentence: a capital first
    letter and a full stop."""
    text = str(message).strip()
    text = text[:1].upper() + text[1:]
    return text if not text or text[-1] in ".!?…" else text + "."


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 contact``, ``2 contacts``, ``1,204 log entries`` (``plural`` when not singular + "s")."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def listed(words: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""


def blank(value: Any) -> Any:
    """A cell for st.dataframe: ``None`` (shown as "None") becomes an empty string."""
    return "" if value is None else value
