"""Import, validation: the same normalisation and checks as panel edits, every reason by column,
duplicates."""

import pandas as pd
import pytest

from inbox import attributes as attrs
from inbox import workspace
from inbox.models import SYSTEM
from validation.contact_import import check_import

from ..support.imports import contacts, run, values, write

ATTRS = [
    {"key": "email", "label": "Email", "type": "email", "options": [], "regex": None},
    {"key": "phone", "label": "Phone", "type": "phone", "options": [], "regex": None},
    {"key": "language", "label": "Language", "type": "text", "options": [], "regex": None},
    {
        "key": "subscription",
        "label": "Subscription",
        "type": "list",
        "options": ["free", "premium"],
        "regex": None,
    },
    {"key": "external_id", "label": "External ID", "type": "text", "options": [], "regex": None},
    {"key": "code", "label": "Code", "type": "text", "options": [], "regex": r"[A-Z]{2}\d{3}"},
    {"key": "orders", "label": "Orders", "type": "number", "options": [], "regex": None},
    {"key": "since", "label": "Since", "type": "date", "options": [], "regex": None},
    {"key": "vip", "label": "VIP", "type": "boolean", "options": [], "regex": None},
    {"key": "site", "label": "Site", "type": "url", "options": [], "regex": None},
]


def check(rows: dict, **kwargs):
    frame = pd.DataFrame(rows, dtype="str")
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    keys = set(frame.columns)
    return check_import(frame, [a for a in ATTRS if a["key"] in keys], **kwargs)


@pytest.mark.parametrize(
    "column,value,reason",
    [
        ("email", "ann.example.com", "not a valid email address: it must have an @"),
        ("phone", "12", "not a phone number: write it with its country code, such as +44 20 7946 0958"),
        ("language", "Elvish", "not a language: use a name such as French or a code such as fr, pt-BR"),
        ("subscription", "gold", "not one of: free, premium"),
        ("code", "ab123", r"does not match the pattern [A-Z]{2}\d{3}"),
        ("orders", "many", "not a number"),
        ("since", "31/12/2024", "not a date: use YYYY-MM-DD"),
        ("vip", "maybe", "not yes/no (use true/false, yes/no, 1/0)"),
        ("site", "ftp://x", "not a web address (http:// or https://)"),
        ("external_id", "a\x07b", "contains control characters"),
        ("external_id", "x" * 1001, "longer than 1000 characters"),
        (
            "contact.platform",
            "fax",
            "not a platform: use one of whatsapp, messenger, instagram, x, email, sms, webchat",
        ),
        ("contact.handle", "h" * 201, "not a handle: 1–200 characters on one line"),
    ],
)
def test_every_validation_reason(column, value, reason):
    rows = {"email": ["ok@example.com"], column: [value]}
    if column == "contact.platform":
        rows["contact.handle"] = ["someone"]
    if column == "contact.handle":
        rows["contact.platform"] = ["x"]
    typed, problems = check(rows)
    assert problems[["row", "column", "reason"]].values.tolist() == [[2, column, reason]]
    assert problems["value"].tolist() == [value]


def test_normalisation_matches_panel_edits():
    typed, problems = check(
        {
            "email": [" Ann@Example.COM "],
            "phone": ["06 12 34 56 78"],
            "language": ["Français"],
            "subscription": ["PREMIUM"],
            "orders": ["1,5"],
            "since": ["2024-02-29"],
            "vip": ["oui"],
            "site": ["example.com"],
            "contact.platform": [" WhatsApp "],
            "contact.handle": [" +33 "],
        },
        default_region="FR",
    )
    assert problems.empty
    row = typed.iloc[0]
    assert (row["email"], row["phone"], row["language"], row["subscription"]) == (
        "ann@example.com",
        "+33612345678",
        "fr",
        "premium",
    )
    assert (row["orders"], str(row["since"].date()), bool(row["vip"]), row["site"]) == (
        1.5,
        "2024-02-29",
        True,
        "https://example.com",
    )
    assert (row["contact.platform"], row["contact.handle"]) == ("whatsapp", "+33")


def test_a_row_gets_every_reason_by_column():
    _, problems = check({"email": ["bad@@x"], "phone": ["abc"], "language": ["xx"], "subscription": ["gold"]})
    assert problems["column"].tolist() == ["email", "phone", "language", "subscription"]
    assert set(problems["row"]) == {2}


def test_platform_and_handle_go_together_and_rows_need_an_identifier():
    _, problems = check(
        {
            "email": [None, None, None],
            "contact.platform": ["x", None, None],
            "contact.handle": [None, "@ann", None],
        }
    )
    nobody = "no identifier: the row needs an email, a phone, an external id, or a platform and handle"
    assert problems[["row", "column", "reason"]].values.tolist() == [
        [2, "contact.handle", "a platform needs a handle on the same row"],
        [2, None, nobody],
        [3, "contact.platform", "a handle needs a platform on the same row"],
        [4, None, nobody],
    ]


def test_in_file_duplicates_keep_the_first_line_and_name_it():
    _, problems = check(
        {
            "email": [
                "a@example.com",
                "A@EXAMPLE.COM ",
                "b@example.com",
                "c@example.com",
                None,
                "a@example.com",
            ],
            "phone": ["+33612345678", None, "06 12 34 56 78", None, None, None],
            "external_id": [None, None, None, "crm-1", "crm-1", None],
        },
        default_region="FR",
    )
    assert problems[["row", "column", "reason"]].values.tolist() == [
        [3, "email", "duplicate of line 2 (same email)"],
        [4, "phone", "duplicate of line 2 (same phone)"],
        [6, "external_id", "duplicate of line 5 (same external id)"],
        [7, "email", "duplicate of line 2 (same email)"],
    ]


def test_duplicate_platform_and_handle():
    _, problems = check(
        {"contact.platform": ["x", "X", "instagram"], "contact.handle": ["@ann", "@ann", "@ann"]}
    )
    assert problems[["row", "reason"]].values.tolist() == [
        [3, "duplicate of line 2 (same platform and handle)"]
    ]


def test_many_rows_are_checked_once_per_distinct_value(monkeypatch):
    import validation.contact_import as module

    calls = []
    real = module.check_values

    def spy(frame, *args, **kwargs):
        calls.append(len(frame))
        return real(frame, *args, **kwargs)

    monkeypatch.setattr(module, "check_values", spy)
    n = 30_000
    typed, problems = check(
        {"email": [f"u{i}@example.com" for i in range(n)], "language": ["English", "fr", "Elvish"] * (n // 3)}
    )
    assert calls == [n, 3]  # e-mails are all distinct: checked row by row; languages: 3 distinct values
    assert typed["language"].value_counts().to_dict() == {"en": n // 3, "fr": n // 3, "Elvish": n // 3}
    assert problems["row"].tolist() == list(range(4, n + 2, 3)) and set(problems["reason"]) == {
        "not a language: use a name such as French or a code such as fr, pt-BR"
    }


def test_imported_values_are_stored_typed(store, tmp_path):
    version, layout = attrs.load_layout(store)
    for label, key, kind in (
        ("Orders", "orders", "number"),
        ("Since", "since", "date"),
        ("VIP", "vip", "boolean"),
        ("Site", "site", "url"),
    ):
        layout = attrs.new_attribute(layout, label=label, key=key, type=kind)
    attrs.save_layout(store, SYSTEM, layout, base_version=version)
    workspace.set_default_region(store, SYSTEM, "FR")
    path = write(
        tmp_path,
        "Courriel;Téléphone;Langue;Orders;Since;VIP;Site\n"
        "Ann@Example.com;06 12 34 56 78;Français;3;2024-05-01;oui;example.org\n",
    )
    assert run(store, path).inserted == 1
    [c] = contacts(store)
    assert (c["email"], c["phone"], c["language"], c["platform"], c["handle"]) == (
        "ann@example.com",
        "+33612345678",
        "fr",
        "email",
        "ann@example.com",
    )
    got = {k: v for (cid, k), v in values(store).items()}
    assert got["orders"][1] == 3.0 and str(got["since"][2]) == "2024-05-01" and got["vip"][3] is True
    assert got["site"][0] == "https://example.org"


@pytest.mark.parametrize("region", ["FR", "US", "GB", "DE", "IN", "IT", "ES", "BR", "CA", "CN"])
def test_imported_phones_are_read_as_panel_edits_are(region):
    import random

    import phonenumbers
    from phonenumbers import PhoneNumberType

    from validation.contact_values import check_values

    rng, raw = random.Random(region), []
    for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.TOLL_FREE):
        example = phonenumbers.example_number_for_type(region, kind)
        digits = str(example.national_number) if example else ""
        for _ in range(30 if digits else 0):
            number = phonenumbers.parse(f"+{example.country_code}{digits[:-3]}{rng.randrange(1000):03d}")
            raw.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    raw += ["".join(rng.choice("0123456789 -") for _ in range(rng.randint(4, 14))) for _ in range(300)]
    raw += ["+33 6 12 34 56 78", "0033612345678", "abc", "", None]
    values = pd.Series(raw, dtype="str")
    attribute = {"key": "phone", "label": "Phone", "type": "phone", "options": [], "regex": None}
    typed, problems = check_import(
        pd.DataFrame({"phone": values}, index=range(2, 2 + len(values))), [attribute], default_region=region
    )
    reference, expected = check_values(
        pd.DataFrame({"phone": values}, index=range(2, 2 + len(values))), [attribute], default_region=region
    )
    assert typed["phone"].fillna("∅").tolist() == reference["phone"].fillna("∅").tolist()
    mine = problems[problems["column"] == "phone"]  # not the import's own rules (duplicates, no identifier)
    mine = mine[~mine["reason"].str.startswith("duplicate of line")]
    assert mine[["row", "reason"]].values.tolist() == expected[["row", "reason"]].values.tolist()
    assert typed["phone"].notna().sum() >= 60  # the usual national numbers of the region are read
