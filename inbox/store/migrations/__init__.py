"""Schema migrations: one named set per area (core, deletion, imports, crm, keys, sign_ins, sessions,
tokens, history) and the plan.

To add a migration: decorate a function of a cursor with its area's set (``@crm("what it does")``) in the
area's module here, and append it to ``MIGRATIONS`` below. A migration never imports the store's repositories:
it keeps a frozen copy of the SQL it ran. The runner (``inbox.store.migrator``) applies, in the plan's order,
those a database has not recorded, each with its record in one transaction. Both engines run the same
migrations; one whose SQL only DuckDB speaks has PostgreSQL's own step in ``postgres.py``.
"""

from __future__ import annotations

from . import (
    access,
    core,
    crm,
    deletion,
    history,
    imports,
    keys,
    merge,
    notes,
    postgres,  # noqa: F401 (imported for the steps it registers)
    sessions,
    sign_ins,
    tokens,
)
from .registry import Migration, Migrations, plan

SETS = (
    core.core,
    deletion.deletion,
    imports.imports,
    crm.crm,
    keys.keys,
    sign_ins.sign_ins,
    sessions.sessions,
    tokens.tokens,
    history.history,
    merge.merge,
    access.access,
    notes.notes,
)

# Every database applies them in this order, whatever their area: a new migration goes at the END, so it runs
# after everything already applied, on an old database and a fresh one alike. Never reorder nor remove one.
MIGRATIONS: list[Migration] = plan(
    SETS,
    [
        core.core_tables,
        core.seed,
        core.lookup_indexes,
        core.layout_versions,
        core.contact_search,
        deletion.log_and_head,
        deletion.pending_files,
        deletion.values_by_contact,
        imports.batches,
        imports.batch_contacts,
        imports.batch_values,
        imports.mappings,
        crm.settings,
        crm.lookups,
        core.language_tags,
        core.emails_normalised,
        core.phone_numbers,  # tags also in import_batch_contacts
        keys.seals,
        sign_ins.attempts,
        sessions.table,
        tokens.table,
        history.value_history,
        history.retention,
        merge.log_and_aliases,
        access.log,
        notes.tables,
        core.identifiers_uncompressed,
        core.search_trigram_index,
    ],
)

__all__ = ["MIGRATIONS", "SETS", "Migration", "Migrations"]
