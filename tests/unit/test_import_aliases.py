"""Import matching after a merge: an e-mail, phone, external id or platform+handle that a merged contact
left to its survivor finds the survivor (no duplicate comes back), unless a contact holds it itself."""

import pytest

from inbox import merge

from ..support.imports import ADMIN, contacts, run, write
from ..support.members import members_fixture

_members = members_fixture(ADMIN)

TWO = (
    "External ID,Email,Phone,First name\n"
    "crm-1,ann@example.com,+33611111111,Ann\n"
    "crm-2,ann.lee@work.example,+33622222222,Annie\n"
)


@pytest.fixture
def survivor(store, tmp_path):
    run(store, write(tmp_path, TWO, name="two.csv"))
    a, b = (c["id"] for c in contacts(store))
    keep = {k: a for k in ("email", "phone", "external_id", "first_name")}
    merge.merge_contacts(store, ADMIN, a, [b], choices=keep)
    assert [c["id"] for c in contacts(store)] == [a]
    return a


@pytest.mark.parametrize(
    "csv",
    [
        "Email,Job title\nann.lee@work.example,CTO\n",
        "Phone,Job title\n+33622222222,CTO\n",
        "External ID,Job title\ncrm-2,CTO\n",
        "Platform,Handle,Job title\nemail,ann.lee@work.example,CTO\n",
    ],
    ids=["email", "phone", "external_id", "handle"],
)
def test_an_identifier_left_by_a_merge_updates_the_survivor(store, tmp_path, survivor, csv):
    result = run(store, write(tmp_path, csv))
    assert (result.inserted, result.updated, result.rejected) == (0, 1, 0)
    [only] = contacts(store)
    assert (only["id"], only["job_title"]) == (survivor, "CTO")
    # the identifiers the merge kept stay: the alias is not written over them
    kept = ("ann@example.com", "+33611111111", "crm-1")
    assert (only["email"], only["phone"], only["external_id"]) == kept
    again = run(store, write(tmp_path, csv, name="again.csv"))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)


def test_a_contact_holding_the_identifier_itself_wins_over_the_alias(store, tmp_path, survivor):
    run(store, write(tmp_path, "Email,First name\nother@example.com,Olga\n", name="other.csv"))
    other = next(c["id"] for c in contacts(store) if c["id"] != survivor)
    with store.tx() as cur:  # a contact that took the merged e-mail since
        cur.execute("UPDATE contacts SET email = 'ann.lee@work.example' WHERE id = ?", [other])
    result = run(store, write(tmp_path, "Email,Job title\nann.lee@work.example,CTO\n"))
    assert (result.inserted, result.updated) == (0, 1)
    titles = {c["id"]: c["job_title"] for c in contacts(store)}
    assert titles == {survivor: None, other: "CTO"}


def test_two_rows_reaching_the_survivor_are_one_contact_twice(store, tmp_path, survivor):
    result = run(store, write(tmp_path, "Email,Job title\nann@example.com,CTO\nann.lee@work.example,CEO\n"))
    assert (result.inserted, result.updated, result.rejected) == (0, 1, 1)
    assert result.rejects["errors"].tolist() == [f"line 3: matches the same contact #{survivor} as line 2"]
