"""Data › Import contacts: upload a CSV, check the detected format and mapping, dry-run, import, undo."""

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from inbox import import_templates, imports, workspace
from inbox.attributes import all_attributes
from inbox.errors import InboxError
from inbox.mapping import SPECIAL, label_of
from inbox.mapping_fallbacks import document, fallback_notes, usable_fallbacks
from inbox.models import ATTRIBUTE_TYPES
from inbox.plurals import sentence
from ui.import_history import history, show_toast
from ui.import_result import DELIMITERS, describe_file, show_result
from ui.import_sheets import FILE_TYPES, is_workbook, sheet_choice
from ui.session import member_callback, require_admin
from ui.text import literal, plain, plain_frame

S = st.session_state
NEW, IGNORE = "__new__", "__ignore__"  # (None would read as "no selection")
ENCODINGS = [None, "utf-8", "utf-8-sig", "utf-16", "windows-1252", "latin-1"]
POLICY_HELP = {
    "update": "Update: non-empty cells replace the contact's values",
    "fill-empty": "Fill empty: only set values the contact does not have",
    "skip": "Skip: leave existing contacts as they are",
}
KEY_LABELS = {"external_id": "External ID", "email": "Email", "phone": "Phone"}
INVALID_HELP = {"skip-value": "Leave it empty and import the row", "reject-row": "Reject the whole row"}


def reset(upload_id=None) -> None:
    if S.get("imp.path"):
        imports.discard_upload(S["imp.path"])
    for key in [k for k in S if k.startswith("imp.") and k not in ("imp.file", "imp.gen")]:
        del S[key]
    S["imp.gen"] = S.get("imp.gen", 0) + 1
    S["imp.upload_id"] = upload_id


def widget(i: int, column: str) -> str:
    """The mapping selectbox of a column (a new generation when a template is applied or the header does)."""
    return f"imp.map.{S['imp.gen']}.{i}.{column}"


def current_mapping(header) -> dict:
    chosen = {column: S.get(widget(i, column)) for i, column in enumerate(header)}
    return {column: (None if target in (NEW, IGNORE, None) else target) for column, target in chosen.items()}


@member_callback
def on_template(store) -> None:
    S["imp.base"] = import_templates.base_of(S.get("imp.template"), imports.templates(store))
    S["imp.gen"] += 1


@member_callback
def on_save_template(store, me, header) -> None:
    try:
        name = imports.save_template(
            store, me.actor, S.get("imp.template_name", ""), current_mapping(header), S.get("imp.fallbacks")
        )
        S["imp.flash"] = f"Mapping saved as template “{name}”."
    except InboxError as exc:
        S["imp.errors"] = [sentence(exc)]


@member_callback
def on_create_attribute(store, me, i: int, column: str, header) -> None:
    mapping = current_mapping(header)
    try:
        key = imports.create_attribute(
            store,
            me.actor,
            label=S[f"imp.new.label.{i}"],
            key=S[f"imp.new.key.{i}"],
            type=S[f"imp.new.type.{i}"],
            options=S.get(f"imp.new.options.{i}") or None,
        )
    except InboxError as exc:
        S["imp.errors"] = [sentence(p) for p in getattr(exc, "problems", None) or [exc]]
        return
    S["imp.base"] = {"mapping": {**mapping, column: key}, "fallbacks": S.get("imp.fallbacks")}
    S["imp.gen"] += 1
    label = S[f"imp.new.label.{i}"].strip() or key
    S["imp.flash"] = f"Created the custom attribute “{label}”; column “{column}” now maps to it."


def file_format(upload):
    """Encoding and delimiter (detected or chosen) or a workbook's sheet, the file's description and preview;
    ``None``: unusable."""
    sheet = encoding = delimiter = None
    try:
        if is_workbook(upload.name):
            sheet = sheet_choice(S["imp.path"], upload.name)
        else:
            f1, f2 = st.columns(2)
            encoding = f1.selectbox(
                "Encoding", ENCODINGS, key="imp.encoding", format_func=lambda e: e or "Detect"
            )
            delimiter = f2.selectbox(
                "Delimiter", list(DELIMITERS), key="imp.delimiter", format_func=DELIMITERS.get
            )
        info = imports.inspect_file(
            S["imp.path"], encoding=encoding, delimiter=delimiter, name=upload.name, sheet=sheet
        )
    except InboxError as exc:
        st.error("This file cannot be imported: " + literal(exc))
        return None
    st.caption(literal(describe_file(info)))
    width = len(info.header)
    preview = [list(r[:width]) + [""] * (width - len(r)) for r in info.preview]
    st.dataframe(
        plain_frame(pd.DataFrame(preview, columns=list(info.header))),
        hide_index=True,
        width="stretch",
        height=220,
    )
    return encoding, delimiter, info, sheet


def column_mapping(store, me, info):
    """The template choice and one target per column; returns (mapping, fallbacks, problems)."""
    st.subheader("Column mapping")
    attributes = all_attributes(store)
    names = import_templates.choices([t["name"] for t in imports.templates(store)])
    st.selectbox(
        "Start from a saved or built-in mapping",
        names,
        index=None,
        key="imp.template",
        on_change=on_template,
        args=(store,),
        placeholder="Automatic mapping",
        help="Built-in templates know the columns of Google Contacts, Outlook, HubSpot, Salesforce, "
        "Zendesk, Mailchimp, Intercom, Freshdesk and Chatwoot exports.",
    )
    suggested, suggested_fallbacks, notes = import_templates.suggest(store, info.header, S.get("imp.base"))
    targets = [IGNORE, *[a.key for a in attributes if not a.crm_managed], *SPECIAL, NEW]

    def fmt(t: str) -> str:
        if t == IGNORE:
            return "— ignore —"
        if t == NEW:
            return "＋ New custom attribute…"
        return plain(f"{label_of(t, attributes)} ({t})")

    grid = st.columns(3)
    for i, column in enumerate(info.header):
        default = suggested.get(column) or IGNORE
        with grid[i % 3]:
            example = next((r[i] for r in info.preview if i < len(r) and r[i].strip()), "")
            # the header shown as typed (Markdown-escaped), the box named by it in plain text: an escaped
            # label would reach screen readers with its backslashes (first\_name)
            st.markdown(f"**{literal(column)}**")
            st.selectbox(
                plain(column),
                targets,
                index=targets.index(default) if default in targets else 0,
                key=widget(i, column),
                format_func=fmt,
                label_visibility="collapsed",
            )
            st.caption(f"e.g. {literal(example[:60])}" if example else "No value in the first rows")
            if S.get(widget(i, column)) == NEW:
                with st.container(border=True):
                    st.text_input("Label", value=column[:80], key=f"imp.new.label.{i}")
                    st.text_input("Key", value=imports.slug(column), key=f"imp.new.key.{i}")
                    kind = st.selectbox("Type", ATTRIBUTE_TYPES, key=f"imp.new.type.{i}")
                    if kind == "list":
                        st.text_input("Options (comma-separated)", key=f"imp.new.options.{i}")
                    st.button(
                        "Create attribute",
                        key=f"imp.new.go.{i}",
                        on_click=on_create_attribute,
                        args=(store, me, i, column, info.header),
                    )
    mapping = current_mapping(info.header)
    fallbacks = S["imp.fallbacks"] = usable_fallbacks(mapping, suggested_fallbacks)
    for note in notes + fallback_notes(mapping, fallbacks, attributes):
        st.caption(literal(note))
    problems = imports.check_mapping(store, mapping, fallbacks)
    for problem in problems:
        st.error(literal(sentence(problem)))

    with st.expander("Save or export this mapping"):
        t1, t2, t3 = st.columns([2, 1, 1])
        t1.text_input("Template name", key="imp.template_name")
        t2.button(
            "Save template", key="imp.template_save", on_click=on_save_template, args=(store, me, info.header)
        )
        t3.download_button(
            "Mapping JSON",
            data=json.dumps(document(mapping, fallbacks), ensure_ascii=False, indent=2),
            file_name="mapping.json",
            mime="application/json",
            key="imp.mapping_json",
            help="For the command line: python -m inbox import FILE --mapping mapping.json",
        )
    return mapping, fallbacks, problems


def matching(store) -> imports.ImportOptions:
    """How rows meet existing contacts, what an invalid value costs, the phone region."""
    st.subheader("Matching")
    o1, o2, o3 = st.columns(3)
    policy = o1.radio("Existing contacts", list(POLICY_HELP), format_func=POLICY_HELP.get, key="imp.policy")
    order = o2.multiselect(
        "Match existing contacts by (in this order)",
        list(KEY_LABELS),
        default=list(KEY_LABELS),
        format_func=KEY_LABELS.get,
        key="imp.match",
        help="The first key that finds a contact wins; platform and handle always identify one too.",
    )
    phone_platform = o3.selectbox(
        "Platform of new contacts known only by phone", ["sms", "whatsapp"], key="imp.phone_platform"
    )
    v1, v2 = st.columns([2, 1])
    invalid = v1.radio(
        "An invalid value (not an e-mail, phone or external id)",
        list(INVALID_HELP),
        format_func=INVALID_HELP.get,
        key="imp.invalid",
        horizontal=True,
        help="Invalid e-mails, phones and external ids always reject their row: they identify the contact.",
    )
    regions = dict(workspace.regions())
    home = workspace.default_region(store)
    region = v2.selectbox(
        "Phone region of numbers without +country code",
        list(regions),
        key="imp.region",
        index=list(regions).index(home) if home in regions else 0,
        format_func=regions.get,
        help="06 12 34 56 78 is a French number when this is France. The workspace default "
        "is set on Members & plan.",
    )
    return imports.ImportOptions(
        on_conflict=policy,
        match_order=tuple(order),
        phone_platform=phone_platform,
        invalid_values=invalid,
        region=region,
    )


def render(store) -> None:
    me = require_admin("imports")
    st.title("Import contacts")
    st.caption(
        "CSV exports from HubSpot, Zendesk…, or an Excel / OpenDocument workbook (.xlsx, .xls, .ods); "
        "up to 1,000,000 rows / 200 MB. Check the mapping, "
        "try a dry run, then import: one all-or-nothing transaction that you can undo."
    )
    for line in S.pop("imp.errors", []):
        st.error(literal(line))
    if flash := S.pop("imp.flash", None):
        st.success(literal(flash))
    show_toast()

    upload = st.file_uploader("CSV or Excel file", type=FILE_TYPES, key="imp.file")
    if upload is None:
        if S.get("imp.upload_id") is not None:
            reset()
        history(store, me)
        return
    if S.get("imp.upload_id") != upload.file_id:
        reset(upload.file_id)
        S["imp.path"] = str(imports.stash_upload(upload, upload.name))
    shown = file_format(upload)
    if shown is None:
        history(store, me)
        return
    encoding, delimiter, info, sheet = shown
    mapping, fallbacks, problems = column_mapping(store, me, info)
    options = matching(store)

    b1, b2, _ = st.columns([1, 1, 4])
    blocked = bool(problems) or not options.match_order
    dry = b1.button("Dry run", key="imp.dry", disabled=blocked, icon=":material/fact_check:")
    go = b2.button("Import", key="imp.go", type="primary", disabled=blocked, icon=":material/upload:")
    if dry or go:
        bar = st.progress(0.0, text="Reading the file…")
        try:
            S["imp.result"] = imports.run_import(
                store,
                me.actor,
                S["imp.path"],
                mapping=mapping,
                options=options,
                encoding=encoding,
                delimiter=delimiter,
                sheet=sheet,
                name=upload.name,
                dry_run=dry,
                progress=lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text),
                fallbacks=fallbacks,
            )
        except imports.MappingInvalid as exc:
            S.pop("imp.result", None)
            for reason in exc.reasons:
                st.error(literal(sentence(reason)))
        except InboxError as exc:
            S.pop("imp.result", None)
            st.error("Nothing was imported: " + literal(sentence(exc)))
        bar.empty()
    if S.get("imp.result") is not None:
        if S["imp.result"].mapping != mapping:
            st.warning("The mapping changed since this run: run the dry run again to see its effect.")
        labels = {a.key: a.label for a in all_attributes(store)}
        show_result(S["imp.result"], Path(upload.name).stem, labels)
    history(store, me)
