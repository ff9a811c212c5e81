"""AppTest: the contact attributes page with seeded editor state, moves, save, errors, history."""

import pytest

from inbox import attributes as attrs
from inbox.models import Actor
from tests.support.navigation import open_page

from ..support.apptest import ADMIN, AGENT, shown
from ..support.engines import store_of
from ..support.members import seed_members

EDITOR = "attrs.editor.1"  # the first editor generation after the page loads


@pytest.fixture
def page(app):
    at = app(ADMIN)
    open_page(at, "attributes").run()
    assert not at.exception
    return at


def preview(at) -> str:
    """The agent panel preview: the markdown block listing the enabled attributes."""
    blocks = [m.value for m in at.main.markdown if ":gray[" in m.value]
    assert len(blocks) == 1, blocks
    return blocks[0]


def order_in(text: str, labels: list[str]) -> list[str]:
    return sorted(
        (lbl for lbl in labels if f":gray[{lbl}]" in text), key=lambda lbl: text.index(f":gray[{lbl}]")
    )


def test_agent_cannot_open_the_page(app):
    # not listed for an agent; its address only says who may see it
    at = open_page(app(AGENT), "attributes").run()
    assert [e.value for e in at.error] == ["Only admins can see the contact attributes."]
    assert not at.title and not at.dataframe and not at.button


def test_page_shows_the_layout_and_preview(page):
    assert page.title[0].value == "Contact attributes"
    text = preview(page)
    assert order_in(text, ["Email", "First name", "Language", "External ID"]) == [
        "Email",
        "First name",
        "Language",
    ]


def test_seeded_edits_reach_the_preview_before_saving(page, workspace_db):
    page.session_state[EDITOR] = {
        "edited_rows": {5: {"Enabled": False}, 6: {"Order": 0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    page.run()
    assert not page.exception and not page.error
    text = preview(page)
    assert "Job title" not in text
    assert order_in(text, ["Email", "Language"]) == ["Language", "Email"]
    assert any(
        shown(c.value).startswith("Unsaved: ") and "disabled Job title" in shown(c.value)
        for c in page.caption
    )
    with store_of(workspace_db) as store:
        assert attrs.load_layout(store)[0] == 1  # nothing saved yet


def test_save_applies_and_renumbers(page, workspace_db):
    page.session_state[EDITOR] = {
        "edited_rows": {5: {"Enabled": False}, 6: {"Order": 0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    page.run()
    page.button(key="attrs.save").click().run()
    assert [shown(s.value) for s in page.success] == ["Saved as version 2."]
    with store_of(workspace_db) as store:
        assert [a.key for a in attrs.enabled_attributes(store)][:2] == ["language", "email"]
        assert "job_title" not in [a.key for a in attrs.enabled_attributes(store)]


def test_bad_edit_names_the_row_and_disables_save(page, workspace_db):
    page.session_state[EDITOR] = {
        "edited_rows": {7: {"Options": " , "}},
        "added_rows": [],
        "deleted_rows": [],
    }
    page.run()
    assert "Row 8 (Subscription): a list attribute needs at least one option." in [
        shown(e.value) for e in page.error
    ]
    assert page.button(key="attrs.save").disabled
    with store_of(workspace_db) as store:
        assert attrs.load_layout(store)[0] == 1


def test_move_buttons(page):
    page.selectbox(key="attrs.pick").set_value("phone").run()
    page.button(key="attrs.move.top").click().run()
    assert order_in(preview(page), ["Email", "Phone"]) == ["Phone", "Email"]
    page.button(key="attrs.move.down").click().run()
    assert order_in(preview(page), ["Email", "Phone", "First name"]) == ["Email", "Phone", "First name"]


def test_discard_drops_staged_changes(page):
    page.selectbox(key="attrs.pick").set_value("phone").run()
    page.button(key="attrs.move.top").click().run()
    page.button(key="attrs.discard").click().run()
    assert order_in(preview(page), ["Email", "Phone"]) == ["Email", "Phone"]
    assert "Unsaved changes discarded." in [shown(s.value) for s in page.success]


def test_add_custom_attribute_then_save(page, workspace_db):
    page.text_input(key="attrs.new.label").input("Loyalty tier")
    page.selectbox(key="attrs.new.type").set_value("list")
    page.text_input(key="attrs.new.options").input("gold, silver")
    page.button(key="attrs.new.add").click().run()
    assert "Loyalty tier" in preview(page)
    page.button(key="attrs.save").click().run()
    with store_of(workspace_db) as store:
        tier = [a for a in attrs.enabled_attributes(store) if a.key == "loyalty_tier"]
        assert tier and tier[0].options == ("gold", "silver")


def test_add_with_a_builtin_key_is_refused(page):
    page.text_input(key="attrs.new.label").input("Mail")
    page.text_input(key="attrs.new.key").input("email")
    page.button(key="attrs.new.add").click().run()
    assert any("email" in e.value for e in page.error)


def test_stale_save_is_refused_with_a_reload(page, workspace_db):
    page.session_state[EDITOR] = {"edited_rows": {0: {"Label": "Mine"}}, "added_rows": [], "deleted_rows": []}
    page.run()
    with store_of(workspace_db) as store:  # another admin saves meanwhile
        seed_members(store, Actor("other@example.com", "admin"))
        version, layout = attrs.load_layout(store)
        layout[1]["label"] = "Theirs"
        attrs.save_layout(store, Actor("other@example.com", "admin"), layout, base_version=version)
    page.button(key="attrs.save").click().run()
    errors = [shown(e.value) for e in page.error]
    assert any("Another admin saved version 2" in e for e in errors)
    assert any("Your unsaved changes were: renamed Email to Mine" in e for e in errors)
    assert "Theirs" in preview(page)  # reloaded


def test_revert_from_history(page, workspace_db):
    page.selectbox(key="attrs.pick").set_value("phone").run()
    page.button(key="attrs.move.top").click().run()
    page.button(key="attrs.save").click().run()
    page.selectbox(key="attrs.revert.version").set_value(1).run()
    page.button(key="attrs.revert").click().run()
    assert "Reverted to version 1 (saved as version 3)." in [shown(s.value) for s in page.success]
    assert order_in(preview(page), ["Email", "Phone"]) == ["Email", "Phone"]


def test_add_shows_one_message_per_problem_beside_the_form_and_keeps_the_input(page):
    page.text_input(key="attrs.new.label").input("Email")  # its key, email, is taken
    page.button(key="attrs.new.add").click().run()
    assert [shown(e.value) for e in page.error] == [
        "The key email is already used by Email: choose another key."
    ]
    assert page.text_input(key="attrs.new.label").value == "Email"
    assert page.session_state["attrs.new.open"] is True  # the form stays open
    page.text_input(key="attrs.new.label").input("Tier")
    page.selectbox(key="attrs.new.type").set_value("list")
    page.button(key="attrs.new.add").click().run()
    assert [shown(e.value) for e in page.error] == ["Tier: a list attribute needs at least one option."]
    assert not page.success  # nothing at the top of the page either


def test_a_successful_add_clears_the_form(page):
    page.text_input(key="attrs.new.label").input("Tier")
    page.selectbox(key="attrs.new.type").set_value("list")
    page.text_input(key="attrs.new.options").input("gold, silver")
    page.button(key="attrs.new.add").click().run()
    assert [shown(s.value) for s in page.success] == ["Added Tier (tier) at the end: press Save to keep it."]
    assert page.text_input(key="attrs.new.label").value == ""
    assert page.text_input(key="attrs.new.options").value == ""
    assert page.selectbox(key="attrs.new.type").value == "text"
    assert "Tier" in preview(page)


def test_typing_an_order_puts_the_attribute_there_and_the_grid_is_re_sorted(page):
    page.session_state[EDITOR] = {"edited_rows": {6: {"Order": 2}}, "added_rows": [], "deleted_rows": []}
    page.run()  # Language (7th) typed 2
    assert not page.exception
    labels = ["Email", "First name", "Language", "Last name", "Phone"]
    assert order_in(preview(page), labels) == ["Email", "Language", "First name", "Last name", "Phone"]
    grid = page.session_state["attrs.draft"]  # a new editor over the re-sorted draft, no edits left
    assert [r["position"] for r in grid] == list(range(1, len(grid) + 1))
    assert [r["key"] for r in grid][:3] == ["email", "language", "first_name"]
    assert EDITOR not in page.session_state or not page.session_state[EDITOR]["edited_rows"]
    assert any("moved Language from 7 to 2" in shown(c.value) for c in page.caption)


def delete_dialog(page, key):
    page.selectbox(key="attrs.pick").set_value(key).run()
    page.button(key="attrs.delete").click().run()
    assert page.button(key="attrs.delete.confirm").label == "Delete attribute"


def test_delete_dialog_cancel_and_confirm_close_it(page, workspace_db):
    page.text_input(key="attrs.new.label").input("Tier")
    page.button(key="attrs.new.add").click().run()
    page.button(key="attrs.save").click().run()
    delete_dialog(page, "tier")
    assert any("0 contacts have a value for it" in w.value for w in page.warning)
    page.button(key="attrs.delete.cancel").click().run()
    assert not [b for b in page.button if b.key == "attrs.delete.confirm"] and "Tier" in preview(page)
    delete_dialog(page, "tier")
    page.button(key="attrs.delete.confirm").click().run()
    assert not [b for b in page.button if b.key == "attrs.delete.confirm"]  # closed
    assert [shown(t.value) for t in page.toast] == [
        "Tier removed: press Save to delete it and its values, or Discard to keep it."
    ]
    assert "Tier" not in preview(page) and page.selectbox(key="attrs.pick").value is None
    assert not page.error
    page.button(key="attrs.save").click().run()
    with store_of(workspace_db) as store:
        assert "tier" not in [a.key for a in attrs.all_attributes(store)]
