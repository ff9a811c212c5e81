"""Wording helpers for messages people read: plural-aware counts, sentences, platform labels."""

from __future__ import annotations


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``1 contact``, ``2 contacts``, ``1,000 log entries`` (``plural`` for irregular words)."""
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def sentence(text: object) -> str:
    """``text`` with a capital first letter and a final full stop (an error message read on its own)."""
    out = str(text).strip()
    if not out:
        return out
    out = out[0].upper() + out[1:]
    return out if out[-1] in ".!?…" else out + "."


#: The platforms as people write them (the stored codes are lower-case keys).
PLATFORM_LABELS = {
    "whatsapp": "WhatsApp",
    "messenger": "Messenger",
    "instagram": "Instagram",
    "x": "X",
    "email": "Email",
    "sms": "SMS",
    "webchat": "Web chat",
}


def platform_label(code: object) -> str:
    """``whatsapp`` → ``WhatsApp``; an unknown code as it is."""
    return PLATFORM_LABELS.get(str(code), str(code))
