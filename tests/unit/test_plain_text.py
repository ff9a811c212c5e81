"""User text rendered inert: the Markdown escape (ui.text.literal) and visible hidden characters
(validation.visible)."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.text import JOINER, literal, plain, plain_frame
from validation.visible import has_hidden, visible, visible_body, visible_json

HOSTILE = [
    "![p](https://attacker.example/x.png)",
    "[text](https://attacker.example)",
    "https://attacker.example",
    "someone@attacker.example",
    "**bold**",
    "www.attacker.example",
    "<img src=x onerror=alert(1)>",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "`code`",
    "$x^2$",
    ":red[x]",
    ":smile:",
    "a | b\n--|--",
    "title\n===",
    "    indented code",
    "&amp;",
    "~~gone~~",
    "<https://attacker.example>",
    "[x]: https://a.example",
    "mailto:someone@attacker.example",
    "HTTPS://ATTACKER.EXAMPLE",
    "WWW.attacker.example",
]


def unescape(markdown: str) -> str:
    """What CommonMark shows for ``literal``'s output: escapes resolved, entities decoded, joiners dropped."""
    text = markdown.replace("  \n", "\n").replace("&#32;", " ").replace("&#9;", "\t").replace(JOINER, "")
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def unescaped_punctuation(markdown: str) -> list[str]:
    """ASCII punctuation in ``literal``'s output that is not backslash-escaped (its own entities aside)."""
    text, found, i = re.sub(r"&#(32|9);", "", markdown), [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if re.match(r"[!-/:-@\[-`{-~]", text[i]):
            found.append(text[i])
        i += 1
    return found


@pytest.mark.parametrize("value", HOSTILE)
def test_literal_leaves_no_markdown_construct_and_shows_every_character(value):
    out = literal(value)
    assert unescape(out) == value
    assert unescaped_punctuation(out) == []  # every ASCII punctuation character is backslash-escaped


@pytest.mark.parametrize(
    "value,broken",
    [
        ("https://attacker.example", "https\\:" + JOINER + "\\/\\/"),
        ("someone@attacker.example", "\\@" + JOINER + "attacker"),
        ("www.attacker.example", "w" + JOINER + "ww\\."),
        ("WwW.attacker.example", "W" + JOINER + "wW\\."),
        (":smile:", "\\:" + JOINER + "smile\\:"),
    ],
)
def test_autolink_literals_and_shortcodes_are_broken_by_an_invisible_joiner(value, broken):
    """GFM finds autolinks in the text after escapes are resolved: only a character inside the match stops
    it."""
    assert broken in literal(value)


def test_the_joiner_keeps_every_autolink_pattern_from_matching_the_shown_text():
    # the patterns of mdast-util-gfm-autolink-literal, run on the text as the browser gets it
    url = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE | re.ASCII)
    email = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
    for value in HOSTILE:
        shown = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", literal(value))
        assert not url.search(shown) and not email.search(shown), value


def test_literal_keeps_lines_and_makes_leading_spaces_no_code_block():
    assert literal("a\nb") == "a  \nb"
    assert literal("    code\n\tx") == "&#32;&#32;&#32;&#32;code  \n&#9;x"
    assert literal("a\r\nb\rc") == "a  \nb  \nc"
    assert literal(None) == "" and literal(42) == "42"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_literal_round_trips_any_text(value):
    out = literal(value)
    assert unescape(out) == visible(value.replace("\r\n", "\n").replace("\r", "\n"), keep="\n\t")
    assert unescaped_punctuation(out) == []


@pytest.mark.parametrize(
    "char",
    [
        "\u202e",
        "\u202d",
        "\u202a",
        "\u202b",
        "\u202c",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200e",
        "\u200f",
        "\u061c",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
        "\u2028",
        "\u2029",
        "\x00",
        "\x1b",
        "\x7f",
        "\u00ad",
        "\U000e0041",
    ],
)
def test_visible_writes_every_bidi_zero_width_and_control_character_as_its_code(char):
    code = ord(char)
    shown = f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    assert visible(f"ab{char}cd") == f"ab{shown}cd"
    assert has_hidden(f"ab{char}cd")


def test_a_spoofed_file_name_shows_its_override():
    assert visible("invoice\u202efdp.exe") == "invoice\\u202efdp.exe"
    assert plain("pay\u200bpal") == "pay\\u200bpal"


def test_ordinary_text_is_unchanged():
    for value in ["Élodie Durand", "日本語", "مرحبا", "emoji 👍🏽", "a b", "tab-free", "non\u00a0breaking"]:
        assert visible(value) == value and not has_hidden(value)
    assert visible(None) == "" and not has_hidden(None)


def test_a_message_body_keeps_lines_tabs_and_joiners_but_shows_overrides():
    family = "👨\u200d👩\u200d👧"
    assert visible_body(f"line 1\n\tline 2 {family}") == f"line 1\n\tline 2 {family}"
    assert visible_body("abc\u202edef\x00") == "abc\\u202edef\\u0000"
    assert visible("a\nb") == "a\\u000ab" and visible("a\nb", keep="\n") == "a\nb"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_visible_output_has_no_hidden_character_and_keeps_the_rest(value):
    out = visible(value)
    assert not has_hidden(out)
    if "\\" not in value:  # the escapes decode back to exactly the value
        decoded = re.sub(
            r"\\u([0-9a-f]{4})|\\U([0-9a-f]{8})", lambda m: chr(int(m.group(1) or m.group(2), 16)), out
        )
        assert decoded == value


def test_plain_frame_shows_hidden_characters_in_cells_and_headers():
    import pandas as pd

    frame = plain_frame(pd.DataFrame({"Na\u200bme": ["a\u202eb", None], "n": [1, 2]}))
    assert list(frame.columns) == ["Na\\u200bme", "n"]
    assert frame.iloc[0, 0] == "a\\u202eb" and frame.iloc[1, 0] is None or pd.isna(frame.iloc[1, 0])
    assert list(frame["n"]) == [1, 2]


def test_visible_json_keeps_the_json_value_and_shows_hidden_characters():
    import json

    value = {"handle": "a\u202eb", "tag": "x\U000e0041", "ok": "Élodie 👍"}
    shown = visible_json(json.dumps(value, ensure_ascii=False))
    assert "\u202e" not in shown and "\\u202e" in shown and "\\udb40\\udc41" in shown and "Élodie 👍" in shown
    assert json.loads(shown) == value


def test_visible_json_keeps_indented_json_valid():
    import json

    value = [{"label": "line\nbreak\u202e", "tab": "a\tb"}]
    shown = visible_json(json.dumps(value, ensure_ascii=False, indent=2))
    assert "\n  {" in shown and "\u202e" not in shown and json.loads(shown) == value


def test_a_colon_or_at_sign_before_a_space_stays_plain_so_sentences_read_and_are_found_as_typed():
    assert literal("Unsaved: disabled Job title") == "Unsaved\\: disabled Job title"
    assert JOINER not in literal("a @ b: c") and JOINER in literal("10:30")
