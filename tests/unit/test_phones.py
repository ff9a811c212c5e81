"""Phone numbers: the vectorised reading agrees with phonenumbers on every value; real-world forms people
write."""

import pandas as pd
import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validation.contact_values import check_values
from validation.phones import display, phone_identifier, read_phone, read_phones

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
EXAMPLES = [
    (phonenumbers.format_number(n, fmt), r)
    for r in REGIONS
    for t in range(11)
    if (n := phonenumbers.example_number_for_type(r, t)) is not None
    for fmt in (
        phonenumbers.PhoneNumberFormat.E164,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
    )
]
PHONE = {"key": "phone", "label": "Phone", "type": "phone", "options": [], "regex": None}


def library(text: str, region: str | None) -> str | None:
    """What phonenumbers alone says (valid → E.164 + extension), plus our one documented rule: a number
    starting 00 that the region does not read is read as international."""
    for attempt in (text, "+" + text.lstrip(" (")[2:] if text.lstrip(" (").startswith("00") else None):
        if attempt is None:
            continue
        try:
            number = phonenumbers.parse(attempt, region if attempt is text else None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            ext = phonenumbers.normalize_digits_only(number.extension or "")
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) + (
                f";ext={ext}" if ext else ""
            )
    return None


@st.composite
def written(draw):
    """An example number of some region, written some way, maybe mutated as people and exports do."""
    text, home = draw(st.sampled_from(EXAMPLES))
    for _ in range(draw(st.integers(0, 3))):
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        step = draw(
            st.sampled_from(["drop", "add", "punctuate", "00", "(0)", "ext", "bracket", "space", "code"])
        )
        at = draw(st.sampled_from(digits)) if digits else 0
        if step == "drop" and digits:
            text = text[:at] + text[at + 1 :]
        elif step == "add":
            text = text[:at] + str(draw(st.integers(0, 9))) + text[at:]
        elif step == "punctuate":
            text = text.replace(" ", draw(st.sampled_from([".", "-", "", "  ", "/", " - "])))
        elif step == "00" and text.startswith("+"):
            text = "00" + text[1:]
        elif step == "(0)" and text.startswith("+"):
            head, _, tail = text.partition(" ")
            text = f"{head} (0){tail}"
        elif step == "ext":
            text += draw(st.sampled_from([" ext. 12", " x7", " #123", ";ext=45", " extension 9"]))
        elif step == "bracket" and len(text) > 5:
            text = "(" + text[:4] + ") " + text[4:]
        elif step == "space":
            text = " " + text + " "
        elif step == "code" and not text.startswith("+"):  # the country code written without + (1-650-…)
            text = (
                draw(st.sampled_from(["1", "33", "44", "49", "7", "39", "55", "61", "86"]))
                + draw(st.sampled_from([" ", "-", ""]))
                + text
            )
    region = draw(
        st.sampled_from([home, home, "US", "FR", "GB", "DE", "BR", "AR", "IN", "MX", "IT", "RU", None])
    )
    return text, region


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(written(), min_size=1, max_size=40))
def test_the_column_reading_agrees_with_phonenumbers_on_every_value(batch):
    for region in {r for _, r in batch}:
        texts = [t for t, r in batch if r == region]
        stored, reasons = read_phones(pd.Series(texts, dtype="str"), region)
        for text, got, why in zip(texts, stored, reasons, strict=True):
            expected = library(text, region)
            assert (None if pd.isna(got) else got) == expected, (text, region)
            assert read_phone(text, region) == (expected, None if expected else why), (text, region)
            if expected is None:
                assert isinstance(why, str) and why.startswith("not a")


def test_every_example_number_of_every_region_is_read_in_each_of_its_writings():
    for region in ("US", "FR", None):
        texts = [t for t, _ in EXAMPLES]
        stored, _ = read_phones(pd.Series(texts, dtype="str"), region)
        assert [None if pd.isna(v) else v for v in stored] == [library(t, region) for t in texts]
    international = [t for t, _ in EXAMPLES if t.startswith("+")]
    stored, _ = read_phones(pd.Series(international, dtype="str"), "FR")
    assert stored.notna().all()  # every region's example numbers are valid when written internationally


@pytest.mark.parametrize(
    "written,region,stored",
    [
        ("+33 (0)6 12 34 56 78", "US", "+33612345678"),
        ("+49 (0)30 901820", "US", "+4930901820"),
        ("+44 (0)20 7946 0958", "US", "+442079460958"),
        ("+41 (0)44 668 18 00", "US", "+41446681800"),
        ("+31 (0)20 123 4567", "US", "+31201234567"),
        ("+330612345678", "US", "+33612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("0033 6 12 34 56 78", "US", "+33612345678"),
        ("0049 30 901820", "US", "+4930901820"),
        ("(650) 253-0000", "US", "+16502530000"),
        ("1-650-253-0000", "US", "+16502530000"),
        ("1 (650) 253-0000", "CA", "+16502530000"),
        ("33 6 12 34 56 78", "FR", "+33612345678"),
        ("44 20 7946 0958", "GB", "+442079460958"),
        ("+1 650 253 0000 ext. 123", "FR", "+16502530000;ext=123"),
        ("+1 650 253 0000 x123", "FR", "+16502530000;ext=123"),
        ("+1 650 253 0000 #123", "FR", "+16502530000;ext=123"),
        ("+16502530000;ext=123", "FR", "+16502530000;ext=123"),
        ("tel:+1-650-253-0000;ext=123", None, "+16502530000;ext=123"),
        ("+683 7012", None, "+6837012"),  # Niue: 7 digits in all
    ],
)
def test_the_forms_people_write_are_stored_as_one_number(written, region, stored):
    assert read_phone(written, region) == (stored, None)
    assert read_phones(pd.Series([written]), region)[0].tolist() == [stored]


@pytest.mark.parametrize(
    "written,region,reason",
    [
        ("+33 6 12 34 56 7", None, "not a valid phone number: too few digits for France (+33)"),
        ("+33 6 12 34 56 78 9", None, "not a valid phone number: too many digits for France (+33)"),
        ("+999 1234 5678", None, "not a phone number: no country has this calling code"),
        ("+1 555 010 0000", None, "not a valid phone number for United States (+1): no such number range"),
        ("+44 20 7946 095", "FR", "not a valid phone number for United Kingdom (+44): no such number range"),
        ("0612 34 56", "FR", "read as a national number of France, region FR"),
        ("06 12 34 56 78", None, "not a phone number: write it with its country code"),
        ("call me", "FR", "not a phone number"),
    ],
)
def test_a_refused_number_says_why(written, region, reason):
    stored, why = read_phone(written, region)
    assert stored is None and reason in why
    assert read_phones(pd.Series([written]), region)[1].tolist() == [why]


def test_panel_and_import_check_keep_the_extension_and_refuse_wrong_numbers():
    typed, problems = check_values(
        pd.DataFrame({"phone": ["+1 650 253 0000 ext. 12", "+33 6 12 34 56 7", "+49 1524 897233", None]}),
        [PHONE],
        default_region="DE",
    )
    assert typed["phone"].tolist()[0] == "+16502530000;ext=12"
    assert problems["row"].tolist() == [1, 2]  # one digit short; a 152x mobile has 11 digits
    assert "Germany (+49)" in problems["reason"].iloc[1]


def test_lookups_read_any_writing_and_numbers_stored_before_the_rules():
    for written in ("+49 1524 8972331", "0049 1524 8972331", "01524 8972331"):
        assert phone_identifier(written, "DE") == "+4915248972331"
    assert phone_identifier("0049 1524 8972331", "US") == "+4915248972331"
    assert phone_identifier("+49 1524 897233", "DE") == "+491524897233"  # invalid now, still findable
    assert phone_identifier("ada_99", "DE") is None and phone_identifier("not a phone", None) is None


def test_a_stored_number_is_shown_as_people_read_it():
    assert display("+33612345678") == "+33 6 12 34 56 78"
    assert display("+16502530000;ext=12") == "+1 650-253-0000 ext. 12"
    assert display("not a number") == "not a number"


def test_the_panel_shows_a_phone_with_its_country():
    from inbox.contacts import phone_label

    assert phone_label("+16502530000;ext=12") == "+1 650-253-0000 ext. 12 · United States"
    assert phone_label("+33612345678") == "+33 6 12 34 56 78 · France"
    assert phone_label("+80012345678") == "+800 1234 5678"  # international freephone: no country
    assert phone_label(None) == ""


@pytest.mark.duckdb_only(
    "fixes data older DuckDB databases hold; on PostgreSQL the migration is a no-op (test_postgres_core.py)"
)
def test_migration_18_stores_phones_as_libphonenumber_reads_them(store):
    from inbox import contacts
    from inbox.store.migrations import MIGRATIONS
    from inbox.store.schema import SEARCH_TEXT_SQL

    rows = {1: "+330612345678", 2: "+33612345678", 3: "+491524897233", 4: None, 5: "+16502530000;ext=12"}
    with store.tx() as cur:
        for cid, phone in rows.items():
            cur.execute(
                "INSERT INTO contacts (id, platform, handle, phone, created_at, created_by, updated_at,"
                " updated_by) VALUES (?, 'sms', ?, ?, now(), 'test', now(), 'test')",
                [cid, f"handle-{cid}", phone],
            )
            cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = ?", [cid])
        cur.execute("DELETE FROM schema_migrations WHERE name = 'phone numbers as libphonenumber reads them'")
    assert store.migrate(MIGRATIONS) == [("core", "phone numbers as libphonenumber reads them")]
    got = dict(store._rows("SELECT id, phone FROM contacts"))
    # the "(0)" trunk prefix is gone; a number with no valid reading is kept for `inbox check` to report
    assert got == {
        1: "+33612345678",
        2: "+33612345678",
        3: "+491524897233",
        4: None,
        5: "+16502530000;ext=12",
    }
    assert "+33612345678" in store._rows("SELECT search_text FROM contacts WHERE id = 1")[0][0]
    assert [r["id"] for r in contacts.search(store, "+33 (0)6 12 34 56 78").rows] == [1, 2]
    assert [r["id"] for r in contacts.search(store, "+1 650 253 0000").rows] == [
        5
    ]  # the extension: found too


def test_an_sms_or_whatsapp_sender_is_one_contact_however_the_platform_writes_the_number(store):
    from inbox import contacts, inbound

    first = inbound.receive(store, "whatsapp", "+33 6 12 34 56 78", "Bonjour")
    again = inbound.receive(store, "whatsapp", "+33612345678", "Vous êtes là ?")
    assert first["new_contact"] and not again["new_contact"] and again["contact_id"] == first["contact_id"]
    saved = contacts.get_contact(store, first["contact_id"])
    assert (saved.handle, saved.values["phone"]) == ("+33612345678", "+33612345678")
    other = inbound.receive(store, "sms", "+33 6 12 34 56 78", "Hi")  # another channel: another contact
    assert other["new_contact"] and other["contact_id"] != first["contact_id"]
    with store.tx() as cur:  # a contact whose handle was stored as the platform wrote it, before
        cur.execute(
            "INSERT INTO contacts (platform, handle, created_at, created_by, updated_at, updated_by)"
            " VALUES ('whatsapp', '+44 20 7946 0958', now(), 't', now(), 't')"
        )
    legacy = store._rows("SELECT id FROM contacts WHERE handle = '+44 20 7946 0958'")[0][0]
    assert inbound.receive(store, "whatsapp", "+44 20 7946 0958", "Hello")["contact_id"] == legacy
    odd = inbound.receive(store, "whatsapp", "not-a-number", "?")  # kept as sent: a message is never refused
    assert contacts.get_contact(store, odd["contact_id"]).handle == "not-a-number"


def test_a_column_with_any_index_keeps_each_number_on_its_row():
    values = pd.Series(
        ["+44 20 7946 0958", None, "06 12 34 56 78", "+1 650 253 0000 x1", "bad"],
        index=[10, 3, 7, 42, 5],
        dtype="str",
    )
    stored, reasons = read_phones(values, "FR")
    assert stored.to_dict() == {
        10: "+442079460958",
        3: stored[3],
        7: "+33612345678",
        42: "+16502530000;ext=1",
        5: stored[5],
    }
    assert (
        pd.isna(stored[3])
        and pd.isna(stored[5])
        and pd.isna(reasons[3])
        and reasons[5] == "not a phone number"
    )


def test_a_column_held_in_several_arrow_chunks_is_read_whole():
    import pyarrow as pa

    chunks = pa.chunked_array(
        [["+33 6 12 34 56 78", None], ["+44 20 7946 0958", "06 12 34 56 78"]], pa.large_string()
    )
    values = pd.Series(
        chunks.to_pandas(
            types_mapper={pa.large_string(): pd.StringDtype("pyarrow", na_value=float("nan"))}.get
        ).array
    )
    assert isinstance(pa.array(values.array), pa.ChunkedArray)  # (what a large CSV read gives)
    assert read_phones(values, "FR")[0].fillna("").tolist() == [
        "+33612345678",
        "",
        "+442079460958",
        "+33612345678",
    ]
