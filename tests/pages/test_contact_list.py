"""AppTest: the Contacts page's list and URL — a wide list until a contact opens, chosen columns remembered
for the session, Clear filters, blank cells, plural-aware counts, ?contact=<id>, invalid identifiers."""

import pytest

from inbox import contacts, inbound
from inbox.models import Actor
from tests.support.navigation import open_page
from ui.contact_list import DEFAULT_COLUMNS

from ..support.apptest import AGENT, shown
from ..support.engines import store_of

SYSTEM_AGENT = Actor("agent@example.com", "agent")


@pytest.fixture
def ids(workspace_db):
    out = []
    with store_of(workspace_db) as store:
        for handle, values in [
            ("+33611111111", {"first_name": "Élodie", "last_name": "Durand", "email": "elodie@example.fr"}),
            ("+33622222222", {"first_name": "Marc", "last_name": "Petit"}),
        ]:
            c = contacts.get_contact(
                store, inbound.receive(store, "whatsapp", handle, "Bonjour")["contact_id"]
            )
            out.append(contacts.update_values(store, SYSTEM_AGENT, c.id, c.version, values).id)
    return out


@pytest.fixture
def page(app, ids):
    at = app(AGENT)
    open_page(at, "contacts").run()
    assert not at.exception
    return at


def table(at):
    [found] = [d for d in at.dataframe if (d.key or "").startswith("contacts.table.")]
    return found


def test_the_list_is_wide_until_a_contact_opens_then_beside_it_or_hidden(page, ids):
    assert list(table(page).value.columns) == ["Name", *DEFAULT_COLUMNS]
    assert not [c for c in page.columns if c.weight > 0.5]  # no contact open: the list has the whole width
    page.query_params["contact"] = str(ids[0])
    page.run()
    assert page.subheader[0].value == "Élodie Durand"
    weights = [round(c.weight, 3) for c in page.columns]
    three = [round(w / 15, 3) for w in (5, 6, 4)]  # list, messages, panel
    assert set(three) <= set(weights)
    page.toggle(key="contacts.side.pick").set_value(False).run()  # the contact alone: list hidden
    assert not [d for d in page.dataframe if (d.key or "").startswith("contacts.table.")]
    page.button(key="contacts.close").click().run()  # All contacts: back to the wide list
    assert "contact" not in page.query_params and not page.subheader
    assert table(page).value is not None


def test_chosen_columns_are_kept_for_the_session_and_empty_cells_are_blank(page, ids):
    page.multiselect(key="contacts.columns.pick").set_value(["Email", "ID", "Platform"]).run()
    frame = table(page).value
    assert list(frame.columns) == ["Name", "Email", "ID", "Platform"]
    assert set(frame["Platform"]) == {"WhatsApp"}  # the platform's name, not its code
    assert table(page).proto.placeholder == ""  # a missing email shows as a blank cell, not "None"
    open_page(page, "").run()  # another page, then back: the choice is remembered
    open_page(page, "contacts").run()
    assert list(table(page).value.columns) == ["Name", "Email", "ID", "Platform"]


def test_clear_filters_empties_the_search_and_every_filter_in_one_click(page):
    assert page.button(key="contacts.clear").disabled
    page.text_input(key="contacts.q").input("elodie").run()
    page.selectbox(key="contacts.platform").set_value("whatsapp").run()
    assert list(table(page).value["Name"]) == ["Élodie Durand"]
    assert page.expander[0].label == "Filters (1 on)"
    page.button(key="contacts.clear").click().run()
    assert page.text_input(key="contacts.q").value == ""
    assert page.selectbox(key="contacts.platform").value is None
    assert len(table(page).value) == 2 and page.button(key="contacts.clear").disabled


def test_counts_are_plural_aware(page):
    assert "1–2 of 2 contacts" in [c.value for c in page.caption]
    page.text_input(key="contacts.q").input("elodie").run()
    assert "1 contact" in [c.value for c in page.caption]


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("nobody@", "is not a valid email address."),
        ("#12a", "is not a valid contact number (# and digits, like #42)."),
        ("+1 2", "is not a valid phone number."),
    ],
)
def test_an_identifier_that_is_not_valid_is_called_invalid_not_not_found(page, query, problem):
    page.text_input(key="contacts.q").input(query).run()
    assert [shown(w.value) for w in page.warning] == [f"“{query}” {problem}"]
    assert not page.info  # not "No contact matches this search."


def test_a_valid_identifier_nobody_has_is_not_found(page):
    page.text_input(key="contacts.q").input("nobody@example.com").run()
    assert [i.value for i in page.info] == ["No contact matches this search."] and not page.warning


def test_the_url_opens_its_contact_and_bad_urls_say_why(page, ids, workspace_db):
    page.query_params["contact"] = str(ids[1])
    page.run()
    assert page.subheader[0].value == "Marc Petit"
    assert page.session_state["contacts.open"] == ids[1]
    page.query_params["contact"] = "abc"
    page.run()
    assert [w.value for w in page.warning] == [
        "This link does not point to a contact: its contact number is not valid."
    ]
    assert not page.subheader
    page.query_params["contact"] = "999999"
    page.run()
    assert [w.value for w in page.warning] == ["Contact #999999 no longer exists (it may have been deleted)."]
    assert not page.subheader and not page.exception


def test_widget_labels_carry_no_markdown_backslashes(page, ids):
    page.query_params["contact"] = str(ids[0])
    page.run()
    labels = [w.label for w in [*page.text_input, *page.selectbox, *page.date_input, *page.number_input]]
    assert "First name" in labels and "Job title" in labels
    assert not [label for label in labels if "\\" in label]


def test_sort_by_orders_every_match_and_is_remembered_for_the_session(page):
    assert list(table(page).value["Name"]) == ["Marc Petit", "Élodie Durand"]  # recently updated first
    page.selectbox(key="contacts.sort.pick").set_value("name").run()
    assert list(table(page).value["Name"]) == ["Élodie Durand", "Marc Petit"]
    open_page(page, "").run()
    open_page(page, "contacts").run()
    assert page.selectbox(key="contacts.sort.pick").value == "name"
    assert list(table(page).value["Name"]) == ["Élodie Durand", "Marc Petit"]
