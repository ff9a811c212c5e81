"""Phone numbers read exactly as libphonenumber (``phonenumbers``) reads them: stored as E.164 with ``;ext=``.

``read_phone`` is the rule, one value at a time: ``phonenumbers.parse`` with the region for numbers
written without ``+country code``, then ``is_valid_number``; a number starting ``00`` that is not
valid in the region is read again as international (``00`` is the international prefix of most of
the world). A valid number is stored as ``+<country code><number>``, plus ``;ext=<digits>`` when an
extension was written (``ext. 12``, ``x12``, ``#12``, ``;ext=12``); anything else gets a reason.

``read_phones`` gives the same answer for a whole column: values written only with digits, spaces,
dashes, dots, brackets and slashes (and a leading ``+``) are settled vectorised by ``phone_engine``, which
replays phonenumbers' parse and validity steps on its own metadata (national prefix, international
prefix, possible lengths, number-type patterns, main region and leading digits of shared country
codes); where a region's metadata needs a step the engine does not replay (a national-prefix
transform rule, a number starting with the region's country code without ``+``), those values go to
``read_phone``. tests/unit/test_phones.py checks the two agree on mutated example numbers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import NumberParseException
from phonenumbers.phonenumberutil import ValidationResult

from .phone_engine import _bools, _engine

EXTENSION = ";ext="
_NOISE = r"[ \-.()/]"  # punctuation phonenumbers ignores in a number written with digits only
_LEADING_00 = re.compile(r"[\s(]*00")


# -- one value: the rule ---------------------------------------------------------------------
def _parse(text: str, region: str | None) -> tuple[Any, NumberParseException | None]:
    try:
        return phonenumbers.parse(text, region, keep_raw_input=True), None
    except NumberParseException as exc:
        return None, exc


def stored_form(number: phonenumbers.PhoneNumber) -> str:
    """A parsed number as stored: E.164, then ``;ext=`` and the extension's digits when it has one."""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    ext = phonenumbers.normalize_digits_only(number.extension or "")
    return e164 + (EXTENSION + ext if ext else "")


def _region(region: str | None) -> str | None:
    region = (region or "").strip().upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def country_name(region: str) -> str:
    """``'FR'`` → ``'France'`` (English), or the code itself when unknown."""
    import langcodes

    try:
        return langcodes.Language.make(territory=region).territory_name() or region
    except (ValueError, LookupError):
        return region


_EXAMPLE = "such as +44 20 7946 0958"
_WHY = {
    "not_a_number": "not a phone number",
    "no_region": f"not a phone number: write it with its country code, {_EXAMPLE}",
    "no_code": "not a phone number: no country has this calling code",
    "few_digits": "not a phone number: too few digits",
    "many_digits": "not a phone number: too many digits",
    "short": "not a valid phone number: too few digits for {country}",
    "long": "not a valid phone number: too many digits for {country}",
    "range": "not a valid phone number for {country}: no such number range",
}
_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "no_code",
    NumberParseException.TOO_SHORT_NSN: "few_digits",
    NumberParseException.TOO_SHORT_AFTER_IDD: "few_digits",
    NumberParseException.TOO_LONG: "many_digits",
}
_LENGTH_KINDS = {ValidationResult.TOO_SHORT: "short", ValidationResult.TOO_LONG: "long"}


@lru_cache(maxsize=4096)
def why(kind: str, code: int = 0, national_in: str | None = None) -> str:
    """The reason a number is refused, in words: ``kind`` of failure, its country calling code, and the
    region it was read in when written without its country code."""
    where = phonenumbers.region_code_for_country_code(code) if code else None
    country = f"{country_name(where)} (+{code})" if where not in (None, "ZZ", "001") else f"+{code}"
    text = _WHY[kind].format(country=country)
    if national_in and kind in ("short", "long", "range"):
        text += (
            f" (read as a national number of {country_name(national_in)}, region {national_in}:"
            f" write it with its country code, {_EXAMPLE}, or choose another phone region)"
        )
    return text


def _reason(text: str, number: Any, error: NumberParseException | None, region: str | None) -> str:
    if number is None:
        kind = _ERRORS.get(error.error_type, "not_a_number") if error is not None else "not_a_number"
        if kind == "no_code" and region is None and not re.match(r"[^0-9+\uff0b]*[+\uff0b]", text):
            kind = "no_region"  # (phonenumbers says "invalid country code" when no region was given)
        return why(kind)
    kind = _LENGTH_KINDS.get(phonenumbers.is_possible_number_with_reason(number), "range")
    national = number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
    return why(kind, number.country_code, region if national else None)


def read_phone(raw: object, region: str | None = None) -> tuple[str | None, str | None]:
    """``(stored form, None)`` for a valid number, ``(None, reason)`` otherwise.

    ``region`` (ISO 3166 code) reads numbers written without their country code.
    """
    if not isinstance(raw, str) or not raw.strip():
        return None, "not a phone number"
    text, region = raw.strip(), _region(region)
    number, error = _parse(text, region)
    if (number is None or not phonenumbers.is_valid_number(number)) and (lead := _LEADING_00.match(text)):
        again, _ = _parse("+" + text[lead.end() :], None)
        if again is not None and phonenumbers.is_valid_number(again):
            number = again
    if number is not None and phonenumbers.is_valid_number(number):
        return stored_form(number), None
    return None, _reason(text, number, error, region)


#: What an identifier typed by a person must look like to be tried as a phone number.
PHONE_LIKE = r"\+?\(?[0-9][0-9 \-.()/]*(?:(?:[;,]?\s*(?:ext\.?|extension|x|#|;ext=)\s*|;ext=)[0-9]{1,20})?"


def phone_identifier(raw: object, region: str | None = None) -> str | None:
    """The stored form a typed phone stands for: its valid reading, else the E.164 phonenumbers parses (a
    number stored before the rules were strict can still be found, and erased); None when not a phone."""
    if not isinstance(raw, str) or not re.fullmatch(PHONE_LIKE, raw.strip(), re.IGNORECASE):
        return None
    found, _ = read_phone(raw, region)
    if found:
        return found
    text = raw.strip()
    lead = _LEADING_00.match(text)
    number, _ = _parse("+" + text[lead.end() :], None) if lead else _parse(text, _region(region))
    return stored_form(number) if number is not None and sum(c.isdigit() for c in raw) >= 4 else None


def phone_region(stored: object) -> str | None:
    """The region (ISO 3166) of a stored number, None when it has none (non-geographic, unreadable)."""
    number, _ = _parse(stored.replace(EXTENSION, " ext. "), None) if isinstance(stored, str) else (None, None)
    region = phonenumbers.region_code_for_number(number) if number is not None else None
    return region if region not in (None, "001", "ZZ") else None


def display(stored: object) -> str:
    """A stored number as people read it: ``+33 6 12 34 56 78``, ``+1 650-253-0000 ext. 12``."""
    if not isinstance(stored, str) or not stored:
        return ""
    number, _ = _parse(stored.replace(EXTENSION, " ext. "), None)
    if number is None:
        return stored
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return (
        text
        if not number.extension
        else text.replace(f" ext. {number.extension}", "")
        + f" ext. {phonenumbers.normalize_digits_only(number.extension)}"
    )


# -- a column: the vectorised engine ---------------------------------------------------------------
def _digits(candidates: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Values written with digits and the punctuation phonenumbers ignores, a ``+`` only first: those digits
    (``+`` kept) and which values they are."""
    cleaned = pc.replace_substring(candidates, " ", "")
    other = _bools(pc.match_substring_regex(cleaned, _NOISE))
    if other.any():
        cleaned = pc.if_else(pa.array(other), pc.replace_substring_regex(cleaned, _NOISE, ""), cleaned)
    fast = _bools(pc.match_substring_regex(cleaned, r"^\+?[0-9]{4,}$"))
    fast &= _bools(pc.starts_with(cleaned, "+")) == _bools(pc.starts_with(candidates, "+"))
    return cleaned.filter(pa.array(fast)), fast


_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str"


def _column(rows: list[np.ndarray], values: list[pa.Array], size: int, index: pd.Index) -> pd.Series:
    """A ``str`` Series of ``size`` holding ``values`` at ``rows`` (missing elsewhere), built in Arrow."""
    at = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    taker = np.full(size, -1, dtype=np.int64)
    taker[at] = np.arange(len(at))
    if values:
        joined = pa.concat_arrays([v.cast(pa.large_string()) for v in values])
    else:
        joined = pa.array([], pa.large_string())
    column = joined.take(pa.array(taker, mask=taker < 0))
    return pd.Series(column.to_pandas(types_mapper={pa.large_string(): _STR}.get).array, index=index)


def read_phones(
    values: pd.Series, region: str | None = None, *, reasons: bool = True
) -> tuple[pd.Series, pd.Series]:
    """``read_phone`` for a column: (stored forms, reasons), both NaN where the value is missing (the
    reasons are left out when ``reasons`` is false)."""
    region = _region(region)
    text = pa.array(values.astype("str").array)
    text = pc.utf8_trim_whitespace(
        (text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text).cast(pa.large_string())
    )
    present = _bools(pc.greater(pc.utf8_length(text), 0))
    candidates, at = text.filter(pa.array(present)), np.flatnonzero(present)
    digits, fast = _digits(candidates)
    settled = np.zeros(len(candidates), dtype=bool)
    rows, found, why_rows, whys = [], [], [], []
    if fast.any():
        plus = _bools(pc.starts_with(digits, "+"))
        engine = _engine(region)
        (valid_at, valid), done, (kinds, codes, national_in) = engine.run(pc.utf8_ltrim(digits, "+"), plus)
        index = np.flatnonzero(fast)
        bad = done.copy()
        bad[valid_at] = False
        # a 00 number the region does not read is read as international: read_phone
        retry = bad & _bools(pc.starts_with(digits, "00"))
        done &= ~retry
        bad &= ~retry
        rows.append(at[index[valid_at]])
        found.append(valid)
        settled[index[done]] = True
        if reasons and bad.any():
            why_rows.append(at[index[bad]])
            triples = zip(kinds[bad], codes[bad].tolist(), national_in[bad], strict=True)
            whys.append(pa.array([why(k, c, r) for k, c, r in triples], pa.large_string()))
    if not settled.all():
        slow = np.flatnonzero(~settled)
        slow_values = candidates.take(pa.array(slow)).to_pylist()
        read = {value: read_phone(value, region) for value in set(slow_values)}
        rows.append(at[slow])
        found.append(pa.array([read[v][0] for v in slow_values], pa.large_string()))
        if reasons:
            why_rows.append(at[slow])
            whys.append(pa.array([read[v][1] for v in slow_values], pa.large_string()))
    return (
        _column(rows, found, len(values), values.index),
        _column(why_rows, whys, len(values), values.index),
    )


def valid_stored(values: pd.Series) -> pd.Series:
    """Whether each stored value is a valid number in its stored form (missing passes)."""
    stored, _ = read_phones(values, None, reasons=False)
    return values.isna() | (stored == values).fillna(False).astype(bool)
