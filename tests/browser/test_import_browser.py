"""Real browser: an admin uploads a CSV, adjusts the mapping, dry-runs, imports and downloads the rejected
rows."""

from pathlib import Path

from playwright.sync_api import expect

from ..support.browser import ADMIN, choose, focus_grid_cell, sign_in, wait_for_app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "contacts_with_errors.csv"
GOOGLE = SAMPLE.with_name("google_contacts.csv")


def metric(page, label: str):
    return (
        page.locator("[data-testid=stMetric]").filter(has_text=label).locator("[data-testid=stMetricValue]")
    )


def test_upload_map_dry_run_import_and_download_the_rejects(page, tmp_path):
    sign_in(page, *ADMIN)
    page.get_by_role("link", name="Import contacts").click()
    wait_for_app(page)
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(SAMPLE))
    wait_for_app(page)
    expect(page.get_by_text("utf-8 (detected), comma (,) delimiter (detected), 8 columns")).to_be_visible()

    # the notes column is not mapped automatically: send it to the job title
    expect(page.get_by_role("combobox", name="notes")).to_be_visible()
    choose(page, "notes", "Job title (job_title)")

    page.get_by_role("button", name="Dry run").click()
    wait_for_app(page)
    expect(
        page.get_by_text("Dry run: this is what the import would do. Nothing was written.")
    ).to_be_visible()
    expect(metric(page, "New")).to_have_text("5")  # bad optional values are left empty, their rows imported
    expect(metric(page, "Rejected")).to_have_text("7")
    expect(metric(page, "Values left empty")).to_have_text("3")

    page.get_by_role("button", name="Import", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Imported as batch #")).to_be_visible()
    expect(metric(page, "New")).to_have_text("5")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download rejected rows and left-empty values (CSV)").click()
    assert download.value.suggested_filename == "contacts_with_errors-rejects.csv"
    saved = tmp_path / "rejects.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert (
        lines[0] == "email,first_name,last_name,phone,language,subscription,external_id,notes,status,errors"
    )
    assert (
        lines[1]
        == "not-an-email,Liam,Brown,'+14155550102,en,basic,ext-2,bad email,rejected,line 3: email: not a "
        "valid email address: it must have an @ (not-an-email)"
    )
    assert sum(1 for line in lines if ",rejected," in line) == 7
    assert sum(1 for line in lines if ",imported without the invalid value," in line) == 3

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
    expect(form.get_by_role("textbox", name="Job title")).to_have_value(
        "fine"
    )  # from the remapped notes column
    expect(form.get_by_role("textbox", name="First name")).to_have_value("Grace")


def test_a_google_contacts_export_with_its_template(page):
    sign_in(page, *ADMIN)
    page.get_by_role("link", name="Import contacts").click()
    wait_for_app(page)
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(GOOGLE))
    wait_for_app(page)
    choose(page, "Start from a saved or built-in mapping", "Google Contacts (built-in)")
    wait_for_app(page)
    page.get_by_role("button", name="Import", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Imported as batch #")).to_be_visible()

    page.get_by_role("link", name="Contacts", exact=True).click()
    wait_for_app(page)
    page.get_by_role("textbox", name="Search").fill("Hélène Dubois")
    page.keyboard.press("Enter")
    wait_for_app(page)
    focus_grid_cell(page, 0)
    wait_for_app(page)
    form = page.locator("[data-testid=stForm]")
    # the first value of each ' ::: ' cell, the organisation's title as job title, the phone in E.164
    expect(form.get_by_role("textbox", name="Email")).to_have_value("helene.dubois@example.com")
    expect(form.get_by_role("textbox", name="Phone")).to_have_value("+33612345678")
    expect(form.get_by_role("textbox", name="Job title")).to_have_value("Gérante")
    expect(form.get_by_role("textbox", name="Last name")).to_have_value("Dubois")
