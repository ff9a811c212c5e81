"""What an import is told reaches what it does: explicit fallbacks and a template, the notes of every step,
the phone region (the import's own, else the workspace's), a spreadsheet's sheet and its error cells, and
the file's encoding, delimiter and header in the result and the batch."""

from __future__ import annotations

import json

from inbox import imports, workspace
from inbox.imports import ImportOptions
from inbox.models import SYSTEM

from ..support.imports import ADMIN, contacts, run, write
from ..support.members import members_fixture
from ..support.sheets import Formula, xlsx

members = members_fixture(ADMIN)


def _phones(store) -> dict[str, str | None]:
    return {c["email"]: c["phone"] for c in contacts(store)}


def test_fallbacks_notes_region_and_the_file_reach_the_result_and_the_batch(store, tmp_path):
    workspace.set_default_region(store, SYSTEM, "GB")
    path = write(
        tmp_path,
        "Email;Title;Job Title;Phone;Other\n"
        "ann@example.com;Dr;Buyer;06 12 34 56 78;\n"
        "bob@example.com;;Seller;;01 23 45 67 89\n",
        name="people.csv",
    )
    told = dict(fallbacks={"phone": ["Other"]}, options=ImportOptions(region="FR"))
    dry = run(store, path, actor=ADMIN, dry_run=True, **told)
    result = run(store, path, actor=ADMIN, **told)
    for r in (dry, result):
        assert (r.encoding, r.delimiter, r.columns, r.region) == (
            "utf-8",
            ";",
            ("Email", "Title", "Job Title", "Phone", "Other"),
            "FR",
        )
        assert r.fallbacks == {"phone": ["Other"]} and r.mapping["Other"] is None
        assert r.notes == [
            "Title is not mapped: Job Title maps to Job title",  # the automatic mapping's
            "Other also fills Phone when Phone is empty",  # the fallbacks'
            "Other filled Phone on 1 row where Phone was empty",  # the values'
        ]
    assert dry.dry_run is True and result.dry_run is False and dry.batch_id is None
    assert _phones(store) == {"ann@example.com": "+33612345678", "bob@example.com": "+33123456789"}
    batch = imports.batch(store, ADMIN, result.batch_id)
    assert (batch["encoding"], batch["delimiter"], batch["file_name"]) == ("utf-8", ";", "people.csv")
    assert json.loads(batch["mapping"])["fallbacks"] == {"phone": ["Other"]}


def test_without_a_region_of_its_own_an_import_reads_national_numbers_in_the_workspaces(store, tmp_path):
    workspace.set_default_region(store, SYSTEM, "GB")
    result = run(store, write(tmp_path, "Email,Phone\nann@example.com,07911 123456\n"), actor=ADMIN)
    assert result.region == "GB" and _phones(store) == {"ann@example.com": "+447911123456"}


def test_a_template_decides_what_the_automatic_mapping_would_not(store, tmp_path):
    path = write(tmp_path, "email,id,name\nann@example.com,77,Ann\n")
    assert run(store, path, actor=ADMIN, dry_run=True).mapping["id"] == "external_id"  # automatically
    result = run(store, path, actor=ADMIN, template="chatwoot contacts")
    assert result.mapping["id"] is None  # Chatwoot's own record id: not the customer's id
    [ann] = contacts(store)
    assert (ann["external_id"], ann["display_name"]) == (None, "Ann")


def test_a_sheet_is_named_with_its_file_and_its_error_cells_are_refused_by_line(store, tmp_path):
    path = xlsx(
        tmp_path / "book.xlsx",
        {
            "Empty": [],
            "People": [
                ["Email", "Job Title"],
                ["ann@example.com", Formula("=1/0", "#DIV/0!")],
                [Formula("=NA()", "#N/A"), "Buyer"],
                ["bob@example.com", "Seller"],
            ],
        },
    )
    result = run(store, path, actor=ADMIN, sheet="People", options=ImportOptions(invalid_values="reject-row"))
    assert (result.file_name, result.sheet) == ("book.xlsx › People", "People")
    assert (result.inserted, result.rejected) == (1, 2)
    reasons = " | ".join(result.rejects["errors"])
    assert "line 2: Job Title: the sheet shows an error here, not a value (#DIV/0!)" in reasons
    assert "; Email: the sheet shows an error here, not a value (#N/A)" in reasons.split("line 3: ")[1]
    assert imports.batch(store, ADMIN, result.batch_id)["file_name"] == "book.xlsx › People"
    assert [c["email"] for c in contacts(store)] == ["bob@example.com"]
