"""CLI commands of the bulk CSV import: import, undo-import."""

from .cli import cli  # noqa: F401  (commands register on this group)
