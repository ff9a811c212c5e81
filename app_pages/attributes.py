"""Admin settings › Agent workspace › Contact attributes: order, toggles, custom attributes, history."""

import re

import pandas as pd
import streamlit as st

from inbox import attributes as attrs
from inbox.contacts import sample_contact
from inbox.errors import Conflict, InboxError
from inbox.models import ATTRIBUTE_TYPES
from ui.editor import apply_edits
from ui.panel import contact_panel
from ui.session import member_callback, member_dialog, require_admin
from ui.text import literal, plain, plain_frame
from ui.wording import count, sentence

S = st.session_state
COLUMNS = {
    "Order": "position",
    "Label": "label",
    "Key": "key",
    "Type": "type",
    "Enabled": "enabled",
    "Options": "options",
    "Pattern": "regex",
    "Required on import": "required_on_import",
    "Built-in": "builtin",
    "CRM": "crm_managed",
}


def reload(store) -> None:
    S["attrs.base"], S["attrs.draft"] = attrs.load_layout(store)
    S["attrs.gen"] = S.get("attrs.gen", 0) + 1


def editor_key() -> str:
    return f"attrs.editor.{S['attrs.gen']}"


def _edited_rows() -> dict:
    state = S.get(editor_key())
    return dict((state or {}).get("edited_rows", {})) if hasattr(state, "get") else {}


def typed_order() -> bool:
    """Whether an Order cell was typed in the editor (then the page re-sorts the grid)."""
    return any("Order" in changes for changes in _edited_rows().values())


def current() -> list[dict]:
    """The draft with the editor's unsaved cell edits applied; an Order typed N puts that row at N."""
    typed, rest = {}, {}
    for pos, changes in _edited_rows().items():
        changes = dict(changes)
        if "Order" in changes:
            typed[int(pos)] = changes.pop("Order")
        rest[pos] = changes
    rows = apply_edits(S["attrs.draft"], {"edited_rows": rest}, COLUMNS)
    for row in rows:
        if isinstance(row.get("options"), str):
            row["options"] = [o.strip() for o in row["options"].split(",") if o.strip()] or None
    wanted = {rows[pos]["key"]: value for pos, value in typed.items() if 0 <= pos < len(rows)}
    return attrs.place(rows, wanted) if wanted else rows


def fold(layout=None) -> None:
    """Make ``layout`` (default: the edited draft) the new draft and start a fresh editor."""
    S["attrs.draft"] = attrs.renumber(layout if layout is not None else current())
    S["attrs.gen"] += 1


@member_callback
def on_move(where: str) -> None:
    if S.get("attrs.pick"):
        fold(attrs.move(current(), S["attrs.pick"], where))


@member_callback
def on_save(store, me) -> None:
    mine = current()
    try:
        version = attrs.save_layout(store, me.actor, mine, base_version=S["attrs.base"])
        S["attrs.flash"] = (
            f"Saved as version {version}." if version != S["attrs.base"] else "Nothing to save."
        )
        reload(store)
    except attrs.LayoutInvalid as exc:
        S["attrs.errors"] = exc.problems
        fold(mine)
    except Conflict as exc:
        lost = attrs.diff_layouts(attrs.load_layout(store)[1], attrs.renumber(mine))
        S["attrs.errors"] = [str(exc)] + ([f"your unsaved changes were: {'; '.join(lost)}"] if lost else [])
        reload(store)


@member_callback
def on_discard(store) -> None:
    reload(store)
    S["attrs.flash"] = "Unsaved changes discarded."


NEW_FIELDS = ("attrs.new.label", "attrs.new.key", "attrs.new.options", "attrs.new.regex")


@member_callback
def on_add() -> None:
    """*Add attribute*: one message per problem beside the form, input kept; cleared once added."""
    label = S["attrs.new.label"].strip()
    key = S["attrs.new.key"].strip() or re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    S["attrs.new.open"] = True  # the form stays open to show what happened
    try:
        fold(
            attrs.new_attribute(
                current(),
                label=label,
                key=key,
                type=S["attrs.new.type"],
                options=S["attrs.new.options"] or None,
                regex=S["attrs.new.regex"] or None,
                required_on_import=S["attrs.new.required"],
            )
        )
    except attrs.LayoutInvalid as exc:
        S["attrs.new.result"] = ("error", exc.problems)
        return
    # an empty form for the next one (set, not dropped: the browser keeps what it shows until told)
    S.update(dict.fromkeys(NEW_FIELDS, ""))
    S["attrs.new.type"], S["attrs.new.required"] = ATTRIBUTE_TYPES[0], False
    S["attrs.new.result"] = ("success", [f"Added {label} ({key}) at the end: press Save to keep it."])


@member_callback
def on_delete(key: str) -> None:
    S["attrs.delete.done"] = True  # the dialog closes on its next run
    row = next((r for r in current() if r["key"] == key), None)
    if row is None:  # a second click: already removed
        return
    fold([r for r in current() if r["key"] != key])
    S["attrs.pick"] = None
    S["attrs.toast"] = (
        f"{row['label']} removed: press Save to delete it and its values, or Discard to keep it."
    )


def on_delete_cancel() -> None:
    S["attrs.delete.done"] = True


@member_callback
def on_revert(store, me, version: int) -> None:
    try:
        new = attrs.revert_layout(store, me.actor, version, base_version=S["attrs.base"])
        S["attrs.revert.result"] = ("success", f"Reverted to version {version} (saved as version {new}).")
    except InboxError as exc:
        S["attrs.revert.result"] = ("error", sentence(exc))
    reload(store)


@st.dialog("Delete attribute")
def confirm_delete(store, row: dict) -> None:
    member_dialog()
    if S.pop("attrs.delete.done", False):
        st.rerun()  # from the dialog's own run: closes it and redraws the page without the attribute
    n = attrs.values_count(store, row["key"])
    st.markdown(f"Delete the custom attribute **{literal(row['label'])}** ({literal(row['key'])})?")
    st.warning(
        f"{count(n, 'contact')} {'has' if n == 1 else 'have'} a value for it. It leaves the layout now; "
        "it and its values are deleted when you press Save (Discard keeps it). A later revert brings the "
        "attribute back, not the values."
    )
    c1, c2 = st.columns(2)
    c1.button(
        "Delete attribute",
        type="primary",
        key="attrs.delete.confirm",
        on_click=on_delete,
        args=(row["key"],),
        width="stretch",
    )
    c2.button("Cancel", key="attrs.delete.cancel", on_click=on_delete_cancel, width="stretch")


def editor(store, me) -> list[dict]:
    """The layout as an editable table with Save/Discard; returns the edited (renumbered) layout."""
    if typed_order():  # show the resulting order: a new editor over the re-sorted draft
        fold()
    rows = S["attrs.draft"]
    crm_on = attrs.crm_in_force(store)
    frame = pd.DataFrame(
        [
            {col: r.get(k) for col, k in COLUMNS.items()}
            | {
                "Options": ", ".join(r["options"]) if r.get("options") else "",  # blank, not "None"
                "Pattern": r.get("regex") or "",
                "Type": str(r["type"]).capitalize(),  # read-only here: edits never come back from it
                "CRM": bool(r["crm_managed"]) and crm_on,
            }
            for r in rows
        ],
        columns=list(COLUMNS),
    )
    st.data_editor(
        frame,
        key=editor_key(),
        hide_index=True,
        num_rows="fixed",
        width="stretch",
        disabled=["Key", "Type", "Built-in", "CRM"],
        column_config={
            "Order": st.column_config.NumberColumn(
                min_value=1, step=1, width="small", help="Type a position: the attribute moves there"
            ),
            "Label": st.column_config.TextColumn(required=True, max_chars=80),
            "Enabled": st.column_config.CheckboxColumn(help="Shown to agents"),
            "Options": st.column_config.TextColumn(help="List attributes: options separated by commas"),
            "Pattern": st.column_config.TextColumn(
                help="Text attributes: a regular expression values must match"
            ),
            "CRM": st.column_config.CheckboxColumn(
                help="Managed by the CRM (read-only for agents and imports)"
                if crm_on
                else "CRM marks apply only on the Enterprise plan"
            ),
        },
    )
    edited = attrs.renumber(current())
    problems = attrs.check_layout(store, edited)[2]
    for line in problems:
        st.error(literal(sentence(line)))
    pending = attrs.diff_layouts(attrs.load_layout(store)[1], edited)
    c1, c2, c3 = st.columns([1, 1, 4])
    c1.button(
        "Save", type="primary", on_click=on_save, args=(store, me), key="attrs.save", disabled=bool(problems)
    )
    c2.button("Discard", on_click=on_discard, args=(store,), key="attrs.discard", disabled=not pending)
    c3.caption(literal("Unsaved: " + "; ".join(pending)) if pending else "No unsaved changes.")
    for line in S.pop("attrs.errors", []):  # the outcome of Save and Discard, beside them
        st.error(literal(sentence(line)))
    if flash := S.pop("attrs.flash", None):
        st.success(literal(flash))
    return edited


def move_or_delete(store, edited: list[dict]) -> None:
    labels = {r["key"]: plain(f"{r['position']}. {r['label']}") for r in edited}
    pick = st.selectbox(
        "Attribute to move or delete",
        list(labels),
        format_func=labels.get,
        key="attrs.pick",
        index=None,
        placeholder="Select an attribute",
    )
    m = st.columns(5)
    moves = [
        ("top", ":material/vertical_align_top:"),
        ("up", ":material/arrow_upward:"),
        ("down", ":material/arrow_downward:"),
        ("bottom", ":material/vertical_align_bottom:"),
    ]
    for col, (where, icon) in zip(m, moves, strict=False):  # the fifth column holds Delete
        col.button(
            f"{where.capitalize()}",
            icon=icon,
            key=f"attrs.move.{where}",
            on_click=on_move,
            args=(where,),
            disabled=pick is None,
            width="stretch",
        )
    picked = next((r for r in edited if r["key"] == pick), None)
    if m[4].button(
        "Delete…",
        icon=":material/delete:",
        key="attrs.delete",
        width="stretch",
        disabled=picked is None or picked["builtin"],
        help="Custom attributes only: built-ins can be disabled, not deleted.",
    ):
        S.pop("attrs.delete.done", None)  # left by a run that did not draw the dialog
        confirm_delete(store, picked)


def add_attribute() -> None:
    with st.expander("Add a custom attribute", key="attrs.new.open", on_change="rerun"):
        a1, a2, a3 = st.columns(3)
        a1.text_input("Label", key="attrs.new.label", max_chars=80)
        a2.text_input(
            "Key", key="attrs.new.key", help="Lower-case slug; cannot change later. Default: from label."
        )
        a3.selectbox("Type", ATTRIBUTE_TYPES, key="attrs.new.type", format_func=str.capitalize)
        b1, b2, b3 = st.columns(3)
        b1.text_input("Options (list type)", key="attrs.new.options", placeholder="gold, silver, bronze")
        b2.text_input("Pattern (text type)", key="attrs.new.regex", placeholder=r"^[A-Z]{2}\d{4}$")
        b3.checkbox("Required on import", key="attrs.new.required")
        st.button("Add attribute", key="attrs.new.add", on_click=on_add)
        if result := S.pop("attrs.new.result", None):
            for line in result[1]:
                (st.success if result[0] == "success" else st.error)(literal(sentence(line)))


def history(store, me) -> None:
    with st.expander("History", key="attrs.history.open", on_change="rerun"):
        versions = attrs.history(store)
        st.dataframe(
            plain_frame(
                pd.DataFrame(
                    [
                        {
                            "Version": v["version"],
                            "Saved": f"{v['saved_at']:%Y-%m-%d %H:%M} UTC",
                            "By": v["saved_by"],
                            "Changes": sentence("; ".join(v["changes"])),
                        }
                        for v in versions
                    ]
                )
            ),
            hide_index=True,
            width="stretch",
        )
        older = [v["version"] for v in versions if v["version"] != S["attrs.base"]]
        r1, r2 = st.columns([2, 1])
        target = r1.selectbox("Revert to version", older, key="attrs.revert.version", index=None)
        r2.button(
            "Revert",
            key="attrs.revert",
            disabled=target is None,
            on_click=on_revert,
            args=(store, me, target),
            help="Saves that version's layout as a new version; unsaved edits are dropped.",
        )
        if result := S.pop("attrs.revert.result", None):
            (st.success if result[0] == "success" else st.error)(literal(result[1]))


def render(store) -> None:
    me = require_admin("the contact attributes")
    if "attrs.draft" not in S:
        reload(store)
    st.title("Contact attributes")
    st.caption("Choose which attributes agents see in the contact panel, and in what order.")
    if toast := S.pop("attrs.toast", None):
        st.toast(literal(toast), icon=":material/check_circle:")

    left, right = st.columns([3, 1])
    with left:
        edited = editor(store, me)
        move_or_delete(store, edited)
        add_attribute()
        history(store, me)
    with right:
        st.markdown("**Agent panel preview**")
        crm_on = attrs.crm_in_force(store)
        enabled = [
            attrs.Attribute(
                **{
                    **r,
                    "options": tuple(r["options"]) if r.get("options") else None,
                    "crm_managed": bool(r["crm_managed"]) and crm_on,
                }
            )
            for r in edited
            if r["enabled"]
        ]
        contact_panel(sample_contact(store), enabled)
