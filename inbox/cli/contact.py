"""``python -m inbox contact …``: commands on one contact (each feature adds its subcommand in main.py)."""

from __future__ import annotations

import click


@click.group()
def contact() -> None:
    """Commands on one contact: `contact export ID` (everything held about it, as a ZIP)."""
