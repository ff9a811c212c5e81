"""What an import is told reaches what it does: explicit fallbacks and a template, the notes of every step,
the phone region (the import's own, else the workspace's), a spreadsheet's sheet and its error cells, and
the file's encoding, delimiter and header in the result and the batch."""

from __future__ import annotations

import json
from types import SimpleNamespace

from inbox import history, imports, workspace
from inbox import import_sheets as imports_sheets
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
    said: list[tuple[float, str]] = []
    result = run(
        store,
        write(tmp_path, "Email,Phone\nann@example.com,07911 123456\n"),
        actor=ADMIN,
        progress=lambda fraction, text: said.append((fraction, text)),
    )
    assert result.region == "GB" and _phones(store) == {"ann@example.com": "+447911123456"}
    assert (0.98, "wrote 1 of 1 contacts") in said  # one contact: the writing step ends at 98 %


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


def test_progress_time_and_every_kind_of_refusal_and_skipped_value(store, tmp_path, monkeypatch):
    run(store, write(tmp_path, "Email,Subscription\ncy@example.com,free\n", name="first.csv"), actor=ADMIN)
    path = write(
        tmp_path,
        "Email,Subscription,Language\n"
        "ann@example.com,gold,fr\n"  # line 2: a value that is not an option (left empty, reported)
        "bob@example.com,free,en,extra\n"  # line 3: one field too many (refused by the reader)
        "ann@example.com,free,de\n"  # line 4: the contact of line 2 again (refused by the plan)
        "cy@example.com,basic,it\n",  # line 5: an update
    )
    said: list[tuple[float, str]] = []
    clock: list[float] = []
    monkeypatch.setattr(
        imports, "time", SimpleNamespace(perf_counter=lambda: clock.pop() if clock else 101.23456)
    )
    for dry_run in (True, False):
        said.clear()
        clock[:] = [100.0]  # the start; every later reading is 101.23456
        result = run(
            store,
            path,
            actor=ADMIN,
            dry_run=dry_run,
            progress=lambda fraction, text: said.append((fraction, text)),
        )
        assert result.seconds == 1.235
        assert (result.rows, result.inserted, result.updated, result.rejected, result.skipped_values) == (
            4,
            1,
            1,
            2,
            1,
        )
        assert result.rejects[["status", "errors"]].values.tolist() == [
            [
                "imported without the invalid value",
                "line 2: Subscription: left empty: not one of: free, basic, premium, enterprise (gold)",
            ],
            ["rejected", "line 3: 4 fields instead of 3: the extra fields are kept in the last column"],
            ["rejected", "line 4: Email: duplicate of line 2 (same email)"],
        ]
    assert result.samples == {}  # (the real run: samples are a dry run's)
    assert said == [
        (0.2, "read 3 rows"),
        (0.45, "validated 3 rows"),
        (0.55, "matched the rows with existing contacts"),
        (0.98, "wrote 2 of 2 contacts"),
        (0.99, "committing"),
        (1.0, "done"),
    ]


def test_a_dry_run_shows_samples_and_writes_nothing(store, tmp_path):
    path = write(tmp_path, "Email,Language\nann@example.com,fr\nann@example.com,de\nbob@example.com,en\n")
    dry = run(store, path, actor=ADMIN, dry_run=True)
    assert [(s["line"], s["email"], s["language"]) for s in dry.samples["inserted"]] == [
        (2, "ann@example.com", "fr"),
        (4, "bob@example.com", "en"),
    ]
    assert dry.samples["rejected"] == [{"line": 3, "errors": "Email: duplicate of line 2 (same email)"}]
    assert contacts(store) == [] and imports.batches(store) == []
    many = write(tmp_path, "Email\n" + "".join(f"p{n}@example.com\n" for n in range(7)), name="many.csv")
    shown = run(store, many, actor=ADMIN, dry_run=True).samples["inserted"]
    assert [s["line"] for s in shown] == [2, 3, 4, 5, 6]  # five samples of each kind


def test_with_reject_row_an_invalid_optional_value_rejects_its_row(store, tmp_path):
    path = write(tmp_path, "Email,Subscription\nann@example.com,gold\nbob@example.com,free\n")
    result = run(store, path, actor=ADMIN, options=ImportOptions(invalid_values="reject-row"))
    assert (result.inserted, result.rejected, result.skipped_values) == (1, 1, 0)
    assert list(result.rejects["status"]) == ["rejected"]


def test_an_import_and_its_undo_are_in_the_contacts_history_with_the_batch_number(store, tmp_path):
    first = run(store, write(tmp_path, "Email,Job Title\nann@example.com,Buyer\n", name="a.csv"), actor=ADMIN)
    again = run(
        store, write(tmp_path, "Email,Job Title\nann@example.com,Seller\n", name="b.csv"), actor=ADMIN
    )
    [ann] = contacts(store)
    imports.undo(store, ADMIN, again.batch_id)
    rows = [(c.attribute, c.old, c.new, c.source, c.ref) for c in history.changes(store, ann["id"])]
    assert rows[:2] == [
        ("Job title", "Seller", "Buyer", "undo", str(again.batch_id)),
        ("Job title", "Buyer", "Seller", "import", str(again.batch_id)),
    ]
    assert {(c.source, c.ref) for c in history.changes(store, ann["id"])[2:]} == {
        ("import", str(first.batch_id))
    }


def test_values_joined_in_a_cell_are_read_in_the_imports_region_the_others_named_by_line(store, tmp_path):
    path = write(tmp_path, "Email,Phone\nann@example.com,06 12 34 56 78 ::: 01 23 45 67 89\n")
    result = run(store, path, actor=ADMIN, options=ImportOptions(region="FR"))
    assert _phones(store) == {"ann@example.com": "+33612345678"}
    assert result.notes == [
        "Phone: 1 row held several values joined by ':::'; the first valid one was imported",
        "Phone: 1 other value was not imported (add a text attribute with the key other_phones to keep"
        " them): line 2: 01 23 45 67 89",
    ]


def test_a_phone_a_sheet_typed_as_a_number_is_refused_by_line(store, tmp_path):
    path = xlsx(tmp_path / "phones.xlsx", {"People": [["Email", "Phone"], ["ann@example.com", 33612345678]]})
    result = run(store, path, actor=ADMIN, options=ImportOptions(invalid_values="reject-row"))
    assert result.rejected == 1 and contacts(store) == []
    assert list(result.rejects["errors"]) == [f"line 2: Phone: {imports_sheets.NUMBER_REASON} (33612345678)"]
