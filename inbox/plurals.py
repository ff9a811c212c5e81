"""Wording helpers for messages people read: plural-aware counts and sentences that start with a capital."""

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
