"""CLI commands of the CRM integration: crm sync …"""

from .cli import cli  # noqa: F401  (commands register on this group)
