"""Named, vectorised pandera checks (registered once) and single-value helpers built on the same logic.

Every check takes a Series and returns a boolean Series of the same index. Missing values
(``None``/``NaN``/``NA``) pass: whether a column may be null is the schema's business. A
non-missing value that is not a string fails every text check.

Use them in a schema as ``pa.Field(is_email=())``, or as ``pa.Check.is_email()``; check one
form field with the matching helper, e.g. ``email_ok("ada@example.com")``. The helpers run
the very same vectorised function on a one-element ``str`` Series, so a form, a CSV import and
``inbox check`` cannot disagree. A helper also returns True for ``None`` (missing passes).

Strings in object columns are converted to ``str`` (pyarrow, RE2) before matching, so one
engine judges every input; the patterns still avoid look-arounds, inline flags and ``\\s``
so that they mean the same under Python ``re`` (``string[python]`` columns).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from pandera.api.checks import Check
from pandera.api.extensions import register_check_method

from .emails import FAST_RE, normalise_emails

# ASCII control characters (C0 and DEL). None are allowed in single-line fields.
CONTROL_CHARS_RE = r"[\x00-\x1f\x7f]"
# Plain ASCII local@domain.tld (routing a typed query; is_email judges by validation.emails).
EMAIL_RE = FAST_RE
# A stored phone: E.164 (a plus, a country code 1-9…, at most 20 digits: libphonenumber's longest national
# number is 17) and an optional RFC 3966 extension. Whether it is a valid number is
# ``is_phone_number``'s call.
E164_RE = r"\+[1-9][0-9]{3,19}(?:;ext=[0-9]{1,20})?"
# A TCP port, 0-65535 (leading zeros allowed, as browsers do): anything larger is no port.
PORT_RE = r"(?:[0-9]{1,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
# http(s)://host[:port][/path?query#fragment]; host is a name/IPv4 or a bracketed IPv6 literal (no user@).
URL_RE = (
    r"[Hh][Tt][Tt][Pp][Ss]?://"
    r"(?:[^ /?#@:\[\]\\\x00-\x1f\x7f]+|\[[0-9A-Fa-f:.]+\])"
    rf"(?::{PORT_RE})?"
    r"(?:[/?#][^ \x00-\x1f\x7f]*)?"
)
# Attribute keys: lower-case letter first, then a-z 0-9 _, at most 64 characters.
SLUG_RE = r"[a-z][a-z0-9_]{0,63}"
# A SHA-256 digest as Python's hexdigest() writes it: 64 lower-case hex digits.
SHA256_HEX_RE = r"[0-9a-f]{64}"
# An argon2id PHC string as argon2-cffi writes it: $argon2id$v=19$m=..,t=..,p=..$salt$hash
ARGON2_HASH_RE = (
    r"\$argon2id\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+"
    r"\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}"
)
# A relative path with forward slashes: no leading slash, no backslash, no empty segment...
RELATIVE_PATH_RE = r"[^/\\\x00-\x1f\x7f]+(?:/[^/\\\x00-\x1f\x7f]+)*"
# ...no "." or ".." segment, and no Windows drive prefix.
DOT_SEGMENT_RE = r"(?:^|/)\.\.?(?:/|$)"
DRIVE_PREFIX_RE = r"^[A-Za-z]:"


# -- vectorised building blocks ----------------------------------------------------------
def _flag(mask: pd.Series) -> pd.Series:
    """A plain bool Series: missing results count as False."""
    return mask.fillna(False).astype(bool)


def _on_text(s: pd.Series, test: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Run ``test`` on the strings of ``s`` (as a ``str`` Series); missing passes, non-strings fail.

    Object columns (what a data editor or a CSV reader may hand over) are converted to ``str``
    first, so the same regex engine judges every input.
    """
    missing = s.isna()
    if s.dtype != object:
        if pd.api.types.is_string_dtype(s.dtype):
            return missing | _flag(test(s))
        return missing
    result = missing.copy()
    strings = s.map(lambda v: isinstance(v, str)).astype(bool)
    if strings.any():
        result[strings] = _flag(test(s[strings].astype("str"))).to_numpy()
    return result.astype(bool)


def _fullmatch(s: pd.Series, pattern: str) -> pd.Series:
    return _on_text(s, lambda t: t.str.fullmatch(pattern))


def _lacks(t: pd.Series, pattern: str) -> pd.Series:
    return ~_flag(t.str.contains(pattern, regex=True))


def _each(s: pd.Series, ok: Callable[[str], bool]) -> pd.Series:
    """Apply a per-string predicate once per distinct value (for checks regexes cannot express)."""
    result = s.isna().copy()
    todo = ~result
    if todo.any():
        seen: dict[str, bool] = {}
        judged = [
            (seen[v] if v in seen else seen.setdefault(v, ok(v))) if isinstance(v, str) else False
            for v in s[todo]
        ]
        result.loc[todo] = np.array(judged, dtype=bool)
    return result.astype(bool)


def _json_list_of_str(text: str) -> bool:
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() != "" for v in value)


def _valid_regex(text: str) -> bool:
    try:
        re.compile(text)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    return True


# -- registration ------------------------------------------------------------------------
CHECK_NAMES: list[str] = []


def _register(fn: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    """Register ``fn`` as ``pa.Check.<name>``; idempotent, so a module reload does not raise."""
    Check.REGISTERED_CUSTOM_CHECKS.pop(fn.__name__, None)
    register_check_method(fn, supported_types=pd.Series)
    if fn.__name__ not in CHECK_NAMES:
        CHECK_NAMES.append(fn.__name__)
    return fn


def is_email(s: pd.Series) -> pd.Series:
    """An e-mail address in its stored form: ``validation.emails`` leaves it unchanged."""
    return _on_text(s, lambda t: t == normalise_emails(t)[0])


def is_e164(s: pd.Series) -> pd.Series:
    """An E.164 phone number: ``+`` then 8 to 15 digits, the first one 1-9."""
    return _fullmatch(s, E164_RE)


def is_phone_number(s: pd.Series) -> pd.Series:
    """A valid phone number (libphonenumber's metadata) stored as E.164 with an optional ``;ext=``."""
    from .phones import valid_stored

    return _on_text(s, lambda t: _flag(t.str.fullmatch(E164_RE)) & valid_stored(t))


def is_language_tag(s: pd.Series) -> pd.Series:
    """A language as ``validation.languages`` stores it: a normalised BCP 47 tag (``fr``, ``pt-BR``,
    ``zh-Hans-CN``)."""
    from .languages import is_normalised_tag  # langcodes loads on first use

    return _on_text(s, lambda t: t.isin([v for v in t.dropna().unique() if is_normalised_tag(v)]))


def is_url(s: pd.Series) -> pd.Series:
    """An http or https URL with a host."""
    return _fullmatch(s, URL_RE)


def is_slug(s: pd.Series) -> pd.Series:
    """A key: lower-case a-z, 0-9 and underscores, starting with a letter, at most 64 long."""
    return _fullmatch(s, SLUG_RE)


def no_control_chars(s: pd.Series) -> pd.Series:
    """No ASCII control character at all (tab and newline included): single-line text."""
    return _on_text(s, lambda t: _lacks(t, CONTROL_CHARS_RE))


def is_json_list_of_str(s: pd.Series) -> pd.Series:
    """JSON text of an array of non-blank strings (e.g. ``["free", "basic"]``)."""
    return _each(s, _json_list_of_str)


def is_valid_regex(s: pd.Series) -> pd.Series:
    """A pattern that compiles with Python's ``re``."""
    return _each(s, _valid_regex)


def is_sha256_hex(s: pd.Series) -> pd.Series:
    """A SHA-256 digest as 64 lower-case hexadecimal digits."""
    return _fullmatch(s, SHA256_HEX_RE)


def is_lowercase(s: pd.Series) -> pd.Series:
    """Text equal to its lower-case form (stored e-mail addresses)."""
    return _on_text(s, lambda t: t == t.str.lower())


def not_blank(s: pd.Series) -> pd.Series:
    """Text with at least one non-whitespace character."""
    return _on_text(s, lambda t: t.str.strip().str.len() > 0)


def is_argon2_hash(s: pd.Series) -> pd.Series:
    """An argon2id hash string (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``)."""
    return _fullmatch(s, ARGON2_HASH_RE)


def is_relative_path(s: pd.Series) -> pd.Series:
    """A relative path with forward slashes, no ``.``/``..`` segment, no drive or leading slash."""
    return _on_text(
        s,
        lambda t: (
            _flag(t.str.fullmatch(RELATIVE_PATH_RE)) & _lacks(t, DOT_SEGMENT_RE) & _lacks(t, DRIVE_PREFIX_RE)
        ),
    )


# Registered here, not with a decorator, so that `make mutate` (mutmut skips decorated functions) tests them.
for _check in (
    is_email,
    is_e164,
    is_phone_number,
    is_language_tag,
    is_url,
    is_slug,
    no_control_chars,
    is_json_list_of_str,
    is_valid_regex,
    is_sha256_hex,
    is_lowercase,
    not_blank,
    is_argon2_hash,
    is_relative_path,
):
    _register(_check)


# -- single values -----------------------------------------------------------------------
def _one(check: Callable[[pd.Series], pd.Series], value: Any) -> bool:
    series = pd.Series([value], dtype="str" if isinstance(value, str) else object)
    return bool(check(series).iloc[0])


def email_ok(value: Any) -> bool:
    """``is_email`` for one value (True for None)."""
    return _one(is_email, value)


def e164_ok(value: Any) -> bool:
    """``is_e164`` for one value (True for None)."""
    return _one(is_e164, value)


def phone_number_ok(value: Any) -> bool:
    """``is_phone_number`` for one value (True for None)."""
    return _one(is_phone_number, value)


def language_tag_ok(value: Any) -> bool:
    """``is_language_tag`` for one value (True for None)."""
    return _one(is_language_tag, value)


def url_ok(value: Any) -> bool:
    """``is_url`` for one value (True for None)."""
    return _one(is_url, value)


def slug_ok(value: Any) -> bool:
    """``is_slug`` for one value (True for None)."""
    return _one(is_slug, value)


def no_control_chars_ok(value: Any) -> bool:
    """``no_control_chars`` for one value (True for None)."""
    return _one(no_control_chars, value)


def json_list_of_str_ok(value: Any) -> bool:
    """``is_json_list_of_str`` for one value (True for None)."""
    return _one(is_json_list_of_str, value)


def valid_regex_ok(value: Any) -> bool:
    """``is_valid_regex`` for one value (True for None)."""
    return _one(is_valid_regex, value)


def sha256_hex_ok(value: Any) -> bool:
    """``is_sha256_hex`` for one value (True for None)."""
    return _one(is_sha256_hex, value)


def lowercase_ok(value: Any) -> bool:
    """``is_lowercase`` for one value (True for None)."""
    return _one(is_lowercase, value)


def not_blank_ok(value: Any) -> bool:
    """``not_blank`` for one value (True for None)."""
    return _one(not_blank, value)


def argon2_hash_ok(value: Any) -> bool:
    """``is_argon2_hash`` for one value (True for None)."""
    return _one(is_argon2_hash, value)


def relative_path_ok(value: Any) -> bool:
    """``is_relative_path`` for one value (True for None)."""
    return _one(is_relative_path, value)
