"""Languages: names, codes and locales read into normalised BCP 47 tags; garbage refused; display names."""

import time

import pandas as pd
import pytest

from validation import checks
from validation.contact_values import check_values
from validation.languages import language_name, normalise_languages, primary_language, to_language_tag

LANGUAGE = [{"key": "language", "label": "Language", "type": "text", "options": [], "regex": None}]


@pytest.mark.parametrize(
    "value,tag",
    [
        # English, French and own names; any case, with or without accents
        ("Croatian", "hr"),
        ("croate", "hr"),
        ("Hrvatski", "hr"),
        ("HRVATSKI", "hr"),
        ("Norwegian Bokmål", "nb"),
        ("norsk bokmal", "nb"),
        ("Norwegian", "no"),
        ("norvégien", "no"),
        ("Welsh", "cy"),
        ("gallois", "cy"),
        ("Cymraeg", "cy"),
        ("српски", "sr"),
        ("Serbian", "sr"),
        ("Français", "fr"),
        ("francais", "fr"),
        ("FRANÇAIS", "fr"),
        ("French", "fr"),
        ("anglais", "en"),
        ("中文", "zh"),
        ("chinois", "zh"),
        ("Deutsch", "de"),
        ("allemand", "de"),
        ("español", "es"),
        ("Espanol", "es"),
        ("עברית", "he"),
        ("hébreu", "he"),
        ("العربية", "ar"),
        ("日本語", "ja"),
        ("한국어", "ko"),
        ("Ελληνικά", "el"),
        ("हिन्दी", "hi"),
        ("Farsi", "fa"),
        ("persan", "fa"),
        ("Esperanto", "eo"),
        ("Cantonese", "yue"),
        ("Mandarin", "zh"),
        ("Swiss German", "gsw"),
        # Tagalog: langcodes writes tl as fil (Filipino), as CLDR does
        ("Tagalog", "fil"),
        ("Filipino", "fil"),
        # names that carry a region or a script, and our own display form
        ("Brazilian Portuguese", "pt-BR"),
        ("Simplified Chinese", "zh-Hans"),
        ("Portuguese (Brazil)", "pt-BR"),
        ("portugais (Brésil)", "pt-BR"),
        ("Chinese (Simplified, China)", "zh-Hans-CN"),
        ("Serbian (Latin, Serbia)", "sr-Latn-RS"),
        ("English (United Kingdom)", "en-GB"),
        ("Spanish (Latin America)", "es-419"),
        # codes and tags, any case, - or _
        ("fr", "fr"),
        ("FR", "fr"),
        ("fra", "fr"),
        ("fre", "fr"),
        ("deu", "de"),
        ("ger", "de"),
        ("  en ", "en"),
        ("pt-BR", "pt-BR"),
        ("pt_br", "pt-BR"),
        ("PT-br", "pt-BR"),
        ("zh-Hans-CN", "zh-Hans-CN"),
        ("sr-Latn-RS", "sr-Latn-RS"),
        ("sr_latn_rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("ca-ES-valencia", "ca-ES-valencia"),
        ("en-Latn-US", "en-US"),
        ("yue", "yue"),
        ("tlh", "tlh"),
        # POSIX locales
        ("en_US", "en-US"),
        ("fr_FR.UTF-8", "fr-FR"),
        ("de_DE@euro", "de-DE"),
        ("pt_BR.utf8", "pt-BR"),
        # deprecated codes and the codes CLDR writes as their macrolanguage; no and nb stay apart
        ("iw", "he"),
        ("in", "id"),
        ("ji", "yi"),
        ("mo", "ro"),
        ("tl", "fil"),
        ("en-UK", "en-GB"),
        ("sh", "sr-Latn"),
        ("cmn", "zh"),
        ("arb", "ar"),
        ("zsm", "ms"),
        ("zh-yue", "yue"),
        ("no", "no"),
        ("nb", "nb"),
        ("nn", "nn"),
    ],
)
def test_real_world_values_become_normalised_tags(value, tag):
    assert to_language_tag(value) == tag
    assert checks.language_tag_ok(tag) and to_language_tag(tag) == tag  # stable: a stored tag reads as itself


@pytest.mark.parametrize(
    "value",
    [
        "xyz",
        "hello",
        "12",
        "zz",
        "xx",
        "e",
        "C",
        "POSIX",
        "",
        "   ",
        "Elvish",
        "Dothraki",
        "Frenchy",
        "Englishman",
        "French language",
        "Klingonese",
        "pt-XX",
        "en-Latnx",
        "en--US",
        "en-",
        "fr_FR.",
        "und",
        "mul",
        "mis",
        "zxx",
        "qaa",
        "qtz",
        "x-foo",
        "en-US-x-foo",
        "en-a-bbb",
        "sla",
        "art",
        "ar-arb",
        "Portuguese (Brazil, Portugal)",
        "French (Klingon)",
        "xyz (France)",
        "fr FR",
        "fr/FR",
        "#fr",
    ],
)
def test_garbage_is_refused_not_turned_into_a_language(value):
    assert to_language_tag(value) is None
    assert not checks.language_tag_ok(value) or value.strip() == ""


def test_non_text_is_not_a_language():
    assert [to_language_tag(v) for v in (None, 12, 3.5, float("nan"))] == [None] * 4


def test_check_accepts_only_the_normalised_form():
    values = pd.Series(["fr", "pt-BR", "French", "pt_BR", "FR", "fra", "iw", None], dtype="str")
    assert checks.is_language_tag(values).tolist() == [True, True, False, False, False, False, False, True]


def test_normalise_keeps_unreadable_values_for_the_check_to_refuse():
    values = pd.Series([" Portuguese (Brazil) ", "en_US", "Elvish", None, "Elvish"], dtype="str")
    assert normalise_languages(values).tolist()[:3] == ["pt-BR", "en-US", "Elvish"]
    assert normalise_languages(values).isna().tolist() == [False, False, False, True, False]


def test_check_values_reads_and_refuses_with_a_reason():
    frame = pd.DataFrame(
        {"language": ["Brazilian Portuguese", "fr_FR.UTF-8", "hello", "sr-latn-rs", None]}, dtype="str"
    )
    typed, problems = check_values(frame, LANGUAGE)
    assert typed["language"].tolist()[:4] == ["pt-BR", "fr-FR", "hello", "sr-Latn-RS"]
    assert problems[["row", "value", "reason"]].values.tolist() == [
        [2, "hello", "not a language: use a name such as French or a code such as fr, pt-BR"]
    ]


def test_a_big_column_is_read_once_per_distinct_value():
    column = pd.Series(["English", "fr", "pt-BR", "Elvish", None] * 200_000, dtype="str")
    to_language_tag("warm up")  # the name index loads once per process
    started = time.perf_counter()
    typed, problems = check_values(pd.DataFrame({"language": column}), LANGUAGE)
    assert time.perf_counter() - started < 10  # a few hundred ms: the values are read per distinct value
    assert typed["language"].value_counts().to_dict() == {
        "en": 200_000,
        "fr": 200_000,
        "pt-BR": 200_000,
        "Elvish": 200_000,
    }
    assert len(problems) == 200_000 and set(problems["value"]) == {"Elvish"}


@pytest.mark.parametrize(
    "tag,name",
    [
        ("pt-BR", "Portuguese (Brazil)"),
        ("fr", "French"),
        ("zh-Hans-CN", "Chinese (Simplified, China)"),
        ("sr-Latn-RS", "Serbian (Latin, Serbia)"),
        ("nb", "Norwegian Bokmål"),
        ("en-US", "English (United States)"),
        ("es-419", "Spanish (Latin America)"),
        ("yue", "Cantonese"),
        ("Elvish", "Elvish"),
        ("FR", "FR"),  # not a normalised tag: shown as stored
    ],
)
def test_language_name_in_english(tag, name):
    assert language_name(tag) == name


def test_primary_language():
    assert [primary_language(t) for t in ("pt-BR", "zh-Hans-CN", "fr", "ca-ES-valencia")] == [
        "pt",
        "zh",
        "fr",
        "ca",
    ]


def test_reading_a_qualified_name_changes_no_other_tag():
    from langcodes import Language

    for value in ("Portuguese (Brazil)", "French (Canada)", "Chinese (Traditional, Taiwan)"):
        assert to_language_tag(value) in ("pt-BR", "fr-CA", "zh-Hant-TW")
    assert [Language.get(t).to_dict() for t in ("pt", "fr", "zh")] == [
        {"language": t} for t in ("pt", "fr", "zh")
    ]
    assert (to_language_tag("pt"), language_name("fr"), to_language_tag("Chinese")) == ("pt", "French", "zh")
