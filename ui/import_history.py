"""Import contacts page: the recent imports and the Undo import dialog (closes on success, toast, Cancel)."""

import pandas as pd
import streamlit as st

from inbox import imports
from inbox.errors import InboxError
from inbox.plurals import counted, sentence

from .session import member_callback, member_dialog
from .text import literal, plain, plain_frame

S = st.session_state
STATUS = {"committed": "Imported", "undone": "Undone"}
UNDO_ERROR, UNDO_DONE = "imp.undo.error", "imp.undo.done"


@member_callback
def on_undo(store, me, batch_id: int) -> None:
    """on_click of the dialog's *Undo import*: undo, then (on success) the dialog closes and the page
    shows the outcome as a toast; on failure the dialog stays open with the reason, and no success."""
    S.pop(UNDO_ERROR, None)
    try:
        done = imports.undo(store, me.actor, batch_id)
    except imports.UndoRefused as exc:
        shown = [f"#{c['contact_id']} (changed by {c['updated_by']})" for c in exc.contacts[:10]]
        more = f" and {len(exc.contacts) - 10:,} more" if len(exc.contacts) > 10 else ""
        S[UNDO_ERROR] = [sentence(exc), "Changed since: " + ", ".join(shown) + more]
        return
    except InboxError as exc:
        S[UNDO_ERROR] = [sentence(exc)]
        return
    S[UNDO_DONE] = True
    S["imp.toast"] = (
        f"Import #{batch_id} undone: {counted(done['removed'], 'contact')} removed, "
        f"{done['restored']:,} restored."
    )
    S.pop("imp.undo.pick", None)  # the undone import is no longer a choice
    if getattr(S.get("imp.result"), "batch_id", None) == batch_id:
        S.pop("imp.result")


def undo_consequences(inserted: int, updated: int) -> str:
    """E.g. "The 2 contacts it created are deleted. Nothing changes if any of them was edited since."."""
    parts = []
    if inserted:
        verb = "is" if inserted == 1 else "are"
        parts.append(f"the {counted(inserted, 'contact')} it created {verb} deleted")
    if updated:
        parts.append(
            f"the {counted(updated, 'contact')} it updated {'gets' if updated == 1 else 'get'} "
            "their previous values back"
        )
    done = " and ".join(parts) or "nothing is deleted or restored (it created or updated no contact)"
    return sentence(done) + " Nothing changes if any of them was edited since."


@st.dialog("Undo import")
def confirm_undo(store, me, batch: dict) -> None:
    member_dialog()
    if S.pop(UNDO_DONE, None):  # undone: close the dialog, the whole page reruns (history, toast)
        st.rerun()
    st.write(f"Undo import #{batch['id']} of {literal(batch['file_name'])}?")
    st.warning(undo_consequences(batch["inserted"], batch["updated"]))
    for line in S.get(UNDO_ERROR, []):
        st.error(literal(line))
    c1, c2 = st.columns(2)
    c1.button(
        "Undo import", type="primary", key="imp.undo.confirm", on_click=on_undo, args=(store, me, batch["id"])
    )
    if c2.button("Cancel", key="imp.undo.cancel"):
        S.pop(UNDO_ERROR, None)
        st.rerun()


def history(store, me) -> None:
    st.subheader("Recent imports")
    done = imports.batches(store, 20)
    if not done:
        st.caption("No import yet.")
        return
    st.dataframe(
        plain_frame(
            pd.DataFrame(
                [
                    {
                        "Import": b["id"],
                        "When (UTC)": b["created_at"],
                        "By": b["created_by"],
                        "File": b["file_name"],
                        "New": b["inserted"],
                        "Updated": b["updated"],
                        "Rejected": b["rejected"],
                        "Status": STATUS.get(b["status"], b["status"]),
                    }
                    for b in done
                ]
            )
        ),
        hide_index=True,
        width="stretch",
    )
    undoable = {b["id"]: b for b in done if b["status"] == "committed"}
    if not undoable:
        st.caption("No import left to undo.")
        return
    c1, c2 = st.columns([3, 1])
    pick = c1.selectbox(
        "Import to undo",
        list(undoable),
        index=None,
        key="imp.undo.pick",
        placeholder="Choose an import",
        format_func=lambda i: plain(
            f"#{i} — {undoable[i]['file_name']} ({undoable[i]['created_at']:%Y-%m-%d %H:%M})"
        ),
    )
    if c2.button("Undo…", key="imp.undo", disabled=pick is None, icon=":material/undo:"):
        S.pop(UNDO_ERROR, None)
        S.pop(UNDO_DONE, None)
        confirm_undo(store, me, undoable[pick])


def show_toast() -> None:
    """The outcome of the last Undo import, once, as a toast (the dialog closed meanwhile)."""
    if toast := S.pop("imp.toast", None):
        st.toast(literal(toast), icon=":material/undo:")
