"""Import commit and undo guards: all or nothing, undo refused when contacts changed since, undo removes
exactly its batch (other batches, contacts that wrote in, other values stay)."""

from __future__ import annotations

import json

import pytest

from inbox import attributes as attrs
from inbox import contacts as contacts_uc
from inbox import imports, inbound
from inbox.errors import NotFound
from inbox.models import SYSTEM, Actor, utcnow

from ..support.imports import ADMIN, contacts, fingerprint, run, values, write
from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
members = members_fixture(ADMIN, AGENT)  # a write re-reads its acting member in the database


@pytest.fixture
def tiered(store):
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Tier", key="tier", type="text")
    attrs.save_layout(store, SYSTEM, layout, base_version=version)
    return store


def _by_email(store) -> dict[str, dict]:
    """Contacts by e-mail (a contact that wrote in by e-mail has it as its handle only)."""
    return {c["email"] or c["handle"]: c for c in contacts(store)}


def test_a_failure_while_writing_leaves_nothing_at_all(tiered, tmp_path, monkeypatch):
    run(tiered, write(tmp_path, "Email,Tier\nann@example.com,gold\n", name="a.csv"))
    before = fingerprint(tiered)
    real = tiered.imports.import_write

    def write_then_fail(cur, **kwargs):
        real(cur, **kwargs)  # everything is written inside the transaction…
        raise RuntimeError("disk full")  # …then the commit fails

    monkeypatch.setattr(tiered.imports, "import_write", write_then_fail)
    with pytest.raises(RuntimeError):
        run(
            tiered,
            write(tmp_path, "Email,Tier\nann@example.com,silver\nbob@example.com,bronze\n", name="b.csv"),
        )
    assert fingerprint(tiered) == before
    assert len(imports.batches(tiered)) == 1


def test_rejected_rows_are_never_written_and_the_rest_is(tiered, tmp_path):
    result = run(tiered, write(tmp_path, "Email,Tier\nann@example.com,gold\nnot-an-email,x\n,\n"))
    assert (result.inserted, result.rejected) == (1, 1)
    assert list(_by_email(tiered)) == ["ann@example.com"]


def test_undo_removes_exactly_its_batch(tiered, tmp_path):
    wrote_in = inbound.receive(tiered, "email", "walkin@example.com", "hello")["contact_id"]
    first = run(tiered, write(tmp_path, "Email,Tier\nann@example.com,gold\n", name="1.csv"))
    second = run(
        tiered, write(tmp_path, "Email,Tier\nbob@example.com,silver\nwalkin@example.com,vip\n", name="2.csv")
    )
    assert (second.inserted, second.updated) == (1, 1)
    done = imports.undo(tiered, ADMIN, second.batch_id)
    assert (done["removed"], done["restored"], done["already_deleted"]) == (1, 1, 0)
    people = _by_email(tiered)
    assert sorted(people) == ["ann@example.com", "walkin@example.com"]
    assert people["walkin@example.com"]["id"] == wrote_in
    assert values(tiered) == {(people["ann@example.com"]["id"], "tier"): ("gold", None, None, None)}
    statuses = {b["id"]: b["status"] for b in imports.batches(tiered)}
    assert statuses == {first.batch_id: "committed", second.batch_id: "undone"}


def test_undo_restores_a_replaced_value_and_removes_an_added_one(tiered, tmp_path):
    run(
        tiered,
        write(tmp_path, "Email,Tier,Job title\nann@example.com,gold,\nbob@example.com,,Chef\n", name="1.csv"),
    )
    before, values_before = contacts(tiered), values(tiered)
    second = run(
        tiered,
        write(
            tmp_path,
            "Email,Tier,Job title\nann@example.com,silver,Boss\nbob@example.com,bronze,Cook\n",
            name="2.csv",
        ),
    )
    assert second.updated == 2 and values(tiered) != values_before
    imports.undo(tiered, ADMIN, second.batch_id)
    assert values(tiered) == values_before
    after = contacts(tiered)
    assert [c["job_title"] for c in after] == [c["job_title"] for c in before]
    assert [c["version"] for c in after] == [c["version"] + 2 for c in before]


@pytest.mark.parametrize("change", ["value", "built_in", "message"])
def test_undo_is_refused_when_a_contact_changed_since(tiered, tmp_path, change):
    result = run(tiered, write(tmp_path, "Email,Tier\nann@example.com,gold\nbob@example.com,silver\n"))
    bob = _by_email(tiered)["bob@example.com"]
    if change == "value":
        contacts_uc.update_values(tiered, AGENT, bob["id"], bob["version"], {"tier": "platinum"})
    elif change == "built_in":
        contacts_uc.update_values(tiered, AGENT, bob["id"], bob["version"], {"first_name": "Robert"})
    else:
        inbound.receive(tiered, "email", "bob@example.com", "did you get my order?")
    snapshot = fingerprint(tiered)
    with pytest.raises(imports.UndoRefused) as refused:
        imports.undo(tiered, ADMIN, result.batch_id)
    assert [c["contact_id"] for c in refused.value.contacts] == [bob["id"]]
    assert refused.value.batch_id == result.batch_id
    assert fingerprint(tiered) == snapshot
    assert imports.batches(tiered)[0]["status"] == "committed"


def test_an_unchanged_batch_can_be_undone_after_an_unrelated_change(tiered, tmp_path):
    result = run(tiered, write(tmp_path, "Email,Tier\nann@example.com,gold\n"))
    other = inbound.receive(tiered, "email", "zed@example.com", "hi")["contact_id"]
    zed = contacts_uc.get_contact(tiered, other)
    contacts_uc.update_values(tiered, AGENT, other, zed.version, {"tier": "gold"})
    imports.undo(tiered, ADMIN, result.batch_id)
    assert list(_by_email(tiered)) == ["zed@example.com"]
    assert values(tiered) == {(other, "tier"): ("gold", None, None, None)}


def test_only_admins_import_or_undo(tiered, tmp_path):
    path = write(tmp_path, "Email\nann@example.com\n")
    before = fingerprint(tiered)
    for call in (lambda: imports.run_import(tiered, AGENT, path), lambda: imports.undo(tiered, AGENT, 1)):
        with pytest.raises(Exception, match="only admins"):
            call()
    assert fingerprint(tiered) == before


def test_one_batch_is_read_by_its_number_by_admins_only(tiered, tmp_path):
    result = run(tiered, write(tmp_path, "Email,Tier\nann@example.com,gold\n", name="tiers.csv"), actor=ADMIN)
    found = imports.batch(tiered, ADMIN, result.batch_id)
    assert (found["id"], found["file_name"], found["created_by"], found["inserted"], found["status"]) == (
        result.batch_id,
        "tiers.csv",
        "admin@example.com",
        1,
        "committed",
    )
    assert found["match_order"] == "external_id,email,phone"  # the default order, as the history shows it
    assert json.loads(found["mapping"]) == {"Email": "email", "Tier": "tier"}
    with pytest.raises(NotFound, match=f"import {result.batch_id + 1} not found"):
        imports.batch(tiered, ADMIN, result.batch_id + 1)
    with pytest.raises(Exception, match="only admins"):
        imports.batch(tiered, AGENT, result.batch_id)


def test_a_template_keeps_its_non_ascii_headers_and_who_saved_it_and_when(tiered):
    before = utcnow()
    imports.save_template(tiered, ADMIN, "Fichier Zoé", {"Prénom": "first_name", "Niveau": "tier"})
    [saved] = imports.templates(tiered)
    assert saved["name"] == "Fichier Zoé" and saved["saved_by"] == "admin@example.com"
    assert saved["mapping"] == {"Prénom": "first_name", "Niveau": "tier"}
    assert before <= saved["saved_at"] <= utcnow()
