"""The WHERE clause of a contact search: substring terms (anchored on their rarest character) and filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The orders a search may be sorted in besides the default (most recently updated first, which the search
#: window serves): each a fixed ORDER BY, never built from input; ``id`` last keeps pages stable.
ORDERS = {
    "name": "lower(strip_accents(coalesce(nullif(trim(concat_ws(' ', first_name, last_name)), ''),"
    " display_name, handle))), id",
    "created": "created_at DESC, id DESC",
    "created_asc": "created_at, id",
}

# Characters of the search text from most to least frequent (names, emails, phones, ids).
_RANK = {c: i for i, c in enumerate(" a0e13c4985627mroiln.-sptx@+ghudbkzvwj_yfq'")}


def _anchor(term: str) -> str:
    """The suffix of ``term`` that starts at its least frequent character.

    A substring test looks for the needle's first character and then compares byte by byte, so
    "a.hadd" costs about twice as much as "dd": testing the rarer suffix first lets the full test
    run only on the rows that contain it (it is implied by the term, so results are the same).
    """
    start = max(range(len(term)), key=lambda i: (_RANK.get(term[i], len(_RANK)), -i))
    return term[start:]


def where(
    terms: Sequence[str],
    platform: str | None,
    language: str | None,
    subscription: str | None,
    custom: dict[str, str] | None,
    vip: bool | None = None,
) -> tuple[str, list[Any]]:
    """`` WHERE …`` (or nothing) and its parameters: every term a substring of ``search_text``, the filters
    equal (a language also matches its regional variants), each custom ``key: value`` a stored text."""
    clauses: list[str] = []
    params: list[Any] = []
    for term in terms:
        anchor = _anchor(term)
        if anchor != term:
            clauses.append("contains(search_text, ?)")
            params.append(anchor)
        clauses.append("contains(search_text, ?)")
        params.append(term)
    for column, value in (("platform", platform), ("subscription", subscription)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if language:  # a language and its regional or script variants: pt finds pt, pt-BR and pt-PT
        clauses.append("(language = ? OR starts_with(language, ?))")
        params += [language, f"{language}-"]
    for key, value in (custom or {}).items():
        clauses.append(
            "id IN (SELECT contact_id FROM attribute_values WHERE attribute_key = ? AND value_text = ?)"
        )
        params += [key, value]
    if vip is not None:  # the VIP flag (``contact_vips``): VIPs only, or everyone else
        clauses.append(f"id {'' if vip else 'NOT '}IN (SELECT contact_id FROM contact_vips)")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def capped(total: int, cap: int | None) -> tuple[int, bool]:
    """``(count, is_floor)``: a count above ``cap`` is reported as ``cap`` and a floor."""
    return (int(total), False) if cap is None or total <= cap else (cap, True)
