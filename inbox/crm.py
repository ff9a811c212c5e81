"""CRM integration (Enterprise plan): signed lookups that fill CRM-managed contact attributes."""


def after_receive(store, result: dict) -> None:
    """Called by ``contacts.receive`` after it stored a message; looks up new contacts in the CRM."""
