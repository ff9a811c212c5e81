"""Language names, codes and locale strings → normalised BCP 47 tags, with langcodes and language_data.

What is read (``to_language_tag``), case- and accent-insensitively, after trimming:

* **A tag or code**: ISO 639-1/2/3 codes and BCP 47 tags with script, region and variants
  (``fr``, ``FR``, ``fra``, ``fre``, ``pt-BR``, ``pt_br``, ``zh-Hans-CN``, ``sr-Latn-RS``,
  ``es-419``), also as a POSIX locale (``en_US``, ``fr_FR.UTF-8``, ``de_DE@euro``). The tag must
  be valid for langcodes (``Language.is_valid``: every subtag registered) and its language subtag
  must name one language in the IANA registry (an individual language or a macrolanguage): the
  special codes ``und``, ``mul``, ``mis``, ``zxx``, private use (``qaa``-``qtz``, ``x-…``, regions
  ``AA``, ``XA``-``XZ``, ``ZZ``), language families (``sla``, ``art``), retired codes without a
  successor, extlangs and extensions are refused. So ``xyz``, ``zz``, ``hello``, ``12``, ``C`` and
  ``pt-XX`` are refused. Every ISO 639-3 language counts, so a few 3-letter words are codes
  (``abc`` is Ambala Ayta); the panel shows the language's name next to its tag.
* **A name**: the exact English or French name of a language, or its own name (autonym), as in
  the CLDR and IANA data that langcodes uses (``Croatian``/``croate``/``hrvatski``,
  ``Norwegian Bokmål``, ``Tagalog``, ``Welsh``/``gallois``/``Cymraeg``, ``српски``, ``中文``,
  ``francais``), including names that carry a region or script (``Brazilian Portuguese`` →
  ``pt-BR``, ``Simplified Chinese`` → ``zh-Hans``) and our own display form with qualifiers in
  brackets (``Portuguese (Brazil)`` → ``pt-BR``). Names are never matched by prefix or guessed
  (``Language.find`` would read "Frenchy" as French): a name that differs from every known one,
  or that only matches different languages once accents are ignored, is refused; one or two Latin
  letters are a code or nothing (``e`` is not the E language).

Codes are tried before names (``ga`` is Irish, not the Ga language). A value that is read becomes
``langcodes.standardize_tag(tag, macro=True)``: lower-case language, title-case script, upper-case
region, deprecated codes replaced (``iw`` → ``he``, ``in`` → ``id``, ``tl`` → ``fil``, ``en-UK`` →
``en-GB``), 3-letter codes that have a 2-letter one shortened (``fra`` → ``fr``), a script that
goes without saying dropped (``en-Latn-US`` → ``en-US``), and the codes CLDR treats as the
macrolanguage written as it (``cmn`` → ``zh``, ``arb`` → ``ar``); ``no`` and ``nb`` stay apart.
A value that is not read is kept as given, so that ``is_language_tag`` refuses it with a reason.
Results are cached per distinct value: an import reads a million-row column in a few hundred calls.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import pandas as pd
from langcodes import Language, standardize_tag

_LOCALE = re.compile(
    r"([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)"
    r"(?:\.[A-Za-z0-9-]{1,20})?(?:@[A-Za-z0-9]{1,20})?"
)
_QUALIFIED = re.compile(r"([^()]+?)\s*\(([^()]+)\)")
_SHORT = re.compile(r"[a-z]{1,2}")
_NAME_LANGUAGES = ("en", "fr")  # names are read in English, French and the language's own


@functools.cache
def _registered() -> dict[str, frozenset[str]]:
    """Current IANA subtags by type: languages naming one language (individual or macrolanguage), and
    scripts and regions that name one (no private use, no "Code for uncoded script" and such)."""
    from language_data.registry_parser import parse_registry

    found: dict[str, set[str]] = {"language": set(), "script": set(), "region": set()}
    for r in parse_registry():
        if r.get("Type") not in found or "Deprecated" in r or ".." in r["Subtag"]:
            continue
        if r.get("Scope", "individual") not in ("individual", "macrolanguage"):
            continue
        if r["Description"][0] == "Private use" or r["Description"][0].startswith("Code for "):
            continue
        found[r["Type"]].add(r["Subtag"])
    return {kind: frozenset(subtags) for kind, subtags in found.items()}


def _from_tag(text: str) -> str | None:
    locale = _LOCALE.fullmatch(text)
    if locale is None:
        return None
    try:
        tag = standardize_tag(locale.group(1).replace("_", "-"), macro=True)
        lang = Language.get(tag)
        valid = lang.is_valid()
    except ValueError:  # LanguageTagError: not a tag at all
        return None
    known = _registered()
    if (
        not valid
        or lang.extlangs
        or lang.extensions
        or lang.private
        or lang.language not in known["language"]
    ):
        return None
    if lang.script and lang.script not in known["script"]:
        return None
    if lang.territory and lang.territory not in known["region"]:
        return None
    return tag


def _fold(name: str) -> str:
    """langcodes' name key (case-folded, brackets and hyphens dropped) without accents."""
    from language_data.names import normalize_name

    decomposed = unicodedata.normalize("NFKD", normalize_name(name))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _trie(language: str, kind: str) -> Any:
    from language_data.names import load_trie
    from language_data.util import data_filename

    try:
        return load_trie(data_filename(f"trie/{language}/name_to_{kind}.marisa"))
    except (OSError, RuntimeError):  # no names in that language
        return None


@functools.cache
def _name_index(kind: str = "language") -> tuple[dict[str, str], dict[str, str | None]]:
    """``(exact, folded)`` name → code for ``kind`` (language, territory or script): the English and
    French names, then own names (languages only); exact names keep the first source, a folded
    name that stands for several codes maps to ``None`` (ambiguous)."""
    sources = []
    for language in _NAME_LANGUAGES:
        trie = _trie(language, kind)
        sources.append([(key, value.decode("utf-8")) for key, value in (trie.items() if trie else [])])
    if kind == "language":
        from language_data.name_data import CODE_TO_NAMES
        from language_data.names import normalize_name

        sources.append(
            [
                (normalize_name(names[code]), code)
                for code, names in CODE_TO_NAMES.items()
                if code[:1].islower() and code in names
            ]
        )
    exact: dict[str, str] = {}
    folded: dict[str, str | None] = {}
    for source in sources:
        for key, code in source:
            exact.setdefault(key, code)
            fold = _fold(key)
            folded[fold] = code if folded.get(fold, code) == code else None
    return exact, folded


def _lookup(name: str, kind: str = "language") -> str | None:
    from language_data.names import normalize_name

    exact, folded = _name_index(kind)
    key = normalize_name(name)
    return exact[key] if key in exact else folded.get(_fold(name))


def _from_name(text: str) -> str | None:
    from language_data.names import normalize_name

    if _SHORT.fullmatch(normalize_name(text)):  # "e", "en-": one or two Latin letters are a code or nothing
        return None
    code = _lookup(text)
    tag = _from_tag(code) if code is not None else None
    # "Portuguese (Brazil)", "Chinese (Simplified, China)"
    qualified = None if tag else _QUALIFIED.fullmatch(text)
    if qualified is None or (base := _from_name(qualified.group(1))) is None:
        return tag
    parts = dict(Language.get(base).to_dict())  # a copy: langcodes caches the dict of each tag
    for qualifier in qualified.group(2).split(","):
        territory, script = _lookup(qualifier, "territory"), _lookup(qualifier, "script")
        if (territory is None) == (script is None):
            return None
        key, value = ("territory", territory) if territory else ("script", script)
        if parts.get(key) not in (None, value):
            return None
        parts[key] = value
    return _from_tag(Language.make(**parts).to_tag())


@functools.lru_cache(maxsize=16_384)
def _read(text: str) -> str | None:
    return _from_tag(text) or _from_name(text)


def to_language_tag(value: object) -> str | None:
    """``'Français'``, ``'fr_FR.UTF-8'``, ``'FR'`` → ``'fr'``; ``'Brazilian Portuguese'`` → ``'pt-BR'``;
    ``None`` when the value is not a language (or is empty). See the module docstring for the rule."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return _read(text) if text else None


def is_normalised_tag(value: object) -> bool:
    """True for a tag exactly as ``to_language_tag`` writes it (``pt-BR``; not ``pt_BR``, ``Portuguese``)."""
    return isinstance(value, str) and to_language_tag(value) == value


def normalise_languages(values: pd.Series) -> pd.Series:
    """Vectorised ``to_language_tag`` (computed once per distinct value); unknown values stay as given."""
    uniques = values.dropna().unique()
    mapping = {v: to_language_tag(v) or v for v in uniques}
    return values.map(mapping, na_action="ignore").astype("str")


def primary_language(tag: str) -> str:
    """The language subtag of a tag: ``'pt-BR'`` → ``'pt'``."""
    return tag.split("-", 1)[0]


@functools.lru_cache(maxsize=4_096)
def language_name(tag: str) -> str:
    """The English name of a normalised tag (``'pt-BR'`` → ``'Portuguese (Brazil)'``); others as given."""
    if not is_normalised_tag(tag):
        return tag
    return Language.get(tag).display_name("en")
