"""What PostgreSQL runs instead of the migrations whose SQL only DuckDB speaks; every other one runs as it is.

A PostgreSQL database is created by this version of the app, never by an older one: the migrations that
rewrite data older versions wrote (language tags, e-mails, phones) have nothing to do there, and DuckDB's
storage hints (``USING COMPRESSION``) have no PostgreSQL meaning.
"""

from __future__ import annotations

from . import core
from .registry import Cursor

POSTGRES = "postgres"


def _nothing_to_rewrite(cur: Cursor) -> None:
    """A data fix for values older versions stored: a PostgreSQL database never held any."""


core.language_tags.instead_on(POSTGRES)(_nothing_to_rewrite)
core.emails_normalised.instead_on(POSTGRES)(_nothing_to_rewrite)
core.phone_numbers.instead_on(POSTGRES)(_nothing_to_rewrite)
core.identifiers_uncompressed.instead_on(POSTGRES)(_nothing_to_rewrite)  # a DuckDB storage hint only


@core.contact_search.instead_on(POSTGRES)
def contact_search(cur: Cursor) -> None:
    """DuckDB's migration without its storage hint (the table is empty here: nothing to fill)."""
    cur.execute("ALTER TABLE contacts ADD COLUMN search_text VARCHAR")
    core.lookup_indexes_of_search(cur)


@core.search_trigram_index.instead_on(POSTGRES)
def search_trigram_index(cur: Cursor) -> None:
    """A GIN index of the search text's trigrams (``pg_trgm``): ``contains(search_text, term)`` is a ``LIKE
    '%term%'`` (``dialect_postgres``) that the index answers for terms of three characters or more."""
    cur.execute("CREATE INDEX contacts_search_trgm_idx ON contacts USING gin (search_text gin_trgm_ops)")
