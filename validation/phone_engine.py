"""The vectorised half of ``validation.phones``: phonenumbers' parse and validity steps over Arrow columns."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

_TYPES = (
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)
_MIN_NSN, _MAX_NSN = 2, 17


def _metadata(cc: int, region: str) -> Any:  # PhoneMetadata, or None for an unknown region
    if region == "001":
        return PhoneMetadata.metadata_for_nongeo_region(cc, None)
    return PhoneMetadata.metadata_for_region(region, None)


def _fullmatch(values: pa.Array, pattern: str | None) -> np.ndarray:
    if not pattern:
        return np.zeros(len(values), dtype=bool)
    found: np.ndarray = pc.match_substring_regex(values, f"^(?:{pattern})$").to_numpy(zero_copy_only=False)
    return found.astype(bool)


def _bools(values: pa.Array) -> np.ndarray:
    found: np.ndarray = pc.fill_null(values, False).to_numpy(zero_copy_only=False)
    return found.astype(bool)


def _length_kinds(lengths: np.ndarray, before: np.ndarray, main: Any) -> np.ndarray:
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
    found: np.ndarray = pc.utf8_length(values).to_numpy(zero_copy_only=False)
    return found


def _matching(values: pa.Array, lengths: tuple[int, ...], pattern: str) -> np.ndarray:
    """phonenumbers' ``_is_number_matching_desc``: a possible length (any when none is given), then the
    whole pattern."""
    ok = np.isin(_lengths(values), list(lengths)) if lengths else np.ones(len(values), dtype=bool)
    if ok.any():
        ok[ok] = _fullmatch(values.filter(pa.array(ok)), pattern)
    return ok


_TYPE_TESTS: dict[int, tuple[tuple[tuple[int, ...], str], ...]] = {}


def _type_tests(meta: Any) -> tuple[tuple[tuple[int, ...], str], ...]:
    """The number types ``_number_type_helper`` tries, as few tests as possible: types with the same possible
    lengths share one alternation (any type matching is all validity needs)."""
    same_mobile = meta.same_mobile_and_fixed_line_pattern
    kinds = [getattr(meta, t) for t in _TYPES if not (t == "mobile" and same_mobile)]
    if id(meta) in _TYPE_TESTS:  # (metadata objects live as long as the process and are not hashable)
        return _TYPE_TESTS[id(meta)]
    grouped: dict[tuple[int, ...], list[str]] = {}
    for desc in kinds:
        if desc is not None and desc.national_number_pattern:
            grouped.setdefault(tuple(desc.possible_length or ()), []).append(desc.national_number_pattern)
    tests = tuple((lengths, "|".join(f"(?:{p})" for p in patterns)) for lengths, patterns in grouped.items())
    return _TYPE_TESTS.setdefault(id(meta), tests)


def _known_type(values: pa.Array, meta: Any) -> np.ndarray:
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


def _possible_after_strip(values: pa.Array, meta: Any) -> np.ndarray:
    """``_test_number_length`` neither TOO_SHORT, IS_POSSIBLE_LOCAL_ONLY nor INVALID_LENGTH."""
    lengths = _lengths(values)
    possible = list(meta.general_desc.possible_length)
    local = list(meta.general_desc.possible_length_local_only or ())
    ok = (lengths == possible[0]) | np.isin(lengths, possible[1:]) | (lengths > possible[-1])
    result: np.ndarray = ok & ~np.isin(lengths, local) & (lengths >= possible[0])
    return result


def _cut(values: pa.Array, pattern: str) -> tuple[np.ndarray, pa.Array]:
    """Where ``re.match(pattern, value)`` matches, and the values with that match removed (RE2 picks the
    same leftmost-first match as Python's ``re``)."""
    if pattern.isdigit():
        matched = _bools(pc.starts_with(values, pattern))
        return matched, pc.if_else(pa.array(matched), pc.utf8_slice_codeunits(values, len(pattern)), values)
    head = f"^(?:{pattern})"
    matched = _bools(pc.match_substring_regex(values, head))
    return matched, pc.replace_substring_regex(values, head, "", max_replacements=1)


def _prefix_stripped(numbers: pa.Array, meta: Any) -> tuple[np.ndarray, pa.Array]:
    """``_maybe_strip_national_prefix_carrier_code`` (no transform rule): whether it strips, and the number
    with the prefix cut (use it only where it strips)."""
    prefix = meta.national_prefix_for_parsing
    if not prefix or not len(numbers):
        return np.zeros(len(numbers), dtype=bool), numbers
    matched, rest = _cut(numbers, prefix)
    matched &= _lengths(numbers) > 0
    if matched.any():
        general = meta.general_desc.national_number_pattern
        matched &= ~(_fullmatch(numbers, general) & ~_fullmatch(rest, general))
    return matched, rest


def _strip_national_prefix(numbers: pa.Array, meta: Any) -> pa.Array:
    """The national prefix as parse strips it: ``_prefix_stripped``, kept when the length test allows."""
    stripped, rest = _prefix_stripped(numbers, meta)
    if not stripped.any():
        return numbers
    return pc.if_else(pa.array(stripped & _possible_after_strip(rest, meta)), rest, numbers)


def _too_long(values: pa.Array, meta: Any) -> np.ndarray:
    """``_test_number_length(...) == TOO_LONG``."""
    lengths, possible = _lengths(values), list(meta.general_desc.possible_length)
    local = np.isin(lengths, list(meta.general_desc.possible_length_local_only or ()))
    result: np.ndarray = (
        ~local & (lengths != possible[0]) & (lengths > possible[0]) & (lengths > possible[-1])
    )
    return result


class _Engine:
    """Country code and national number of ``+digits`` (or national ``digits`` in ``region``), validity."""

    def __init__(self, region: str | None):
        self.region = region
        self.meta = _metadata(0, region) if region else None

    def run(self, digits: pa.Array, plus: np.ndarray) -> tuple[Any, np.ndarray, tuple[np.ndarray, ...]]:
        """The valid numbers' positions and stored forms; per digit string whether it is settled (else
        ``read_phone`` must read it), and for invalid ones the ``why`` arguments (kind, calling code,
        national region)."""
        n = len(digits)
        found_rows, found_values = [], []
        kind = np.full(n, None, dtype=object)
        codes = np.zeros(n, dtype=np.int64)
        national_in = np.full(n, None, dtype=object)
        settled = np.zeros(n, dtype=bool)
        body, international = digits, plus.copy()
        idd = self.meta.international_prefix if self.meta is not None else None
        if idd and not plus.all():  # _parse_prefix_as_idd: the prefix is not taken when a 0 follows it
            matched, after = _cut(digits, idd)
            matched &= ~plus & ~_bools(pc.starts_with(after, "0"))
            if matched.any():
                body = pc.if_else(pa.array(matched), after, digits)
                international |= matched
        lengths = _lengths(body)
        short = international & (lengths <= 2)  # too short after + or the prefix: parse raises
        settled |= short
        kind[short] = "few_digits"
        cc = np.zeros(n, dtype=np.int64)
        for size in (1, 2, 3):
            head = pc.utf8_slice_codeunits(body, 0, size)
            listed = _bools(pc.is_in(head, value_set=_CODE_TEXTS[size]))
            known = international & (cc == 0) & (lengths > 2) & listed
            if known.any():
                cc[known] = pc.cast(head.filter(pa.array(known)), pa.int64()).to_numpy(zero_copy_only=False)
        # how the national number is read: 1 after + or the international prefix, 2 after the region's own
        # code written without + (_maybe_extract_country_code), 3 as a national number; 0 (a "+0…" or an
        # unknown code): read_phone
        how = np.where(cc > 0, 1, 0)
        if self.meta is not None:
            own = ~international & _bools(pc.starts_with(body, str(self.meta.country_code)))
            how[~international] = 3
            cc[~international] = self.meta.country_code
            if own.any() and not self.meta.national_prefix_transform_rule:
                full = body.filter(pa.array(own))
                after = pc.utf8_slice_codeunits(full, len(str(self.meta.country_code)))
                stripped, cut = _prefix_stripped(after, self.meta)
                rest = pc.if_else(pa.array(stripped), cut, after)
                general = self.meta.general_desc.national_number_pattern
                taken = (~_fullmatch(full, general) & _fullmatch(rest, general)) | _too_long(full, self.meta)
                if taken.any():
                    index = np.flatnonzero(own)[taken]
                    how[index] = 2
                    values = body.to_numpy(zero_copy_only=False).astype(object)
                    values[index] = rest.filter(pa.array(taken)).to_numpy(zero_copy_only=False)
                    body = pa.array(values, body.type)
            elif own.any():
                how[own] = 0
        for code in np.unique(cc[how > 0]).tolist():
            main = _metadata(code, COUNTRY_CODE_TO_REGION_CODE[code][0])
            for way, meta in ((1, main), (2, main), (3, self.meta)):
                rows = np.flatnonzero((cc == code) & (how == way))
                if not len(rows) or meta is None or meta.national_prefix_transform_rule:
                    continue  # a transform rule: read_phone
                inter = way != 3
                nsn = body.take(pa.array(rows))
                if way == 1:
                    nsn = pc.utf8_slice_codeunits(nsn, len(str(code)))
                before = _lengths(nsn)  # (parse refuses under 2 digits before stripping, over 17 after)
                nsn = _strip_national_prefix(nsn, meta)
                valid = self._valid(code, nsn)
                found_rows.append(rows[valid])
                found_values.append(
                    pc.binary_join_element_wise(
                        pa.scalar(f"+{code}", nsn.type), nsn.filter(pa.array(valid)), pa.scalar("", nsn.type)
                    )
                )
                settled[rows] = True
                codes[rows] = code
                national_in[rows[~valid]] = None if inter else self.region
                if not valid.all():
                    kind[rows[~valid]] = _length_kinds(_lengths(nsn), before, main)[~valid]
        found = (
            np.concatenate(found_rows) if found_rows else np.zeros(0, dtype=np.int64),
            pa.concat_arrays(found_values) if found_values else pa.array([], digits.type),
        )
        return found, settled, (kind, codes, national_in)

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
                mine = (
                    pc.match_substring_regex(subset, f"^(?:{meta.leading_digits})")
                    .to_numpy(zero_copy_only=False)
                    .astype(bool)
                )
                valid[index[mine]] = _known_type(subset.filter(pa.array(mine)), meta)
            else:
                known = _known_type(subset, meta)
                mine = known if len(regions) > 1 else np.ones(len(index), dtype=bool)
                valid[index[mine]] = known[mine]
            todo[index[mine]] = False
        return valid


_CODE_TEXTS = {
    size: pa.array([str(c) for c in COUNTRY_CODE_TO_REGION_CODE if len(str(c)) == size], pa.large_string())
    for size in (1, 2, 3)
}


@lru_cache(maxsize=64)
def _engine(region: str | None) -> _Engine:
    return _Engine(region)
