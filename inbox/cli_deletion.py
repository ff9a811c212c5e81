"""CLI commands of contact deletion and the deletion audit: delete, erase, audit …"""

from .cli import cli  # noqa: F401  (commands register on this group)
