"""Real browser: an admin uploads a CSV, adjusts the mapping, dry-runs, imports and downloads the rejected rows."""

from pathlib import Path

from playwright.sync_api import expect

from .conftest import ADMIN, choose, focus_grid_cell, sign_in, wait_for_app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "contacts_with_errors.csv"


def metric(page, label: str):
    return page.locator("[data-testid=stMetric]").filter(has_text=label).locator("[data-testid=stMetricValue]")


def test_upload_map_dry_run_import_and_download_the_rejects(page, tmp_path):
    sign_in(page, *ADMIN)
    page.get_by_role("link", name="Import contacts").click()
    wait_for_app(page)
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(SAMPLE))
    wait_for_app(page)
    expect(page.get_by_text("utf-8 (detected), comma delimiter (detected), 8 columns")).to_be_visible()

    # the notes column is not mapped automatically: send it to the job title
    expect(page.get_by_role("combobox", name="notes")).to_be_visible()
    choose(page, "notes", "Job title (job_title)")

    page.get_by_role("button", name="Dry run").click()
    wait_for_app(page)
    expect(page.get_by_text("Dry run: this is what the import would do. Nothing was written.")).to_be_visible()
    expect(metric(page, "New")).to_have_text("2")
    expect(metric(page, "Rejected")).to_have_text("10")

    page.get_by_role("button", name="Import", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Imported as batch #")).to_be_visible()
    expect(metric(page, "New")).to_have_text("2")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download rejected rows (CSV)").click()
    assert download.value.suggested_filename == "contacts_with_errors-rejects.csv"
    saved = tmp_path / "rejects.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "email,first_name,last_name,phone,language,subscription,external_id,notes,errors"
    assert lines[1] == "not-an-email,Liam,Brown,+14155550102,en,basic,ext-2,bad email,line 3: email: not a valid " \
                       "email address (not-an-email)"
    assert sum(1 for line in lines if ",line " in line or '"line ' in line) == 10

    # the imported rows are there for agents, with the mapped job title
    page.get_by_role("link", name="Contacts", exact=True).click()
    wait_for_app(page)
    page.get_by_role("textbox", name="Search").fill("ok.twelve@example.com")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("exact match")).to_be_visible()
    focus_grid_cell(page, 0)
    wait_for_app(page)
    form = page.locator("[data-testid=stForm]")
    expect(form.get_by_role("textbox", name="Job title")).to_have_value("fine")  # from the remapped notes column
    expect(form.get_by_role("textbox", name="First name")).to_have_value("Grace")
