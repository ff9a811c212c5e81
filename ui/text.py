"""Render user data as inert text: Markdown escaped (links, images, autolinks too) and hidden characters
shown."""

from __future__ import annotations

import re

from validation.visible import visible, visible_body

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all leaves no
# emphasis, link, image, heading, list, quote, table, code, HTML, entity, math ($) or directive (:red[…]).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GFM autolink literals (https://…, www.…, a@b.c) and emoji / icon shortcodes (:smile:) are found in the
# text AFTER escapes are resolved (mdast-util-gfm-autolink-literal, remark-emoji), so a backslash does not
# stop them: a WORD JOINER (U+2060, invisible, no width) after a ":" or "@" that touches the next character
# and inside "www." does ("Unsaved: Job title" keeps its plain colon, so it reads and is found as typed).
JOINER = "\u2060"
_JOIN_AFTER = re.compile(r"\\[:@](?=\S)")
_WWW = re.compile(r"(?i)(w)(ww\\\.)")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)  # 4 leading spaces would make a code block


def literal(value) -> str:
    """``value`` as Markdown that shows exactly its characters: no bold, link, image, autolink, HTML,
    heading, list, math or emoji; invisible and bidi characters shown as ``\\u202e``; newlines kept.

    For every st.markdown / st.caption / st.error… text and widget, expander, tab or metric label
    that quotes what a sender, an import or a member typed. ``None`` gives ``""``.
    """
    if value is None:
        return ""
    text = visible(str(value).replace("\r\n", "\n").replace("\r", "\n"), keep="\n\t")
    text = _PUNCTUATION.sub(r"\\\1", text)
    text = _JOIN_AFTER.sub(lambda m: m.group() + JOINER, text)
    text = _WWW.sub(lambda m: m.group(1) + JOINER + m.group(2), text)
    text = _LEADING_SPACE.sub(lambda m: m.group().replace(" ", "&#32;").replace("\t", "&#9;"), text)
    return text.replace("\n", "  \n")


def plain(value) -> str:
    """``value`` for st.text, dataframes, options and file names (no Markdown there): hidden characters
    shown."""
    return visible(value)


def body(value) -> str:
    """A message body for st.text: bidi and control characters shown, lines, tabs and joiners kept."""
    return visible_body(value)


def plain_frame(frame):
    """``frame`` for st.dataframe with ``plain`` applied to its text cells and column names."""
    out = frame.rename(columns=lambda c: plain(c) if isinstance(c, str) else c)
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith("str"):
            out[column] = out[column].map(lambda v: plain(v) if isinstance(v, str) else v)
    return out
