"""The use cases keep the database clean: `inbox check` passes after demo data and everyday work."""

from inbox import attributes as attrs
from inbox import contacts, inbound, workspace
from inbox.check import run_check
from inbox.demo import build_demo
from inbox.models import SYSTEM, Actor

from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
_members = members_fixture(AGENT)


def test_demo_then_everyday_work_stays_clean(store, tmp_path):
    build_demo(store, contacts=300)
    workspace.set_default_region(store, SYSTEM, "fr")
    workspace.set_plan(store, SYSTEM, "enterprise")
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Tier", key="tier", type="list", options=["gold", "silver"])
    layout = attrs.new_attribute(layout, label="Orders", key="orders", type="number")
    attrs.save_layout(store, SYSTEM, attrs.move(layout, "tier", "top"), base_version=version)
    f = tmp_path / "a.txt"
    f.write_text("hello")
    made = inbound.receive(store, "webchat", "visitor-1", "hi", attachments=[f])
    inbound.receive(store, "whatsapp", "+33600000001", "bonjour")
    c = contacts.get_contact(store, made["contact_id"])
    contacts.update_values(
        store,
        AGENT,
        c.id,
        c.version,
        {"first_name": "Zoé", "phone": "06 12 34 56 78", "tier": "Gold", "orders": "3", "language": "French"},
    )
    report = run_check(store)
    assert report.ok, report.lines()


def test_every_stored_table_has_a_pandera_schema(store):
    from validation.tables import TABLE_SCHEMAS

    with store.cursor() as cur:
        tables = store.dialect.table_names(cur)
    assert tables - {"schema_migrations"} == set(TABLE_SCHEMAS)


def test_import_and_undo_stay_clean(store):
    from pathlib import Path

    from inbox import imports

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    build_demo(store, contacts=50)
    first = imports.run_import(store, SYSTEM, samples / "hubspot_contacts.csv")
    imports.run_import(store, SYSTEM, samples / "excel_fr_contacts.csv")
    assert run_check(store).ok, run_check(store).lines()
    assert first.batch_id is not None and first.inserted > 0
    imports.undo(store, SYSTEM, first.batch_id)
    report = run_check(store)
    assert report.ok, report.lines()
