"""Phone numbers read exactly as libphonenumber reads them (``phonenumbers``): stored as E.164 with an RFC 3966 ``;ext=``.

``read_phone`` is the rule, one value at a time: ``phonenumbers.parse`` with the region for numbers
written without ``+country code``, then ``is_valid_number``; a number starting ``00`` that is not
valid in the region is read again as international (``00`` is the international prefix of most of
the world). A valid number is stored as ``+<country code><number>``, plus ``;ext=<digits>`` when an
extension was written (``ext. 12``, ``x12``, ``#12``, ``;ext=12``); anything else gets a reason.

``read_phones`` gives the same answer for a whole column: values written only with digits, spaces,
dashes, dots, brackets and slashes (and a leading ``+``) are settled vectorised by ``_Engine``, which
replays phonenumbers' parse and validity steps on its own metadata (national prefix, international
prefix, possible lengths, number-type patterns, main region and leading digits of shared country
codes); where a region's metadata needs a step the engine does not replay (a national-prefix
transform rule, a number starting with the region's country code without ``+``), those values go to
``read_phone``. tests/unit/test_phones.py checks the two agree on mutated example numbers.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import NumberParseException, PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, ValidationResult

EXTENSION = ";ext="
#: What a stored phone looks like (validity is ``valid_stored``'s business).
STORED_RE = r"\+[1-9][0-9]{3,19}(?:;ext=[0-9]{1,20})?"
_NOISE = r"[ \-.()/]"  # punctuation phonenumbers ignores in a number written with digits only
_LEADING_00 = re.compile(r"[\s(]*00")
_TYPES = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "voip", "personal_number", "pager",
          "uan", "voicemail")
_MIN_NSN, _MAX_NSN = 2, 17


# -- one value: the rule ---------------------------------------------------------------------
def _parse(text: str, region: str | None):
    try:
        return phonenumbers.parse(text, region, keep_raw_input=True), None
    except NumberParseException as exc:
        return None, exc


def stored_form(number) -> str:
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
_WHY = {"not_a_number": "not a phone number",
        "no_region": f"not a phone number: write it with its country code, {_EXAMPLE}",
        "no_code": "not a phone number: no country has this calling code",
        "few_digits": "not a phone number: too few digits",
        "many_digits": "not a phone number: too many digits",
        "short": "not a valid phone number: too few digits for {country}",
        "long": "not a valid phone number: too many digits for {country}",
        "range": "not a valid phone number for {country}: no such number range"}
_ERRORS = {NumberParseException.INVALID_COUNTRY_CODE: "no_code", NumberParseException.TOO_SHORT_NSN: "few_digits",
           NumberParseException.TOO_SHORT_AFTER_IDD: "few_digits", NumberParseException.TOO_LONG: "many_digits"}
_LENGTH_KINDS = {ValidationResult.TOO_SHORT: "short", ValidationResult.TOO_LONG: "long"}


@lru_cache(maxsize=4096)
def why(kind: str, code: int = 0, national_in: str | None = None) -> str:
    """The reason a number is refused, in words: ``kind`` of failure, its country calling code, and the
    region it was read in when written without its country code."""
    where = phonenumbers.region_code_for_country_code(code) if code else None
    country = f"{country_name(where)} (+{code})" if where not in (None, "ZZ", "001") else f"+{code}"
    text = _WHY[kind].format(country=country)
    if national_in and kind in ("short", "long", "range"):
        text += (f" (read as a national number of {country_name(national_in)}, region {national_in}: write it with"
                 f" its country code, {_EXAMPLE}, or choose another phone region)")
    return text


def _reason(text: str, number, error, region: str | None) -> str:
    if number is None:
        kind = _ERRORS.get(error.error_type, "not_a_number") if error is not None else "not_a_number"
        if kind == "no_code" and region is None and not re.match(r"[^0-9+\uff0b]*[+\uff0b]", text):
            kind = "no_region"  # (phonenumbers says "invalid country code" when no region was given)
        return why(kind)
    kind = _LENGTH_KINDS.get(phonenumbers.is_possible_number_with_reason(number), "range")
    national = number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
    return why(kind, number.country_code, region if national else None)


def read_phone(raw, region: str | None = None) -> tuple[str | None, str | None]:
    """``(stored form, None)`` for a valid number, ``(None, reason)`` otherwise.

    ``region`` (ISO 3166 code) reads numbers written without their country code.
    """
    if not isinstance(raw, str) or not raw.strip():
        return None, "not a phone number"
    text, region = raw.strip(), _region(region)
    number, error = _parse(text, region)
    if (number is None or not phonenumbers.is_valid_number(number)) and (lead := _LEADING_00.match(text)):
        again, _ = _parse("+" + text[lead.end():], None)
        if again is not None and phonenumbers.is_valid_number(again):
            number = again
    if number is not None and phonenumbers.is_valid_number(number):
        return stored_form(number), None
    return None, _reason(text, number, error, region)


#: What an identifier typed by a person must look like to be tried as a phone number.
PHONE_LIKE = r"\+?\(?[0-9][0-9 \-.()/]*(?:(?:[;,]?\s*(?:ext\.?|extension|x|#|;ext=)\s*|;ext=)[0-9]{1,20})?"


def phone_identifier(raw, region: str | None = None) -> str | None:
    """The stored form a typed phone stands for: its valid reading, else the E.164 phonenumbers parses (a
    number stored before the rules were strict can still be found, and erased); None when not a phone."""
    if not isinstance(raw, str) or not re.fullmatch(PHONE_LIKE, raw.strip(), re.IGNORECASE):
        return None
    found, _ = read_phone(raw, region)
    if found:
        return found
    text = raw.strip()
    lead = _LEADING_00.match(text)
    number, _ = _parse("+" + text[lead.end():], None) if lead else _parse(text, _region(region))
    return stored_form(number) if number is not None and sum(c.isdigit() for c in raw) >= 4 else None


def phone_region(stored) -> str | None:
    """The region (ISO 3166) of a stored number, None when it has none (non-geographic, unreadable)."""
    number, _ = _parse(stored.replace(EXTENSION, " ext. "), None) if isinstance(stored, str) else (None, None)
    region = phonenumbers.region_code_for_number(number) if number is not None else None
    return region if region not in (None, "001", "ZZ") else None


def display(stored) -> str:
    """A stored number as people read it: ``+33 6 12 34 56 78``, ``+1 650-253-0000 ext. 12``."""
    if not isinstance(stored, str) or not stored:
        return ""
    number, _ = _parse(stored.replace(EXTENSION, " ext. "), None)
    if number is None:
        return stored
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return text if not number.extension else text.replace(f" ext. {number.extension}", "") + \
        f" ext. {phonenumbers.normalize_digits_only(number.extension)}"


# -- a column: the vectorised engine ---------------------------------------------------------------
def _metadata(cc: int, region: str):
    if region == "001":
        return PhoneMetadata.metadata_for_nongeo_region(cc, None)
    return PhoneMetadata.metadata_for_region(region, None)


def _fullmatch(values: pa.Array, pattern: str | None) -> np.ndarray:
    if not pattern:
        return np.zeros(len(values), dtype=bool)
    return pc.match_substring_regex(values, f"^(?:{pattern})$").to_numpy(zero_copy_only=False).astype(bool)


def _bools(values) -> np.ndarray:
    return pc.fill_null(values, False).to_numpy(zero_copy_only=False).astype(bool)


def _length_kinds(lengths: np.ndarray, before: np.ndarray, main) -> np.ndarray:
    """``why`` kinds of invalid numbers by length: parse's limits, then ``is_possible_number_with_reason``
    (``_test_number_length`` on the main region of the calling code)."""
    possible = list(main.general_desc.possible_length)
    local = np.isin(lengths, list(main.general_desc.possible_length_local_only or ()))
    kinds = np.full(len(lengths), "range", dtype=object)
    kinds[~local & (lengths != possible[0]) & (lengths > possible[-1])] = "long"
    kinds[~local & (lengths < possible[0])] = "short"
    kinds[lengths > _MAX_NSN] = "many_digits"
    kinds[before < _MIN_NSN] = "few_digits"
    return kinds


def _lengths(values: pa.Array) -> np.ndarray:
    return pc.utf8_length(values).to_numpy(zero_copy_only=False)


def _matching(values: pa.Array, lengths: tuple[int, ...], pattern: str) -> np.ndarray:
    """phonenumbers' ``_is_number_matching_desc``: a possible length (any when none is given), then the
    whole pattern."""
    ok = np.isin(_lengths(values), list(lengths)) if lengths else np.ones(len(values), dtype=bool)
    if ok.any():
        ok[ok] = _fullmatch(values.filter(pa.array(ok)), pattern)
    return ok


_TYPE_TESTS: dict[int, tuple] = {}


def _type_tests(meta) -> tuple[tuple[tuple[int, ...], str], ...]:
    """The number types ``_number_type_helper`` tries, as few tests as possible: types with the same possible
    lengths share one alternation (any type matching is all validity needs)."""
    kinds = [getattr(meta, t) for t in _TYPES if not (t == "mobile" and meta.same_mobile_and_fixed_line_pattern)]
    if id(meta) in _TYPE_TESTS:  # (metadata objects live as long as the process and are not hashable)
        return _TYPE_TESTS[id(meta)]
    grouped: dict[tuple[int, ...], list[str]] = {}
    for desc in kinds:
        if desc is not None and desc.national_number_pattern:
            grouped.setdefault(tuple(desc.possible_length or ()), []).append(desc.national_number_pattern)
    tests = tuple((lengths, "|".join(f"(?:{p})" for p in patterns)) for lengths, patterns in grouped.items())
    return _TYPE_TESTS.setdefault(id(meta), tests)


def _known_type(values: pa.Array, meta) -> np.ndarray:
    """``_number_type_helper(...) != UNKNOWN``: the general description, then any number type."""
    general = meta.general_desc
    if general is None or not general.national_number_pattern:
        return np.zeros(len(values), dtype=bool)
    todo = _matching(values, tuple(general.possible_length or ()), general.national_number_pattern)
    found = np.zeros(len(values), dtype=bool)
    for lengths, pattern in _type_tests(meta):
        if not todo.any():
            break
        index = np.flatnonzero(todo)
        hit = index[_matching(values.take(pa.array(index)), lengths, pattern)]
        found[hit] = True
        todo[hit] = False
    return found


def _possible_after_strip(values: pa.Array, meta) -> np.ndarray:
    """``_test_number_length`` neither TOO_SHORT, IS_POSSIBLE_LOCAL_ONLY nor INVALID_LENGTH."""
    lengths = _lengths(values)
    possible = list(meta.general_desc.possible_length)
    local = list(meta.general_desc.possible_length_local_only or ())
    ok = (lengths == possible[0]) | np.isin(lengths, possible[1:]) | (lengths > possible[-1])
    return ok & ~np.isin(lengths, local) & (lengths >= possible[0])


def _cut(values: pa.Array, pattern: str) -> tuple[np.ndarray, pa.Array]:
    """Where ``re.match(pattern, value)`` matches, and the values with that match removed (RE2 picks the
    same leftmost-first match as Python's ``re``)."""
    if pattern.isdigit():
        matched = _bools(pc.starts_with(values, pattern))
        return matched, pc.if_else(pa.array(matched), pc.utf8_slice_codeunits(values, len(pattern)), values)
    head = f"^(?:{pattern})"
    matched = _bools(pc.match_substring_regex(values, head))
    return matched, pc.replace_substring_regex(values, head, "", max_replacements=1)


def _strip_national_prefix(numbers: pa.Array, meta) -> pa.Array:
    """``_maybe_strip_national_prefix_carrier_code`` then parse's length test (no transform rule)."""
    prefix = meta.national_prefix_for_parsing
    if not prefix or not len(numbers):
        return numbers
    matched, rest = _cut(numbers, prefix)
    matched &= _lengths(numbers) > 0
    if not matched.any():
        return numbers
    general = meta.general_desc.national_number_pattern
    refused = _fullmatch(numbers, general) & ~_fullmatch(rest, general)
    take = matched & ~refused & _possible_after_strip(rest, meta)
    return pc.if_else(pa.array(take), rest, numbers)


class _Engine:
    """Country code and national number of ``+digits`` (or national ``digits`` in ``region``), then validity."""

    def __init__(self, region: str | None):
        self.region = region
        self.meta = _metadata(0, region) if region else None

    def run(self, digits: pa.Array, plus: np.ndarray):
        """Per digit string: the stored form (None when invalid), whether it is settled (else ``read_phone``
        must read it), and for invalid ones the ``why`` arguments (kind, calling code, national region)."""
        n = len(digits)
        out = np.full(n, None, dtype=object)
        kind = np.full(n, None, dtype=object)
        codes = np.zeros(n, dtype=np.int64)
        national_in = np.full(n, None, dtype=object)
        settled = np.zeros(n, dtype=bool)
        body, international = digits, plus.copy()
        idd = self.meta.international_prefix if self.meta is not None else None
        if idd:  # _parse_prefix_as_idd: the prefix is not taken when a 0 follows it
            matched, after = _cut(digits, idd)
            matched &= ~plus & ~_bools(pc.starts_with(after, "0"))
            body = pc.if_else(pa.array(matched), after, digits)
            international |= matched
        lengths = _lengths(body)
        short = international & (lengths <= 2)  # too short after + or the prefix: parse raises
        settled |= short
        kind[short] = "few_digits"
        cc = np.zeros(n, dtype=np.int64)
        for size in (1, 2, 3):
            head = pc.utf8_slice_codeunits(body, 0, size)
            known = international & (cc == 0) & (lengths > 2) & _bools(pc.is_in(head, value_set=_CODE_TEXTS[size]))
            if known.any():
                cc[known] = pc.cast(head.filter(pa.array(known)), pa.int64()).to_numpy(zero_copy_only=False)
        # "+0…", an unknown code, or a national number starting with the region's own code: read_phone
        if self.meta is not None:
            national = ~international & ~_bools(pc.starts_with(body, str(self.meta.country_code)))
            cc[national] = self.meta.country_code
        for code in np.unique(cc[cc > 0]).tolist():
            main = _metadata(code, COUNTRY_CODE_TO_REGION_CODE[code][0])
            for inter, meta in ((True, main), (False, self.meta)):
                rows = np.flatnonzero((cc == code) & (international == inter))
                if not len(rows) or meta is None or meta.national_prefix_transform_rule:
                    continue  # a transform rule: read_phone
                nsn = body.take(pa.array(rows))
                if inter:
                    nsn = pc.utf8_slice_codeunits(nsn, len(str(code)))
                size = _lengths(nsn)  # (parse refuses under 2 digits before stripping, over 17 after)
                nsn = _strip_national_prefix(nsn, meta)
                valid = self._valid(code, nsn)
                out[rows[valid]] = pc.binary_join_element_wise(
                    pa.scalar(f"+{code}", nsn.type), nsn.filter(pa.array(valid)), pa.scalar("", nsn.type)).to_numpy(
                    zero_copy_only=False)
                settled[rows] = True
                codes[rows] = code
                national_in[rows[~valid]] = None if inter else self.region
                kind[rows[~valid]] = _length_kinds(_lengths(nsn), size, main)[~valid]
        return out, settled, (kind, codes, national_in)

    @staticmethod
    def _valid(code: int, nsn: pa.Array) -> np.ndarray:
        lengths = _lengths(nsn)
        todo = (lengths >= _MIN_NSN) & (lengths <= _MAX_NSN)
        regions = COUNTRY_CODE_TO_REGION_CODE[code]
        valid = np.zeros(len(nsn), dtype=bool)
        for region in regions:  # region_code_for_number: leading digits, else any known type
            meta = _metadata(code, region)
            if meta is None or not todo.any():
                continue
            index = np.flatnonzero(todo)
            subset = nsn.take(pa.array(index))
            if len(regions) > 1 and meta.leading_digits:
                mine = pc.match_substring_regex(subset, f"^(?:{meta.leading_digits})").to_numpy(
                    zero_copy_only=False).astype(bool)
                valid[index[mine]] = _known_type(subset.filter(pa.array(mine)), meta)
            else:
                known = _known_type(subset, meta)
                mine = known if len(regions) > 1 else np.ones(len(index), dtype=bool)
                valid[index[mine]] = known[mine]
            todo[index[mine]] = False
        return valid


_CODE_TEXTS = {size: pa.array([str(c) for c in COUNTRY_CODE_TO_REGION_CODE if len(str(c)) == size], pa.large_string())
               for size in (1, 2, 3)}


@lru_cache(maxsize=64)
def _engine(region: str | None) -> _Engine:
    return _Engine(region)


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


def read_phones(values: pd.Series, region: str | None = None, *, reasons: bool = True
                ) -> tuple[pd.Series, pd.Series]:
    """``read_phone`` for a column: (stored forms, reasons), both NaN where the value is missing (the
    reasons are left out when ``reasons`` is false)."""
    region = _region(region)
    text = values.astype("str").str.strip()
    present = (text.notna() & (text != "")).to_numpy(dtype=bool)
    result = np.full(len(values), None, dtype=object)
    said = np.full(len(values), None, dtype=object)
    candidates = pa.array(text.array).cast(pa.large_string()).filter(pa.array(present))
    at = np.flatnonzero(present)
    digits, fast = _digits(candidates)
    settled = np.zeros(len(candidates), dtype=bool)
    if fast.any():
        plus = _bools(pc.starts_with(digits, "+"))
        found, done, (kinds, codes, national_in) = _engine(region).run(pc.utf8_ltrim(digits, "+"), plus)
        index = np.flatnonzero(fast)
        # a 00 number the region does not read is read as international: read_phone
        done &= ~((found == None) & _bools(pc.starts_with(digits, "00")))  # noqa: E711
        result[at[index[done]]] = found[done]
        settled[index[done]] = True
        bad = done & (found == None)  # noqa: E711
        if reasons and bad.any():
            said[at[index[bad]]] = [why(k, c, r) for k, c, r in zip(kinds[bad], codes[bad].tolist(), national_in[bad])]
    if not settled.all():
        slow = np.flatnonzero(~settled)
        slow_values = candidates.take(pa.array(slow)).to_pylist()
        read = {value: read_phone(value, region) for value in set(slow_values)}
        result[at[slow]] = [read[v][0] for v in slow_values]
        if reasons:
            said[at[slow]] = [read[v][1] for v in slow_values]
    return (pd.Series(result, index=values.index, dtype="str"),
            pd.Series(said if reasons else None, index=values.index, dtype="str"))


def valid_stored(values: pd.Series) -> pd.Series:
    """Whether each stored value is a valid number in its stored form (missing passes)."""
    stored, _ = read_phones(values, None, reasons=False)
    return values.isna() | (stored == values).fillna(False).astype(bool)
