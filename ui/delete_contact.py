"""The admin's Delete button under the contact's name, with its confirm dialog."""


def delete_button(store, actor, contact) -> None:
    """Draw the Delete button for ``contact`` (admins only; nothing for agents)."""
