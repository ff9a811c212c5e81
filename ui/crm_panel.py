"""The CRM block of the contact panel: Validated/last error status and Refresh from CRM."""


def crm_status(store, actor, contact) -> None:
    """Draw the CRM status and the Refresh button for ``contact`` (nothing on the Team plan)."""
