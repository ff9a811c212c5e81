"""SQL for the CRM integration: settings, lookup status per contact, managed-attribute flags."""

MIGRATIONS: list = []  # (version, name, fn(cur)); versions 14-17 are reserved for the CRM


class CrmSQL:
    """CRM configuration and per-contact lookup status."""
