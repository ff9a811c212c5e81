"""Language names and locale tags → ISO 639-1 codes (English, French and native names)."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from .checks import ISO639_1_CODES

# name (lower-case, accents removed) → code; codes themselves map to themselves below.
_NAMES = {
    "en": "english anglais inglese ingles englisch",
    "fr": "french francais franzosisch frances francese",
    "de": "german allemand deutsch aleman tedesco",
    "es": "spanish espagnol espanol castellano spanisch spagnolo",
    "it": "italian italien italiano italienisch",
    "pt": "portuguese portugais portugues portugiesisch portoghese",
    "nl": "dutch neerlandais nederlands niederlandisch hollandais",
    "ar": "arabic arabe arabisch العربية",
    "zh": "chinese chinois mandarin 中文 汉语 chinesisch",
    "ja": "japanese japonais 日本語 japanisch",
    "ko": "korean coreen 한국어 koreanisch",
    "ru": "russian russe русский russisch",
    "el": "greek grec ελληνικα griechisch",
    "hi": "hindi हिन्दी हिंदी",
    "pl": "polish polonais polski polnisch",
    "tr": "turkish turc turkce turkisch",
    "sv": "swedish suedois svenska schwedisch",
    "da": "danish danois dansk danisch",
    "no": "norwegian norvegien norsk",
    "nb": "bokmal",
    "fi": "finnish finnois suomi finnisch",
    "cs": "czech tcheque cestina tschechisch",
    "uk": "ukrainian ukrainien українська",
    "he": "hebrew hebreu עברית",
    "vi": "vietnamese vietnamien tieng_viet",
    "th": "thai ไทย",
    "id": "indonesian indonesien bahasa_indonesia",
    "ro": "romanian roumain romana",
    "hu": "hungarian hongrois magyar",
    "ca": "catalan catala",
    "fa": "persian farsi persan فارسی",
    "bn": "bengali bangla বাংলা",
    "ur": "urdu ourdou اردو",
    "sw": "swahili kiswahili",
    "ms": "malay malais bahasa_melayu",
    "ta": "tamil tamoul தமிழ்",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace(" ", "_")


LANGUAGE_ALIASES: dict[str, str] = {code: code for code in ISO639_1_CODES}
for _code, _names in _NAMES.items():
    for _name in _names.split():
        LANGUAGE_ALIASES[_fold(_name)] = _code
_LOCALE = re.compile(r"^([a-z]{2})[-_][a-z0-9]{2,8}$")


def to_iso639_1(value) -> str | None:
    """``'Français'``, ``'fr-FR'``, ``'FR'`` → ``'fr'``; ``None`` when not recognised (or empty)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    folded = _fold(str(value))
    if not folded:
        return None
    if folded in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[folded]
    locale = _LOCALE.match(folded)
    return locale.group(1) if locale and locale.group(1) in ISO639_1_CODES else None


def normalise_languages(values: pd.Series) -> pd.Series:
    """Vectorised ``to_iso639_1`` (computed once per distinct value); unknown values stay as given."""
    uniques = values.dropna().unique()
    mapping = {v: to_iso639_1(v) or v for v in uniques}
    return values.map(mapping, na_action="ignore").astype("str")
