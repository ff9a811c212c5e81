"""Invisible characters made visible: bidi overrides, zero-width and control characters as ``\\u202e``."""

from __future__ import annotations

import json
import re
import unicodedata

# Characters that reorder or hide text without showing themselves (Trojan Source, CVE-2021-42574):
# bidi embeddings/overrides/isolates and marks, zero-width characters, the BOM, line/paragraph separators.
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SEPARATORS = "\u2028\u2029\x85"


def _hidden(ch: str) -> bool:
    """Whether ``ch`` is shown as an escape in a name, handle, label or file name."""
    return ch in BIDI or ch in ZERO_WIDTH or ch in _SEPARATORS or unicodedata.category(ch) in ("Cc", "Cf")


# In message bodies only what spoofs is escaped: bidi controls, and controls other than tab and newline.
_BODY = re.compile("[" + "".join(re.escape(c) for c in BIDI + _SEPARATORS) + r"\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _code(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(value: object, keep: str = "") -> str:
    """``value`` with every invisible or reordering character written as its escape (``\\u202e``,
    ``\\u200b``, ``\\x00`` → ``\\u0000``): a handle, name, label or file name shows what it holds.

    ``keep``: characters left as they are (``"\\n"`` for text shown on several lines). The stored
    value is never changed: this is for display only. ``None`` gives ``""``.
    """
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():  # the common case, checked at C speed (every hidden character is unprintable)
        return text
    return "".join(_code(c) if _hidden(c) and c not in keep else c for c in text)


def visible_body(value: object) -> str:
    """A message body for display: bidi controls and control characters (tab and newline kept) escaped;
    zero-width joiners stay, as emoji sequences and Persian or Indic words use them."""
    if value is None:
        return ""
    return _BODY.sub(lambda m: _code(m.group()), str(value))


def has_hidden(value: object) -> bool:
    """Whether ``visible(value)`` differs from ``value`` (the value holds an invisible character)."""
    return value is not None and any(_hidden(c) for c in str(value))


def visible_json(text: str) -> str:
    """JSON text with every hidden character written as its JSON escape (``\\u202e``, surrogate pairs
    above U+FFFF): the same JSON value, shown safely on a terminal."""
    if text.isprintable():
        return text
    # json.dumps already escapes control characters inside strings: a raw line break or tab is layout (indent)
    return "".join(json.dumps(c)[1:-1] if _hidden(c) and c not in "\n\r\t" else c for c in text)
