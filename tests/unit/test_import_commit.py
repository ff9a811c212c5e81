"""Import, dry run and commit: matching, conflict policies, batch stamp, versions, one all-or-nothing
transaction."""

import pytest

from inbox import attributes as attrs
from inbox import contacts as contacts_uc
from inbox import imports, inbound
from inbox.check import run_check
from inbox.errors import Conflict, PermissionDenied
from inbox.models import SYSTEM, Actor
from inbox.store import AREAS

from ..support.imports import ADMIN, contacts, fingerprint, run, values, write
from ..support.members import members_fixture

_members = members_fixture(ADMIN)

EXISTING = (
    "External ID,Email,Phone,First name,Last name,Job title,Tier\n"
    "crm-1,ann@example.com,+33611111111,Ann,Lee,Buyer,gold\n"
    "crm-2,bob@example.com,,Bob,,,\n"
)


@pytest.fixture
def seeded(store, tmp_path):
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Tier", key="tier", type="list", options=["gold", "silver"])
    attrs.save_layout(store, SYSTEM, layout, base_version=version)
    run(store, write(tmp_path, EXISTING, name="existing.csv"))
    return {c["email"]: c for c in contacts(store)}


def test_dry_run_writes_nothing_and_predicts_the_commit(store, seeded, tmp_path):
    path = write(
        tmp_path,
        "Email,First name,Tier\nann@example.com,Annie,silver\nbob@example.com,Bob,\n"
        "new@example.com,Nina,gold\nbad,X,\n",
    )
    before = fingerprint(store)
    dry = run(store, path, dry_run=True)
    assert fingerprint(store) == before
    assert (dry.inserted, dry.updated, dry.unchanged, dry.rejected, dry.batch_id) == (1, 1, 1, 1, None)
    assert dry.samples["inserted"] == [
        {
            "line": 4,
            "platform": "email",
            "handle": "new@example.com",
            "display_name": None,
            "email": "new@example.com",
            "first_name": "Nina",
            "last_name": None,
            "phone": None,
            "account_id": None,
            "job_title": None,
            "language": None,
            "subscription": None,
            "external_id": None,
            "values": {"tier": "gold"},
        }
    ]
    assert dry.samples["updated"] == [
        {
            "line": 2,
            "contact_id": seeded["ann@example.com"]["id"],
            "changes": {"first_name": ["Ann", "Annie"], "tier": ["gold", "silver"]},
        }
    ]
    assert dry.samples["unchanged"] == [{"line": 3, "contact_id": seeded["bob@example.com"]["id"]}]
    assert dry.samples["rejected"] == [
        {"line": 5, "errors": "Email: not a valid email address: it must have an @ (bad)"}
    ]
    done = run(store, path)
    assert (done.inserted, done.updated, done.unchanged, done.rejected) == (1, 1, 1, 1) and done.batch_id


def test_matching_order_external_id_then_email_then_phone(store, seeded, tmp_path):
    ann, bob = seeded["ann@example.com"], seeded["bob@example.com"]
    path = write(
        tmp_path, "External ID,Email,Phone,Job title\ncrm-2,ann@example.com,,CEO\n,,+33611111111,CFO\n"
    )
    result = run(store, path)
    assert (result.updated, result.inserted) == (2, 0)
    by_id = {c["id"]: c for c in contacts(store)}
    assert by_id[bob["id"]]["job_title"] == "CEO"  # the external id wins over the e-mail (ann's)
    assert by_id[bob["id"]]["email"] == "ann@example.com"  # …and the row's non-empty cells are imported
    assert by_id[ann["id"]]["job_title"] == "CFO"  # found by phone


@pytest.mark.parametrize(
    "order,expected",
    [(("external_id", "email"), "bob"), (("email", "external_id"), "ann"), (("phone",), "ann")],
)
def test_the_match_order_is_configurable(store, seeded, tmp_path, order, expected):
    path = write(tmp_path, "External ID,Email,Job title\ncrm-2,ann@example.com,Owner\n")
    result = run(store, path, options=imports.ImportOptions(match_order=order))
    assert (result.updated, result.inserted) == (1, 0)
    # with phone only, no key finds a contact: the (email, ann@example.com) handle a new contact would
    # get is Ann's, so the row updates Ann rather than duplicating her
    assert [c["id"] for c in contacts(store) if c["job_title"] == "Owner"] == [
        seeded[f"{expected}@example.com"]["id"]
    ]


def test_ambiguous_and_conflicting_matches_are_rejected(store, seeded, tmp_path):
    twin = inbound.receive(store, "x", "@ann", "hello")["contact_id"]
    made = contacts_uc.get_contact(store, twin)
    contacts_uc.update_values(store, ADMIN, twin, made.version, {"email": "ann@example.com"})
    ann = seeded["ann@example.com"]["id"]
    result = run(store, write(tmp_path, "Email,Job title\nann@example.com,CEO\n"))
    assert result.rejects["errors"].tolist() == [
        f"line 2: email matches 2 contacts (#{ann}, #{twin}): add an external id or platform and handle"
    ]
    path = write(tmp_path, "External ID,Platform,Handle,Job title\ncrm-2,x,@ann,CEO\n", name="clash.csv")
    assert run(store, path).rejects["errors"].tolist() == [
        f"line 2: platform and handle belong to contact #{twin} but the external_id matches contact "
        f"#{seeded['bob@example.com']['id']}"
    ]
    path = write(
        tmp_path,
        "External ID,Email,Job title\ncrm-1,,CEO\n,bob@example.com,CTO\ncrm-2,,CIO\n",
        name="same.csv",
    )
    assert run(store, path).rejects["errors"].tolist() == [
        f"line 4: matches the same contact #{seeded['bob@example.com']['id']} as line 3"
    ]
    path = write(tmp_path, "Platform,Handle,Job title\nx,@ann,Boss\n", name="handle.csv")
    assert (
        run(store, path).updated == 1 and contacts_uc.get_contact(store, twin).values["job_title"] == "Boss"
    )


def test_new_contacts_get_a_platform_and_handle(store, tmp_path):
    path = write(
        tmp_path,
        "Platform,Handle,Email,Phone,External ID\ninstagram,ann.lee,ann@example.com,,\n"
        ",,bob@example.com,+33622222222,\n,,,+33633333333,\n,,,,crm-9\n",
    )
    result = run(store, path, options=imports.ImportOptions(phone_platform="whatsapp"))
    assert [(c["platform"], c["handle"]) for c in contacts(store)] == [
        ("instagram", "ann.lee"),
        ("email", "bob@example.com"),
        ("whatsapp", "+33633333333"),
    ]
    assert result.rejects["errors"].tolist() == [
        "line 5: no contact matches, and a new contact needs an email, a phone, or platform and handle"
    ]
    # a contact that already has that platform and handle is matched, never duplicated
    made = inbound.receive(store, "email", "carol@example.com", "hi")
    assert (
        run(store, write(tmp_path, "Email,First name\ncarol@example.com,Carol\n", name="c.csv")).updated == 1
    )
    assert contacts_uc.get_contact(store, made["contact_id"]).values["first_name"] == "Carol"


@pytest.mark.parametrize(
    "policy,ann_after,bob_after,counts",
    [
        (
            "update",
            {"first_name": "Annie", "last_name": "Lee", "job_title": "CEO", "tier": "silver"},
            {"first_name": "Robert", "last_name": "Brown", "tier": "silver"},
            (2, 0, 0),
        ),
        (
            "fill-empty",
            {"first_name": "Ann", "last_name": "Lee", "job_title": "Buyer", "tier": "gold"},
            {"first_name": "Bob", "last_name": "Brown", "tier": "silver"},
            (1, 1, 0),
        ),
        (
            "skip",
            {"first_name": "Ann", "last_name": "Lee", "job_title": "Buyer", "tier": "gold"},
            {"first_name": "Bob", "last_name": None, "tier": None},
            (0, 0, 2),
        ),
    ],
)
def test_each_conflict_policy(store, seeded, tmp_path, policy, ann_after, bob_after, counts):
    path = write(
        tmp_path,
        "Email,First name,Last name,Job title,Tier\nann@example.com,Annie,,CEO,silver\n"
        "bob@example.com,Robert,Brown,,silver\n",
    )
    result = run(store, path, options=imports.ImportOptions(on_conflict=policy))
    assert (result.updated, result.unchanged, result.skipped, result.inserted) == (*counts, 0)
    ann = contacts_uc.get_contact(store, seeded["ann@example.com"]["id"])
    bob = contacts_uc.get_contact(store, seeded["bob@example.com"]["id"])
    assert {k: ann.values.get(k) for k in ann_after} == ann_after  # an empty cell never clears a value
    assert {k: bob.values.get(k) for k in bob_after} == bob_after
    assert (ann.version, bob.version) == {"update": (2, 2), "fill-empty": (1, 2), "skip": (1, 1)}[policy]


def test_changed_contacts_get_a_new_version_the_batch_stamp_and_fresh_search_text(store, seeded, tmp_path):
    path = write(
        tmp_path, "Email,Last name\nann@example.com,Lefèvre\nbob@example.com,\nzoe@example.com,Zoë\n"
    )
    result = imports.run_import(store, ADMIN, path)
    by_email = {c["email"]: c for c in contacts(store)}
    ann, bob, zoe = by_email["ann@example.com"], by_email["bob@example.com"], by_email["zoe@example.com"]
    assert (ann["version"], ann["updated_by"], bob["version"], zoe["version"]) == (2, ADMIN.email, 1, 1)
    assert (zoe["created_by"], zoe["updated_by"]) == (ADMIN.email, ADMIN.email)
    assert "lefevre" in ann["search_text"] and "zoe" in zoe["search_text"]
    stamped = store._rows(
        "SELECT contact_id, action, version_after FROM import_batch_contacts WHERE batch_id = ?"
        " ORDER BY contact_id",
        [result.batch_id],
    )
    assert stamped == [
        (ann["id"], "updated", 2),
        (zoe["id"], "inserted", 1),
    ]  # bob was unchanged: not stamped
    [batch] = [b for b in imports.batches(store) if b["id"] == result.batch_id]
    assert (
        batch["created_by"],
        batch["inserted"],
        batch["updated"],
        batch["unchanged"],
        batch["status"],
    ) == (ADMIN.email, 1, 1, 1, "committed")
    assert [r["id"] for r in contacts_uc.search(store, "lefevre").rows] == [ann["id"]]
    assert run_check(store).ok, run_check(store).lines()


def test_an_error_in_the_last_chunk_leaves_the_database_exactly_as_before(
    store, seeded, tmp_path, monkeypatch
):
    import inbox.store.imports as sql

    monkeypatch.setattr(sql, "CHUNK_ROWS", 3)
    rows = "".join(f"user{i}@example.com,User {i},silver\n" for i in range(10))
    path = write(tmp_path, "Email,First name,Tier\nann@example.com,Annie,silver\n" + rows)
    before, calls = fingerprint(store), []
    real = AREAS["imports"].import_write_chunk

    def failing(self, cur, batch_id, chunk, actor, at):
        calls.append(chunk)
        real(self, cur, batch_id, chunk, actor, at)
        if chunk == 3:  # the last of 4 chunks, after its rows were written
            raise RuntimeError("disk full")

    monkeypatch.setattr(AREAS["imports"], "import_write_chunk", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run(store, path)
    assert calls == [0, 1, 2, 3]
    assert fingerprint(store) == before
    monkeypatch.setattr(AREAS["imports"], "import_write_chunk", real)
    assert run(store, path).inserted == 10


def test_progress_is_reported_chunk_by_chunk(store, tmp_path, monkeypatch):
    import inbox.store.imports as sql

    monkeypatch.setattr(sql, "CHUNK_ROWS", 4)
    path = write(tmp_path, "Email\n" + "".join(f"u{i}@example.com\n" for i in range(10)))
    seen = []
    run(store, path, progress=lambda fraction, text: seen.append((fraction, text)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert [t for _, t in seen if t.startswith("wrote")] == [
        "wrote 4 of 10 contacts",
        "wrote 8 of 10 contacts",
        "wrote 10 of 10 contacts",
    ]


def test_imports_are_admin_only(store, tmp_path):
    with pytest.raises(PermissionDenied):
        run(store, write(tmp_path, "Email\na@example.com\n"), actor=Actor("agent@example.com", "agent"))


def test_options_are_checked(store, tmp_path):
    path = write(tmp_path, "Email\na@example.com\n")
    for options, message in (
        (imports.ImportOptions(on_conflict="merge"), "on-conflict must be one of"),
        (imports.ImportOptions(match_order=("name",)), "match order"),
        (imports.ImportOptions(phone_platform="fax"), "phone platform"),
    ):
        with pytest.raises(imports.InvalidInput, match=message):
            run(store, path, options=options)


def test_values_of_a_deleted_attribute_are_not_touched(store, seeded, tmp_path):
    before = values(store)
    path = write(tmp_path, "Email,Tier\nann@example.com,gold\n")
    assert run(store, path).unchanged == 1 and values(store) == before


def test_a_concurrent_change_is_reported_as_a_conflict_and_nothing_is_written(
    store, seeded, tmp_path, monkeypatch
):
    import duckdb

    def clash(self, cur, batch_id, chunk, actor, at):
        raise duckdb.TransactionException("Conflict on tuple deletion!")

    before = fingerprint(store)
    monkeypatch.setattr(AREAS["imports"], "import_write_chunk", clash)
    with pytest.raises(Conflict, match="changed in another session meanwhile; nothing was imported"):
        run(store, write(tmp_path, "Email,First name\nann@example.com,Annie\n"))
    assert fingerprint(store) == before
