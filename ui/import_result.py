"""Import contacts page: what a dry run or an import did (figures, notes, rejects file, samples)."""

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from inbox.imports import ImportResult
from inbox.plurals import counted, platform_label
from ui.text import literal, plain_frame

DELIMITERS = {None: "Detect", ",": "Comma (,)", ";": "Semicolon (;)", "\t": "Tab", "|": "Pipe (|)"}
# the sample columns that are not attributes, as people call them
HEADERS = {"line": "Line", "platform": "Platform", "handle": "Handle", "display_name": "Display name"}


def header(key: str, labels: Mapping[str, str]) -> str:
    """A column header people read: the attribute's label (``Last name``, not ``last_name``)."""
    return HEADERS.get(key) or labels.get(key) or key.replace("_", " ").capitalize()


def cell(value) -> object:
    """A sample cell: empty when there is no value (never "None")."""
    return "" if value is None or (isinstance(value, float) and value != value) else value


def describe_file(info) -> str:
    """E.g. "export.csv: 1,234 bytes, utf-8 (detected), comma (,) delimiter (detected), 1 column"."""

    def how(detected: bool) -> str:
        return "detected" if detected else "chosen"

    if info.sheet is not None:  # "people.xlsx: sheet “Contacts” (2 in the workbook), 120 rows, 6 columns…"
        return (
            f"{info.name}: sheet “{info.sheet}” ({counted(len(info.sheets), 'sheet')} in the workbook), "
            f"{counted(info.rows or 0, 'row')}, {counted(len(info.header), 'column')}; row 1 gives the "
            "column names"
        )
    delimiter = DELIMITERS.get(info.delimiter, repr(info.delimiter)).lower()
    return (
        f"{info.name}: {counted(info.size, 'byte')}, {info.encoding} ({how(info.encoding_detected)}), "
        f"{delimiter} delimiter ({how(info.delimiter_detected)}), {counted(len(info.header), 'column')}"
    )


def sample_frame(rows: list[dict], labels: Mapping[str, str]) -> pd.DataFrame:
    """The new contacts' sample with human headers and blank empty cells."""
    flat = [{**{k: v for k, v in r.items() if k != "values"}, **r["values"]} for r in rows]
    for r in flat:
        if "platform" in r:
            r["platform"] = platform_label(r["platform"])
    return pd.DataFrame([{header(k, labels): cell(v) for k, v in r.items()} for r in flat])


def changes_text(changes: dict, labels: Mapping[str, str]) -> str:
    """E.g. "Job title: — → CEO; Last name: Doe → Smith"."""
    return "; ".join(
        f"{header(k, labels)}: {'—' if cell(b) == '' else b} → {'—' if cell(a) == '' else a}"
        for k, (b, a) in changes.items()
    )


def show_result(result: ImportResult, stem: str, labels: Mapping[str, str] | None = None) -> None:
    """A run's figures, notes, rejects download and (dry run) samples; ``labels``: attribute key → label."""
    labels = labels or {}
    if result.dry_run:
        st.info("Dry run: this is what the import would do. Nothing was written.")
    else:
        st.success(f"Imported as batch #{result.batch_id} in {result.seconds:.1f} s.")
    delimiter = DELIMITERS.get(result.delimiter, repr(result.delimiter)).lower()
    how = (
        f"{result.encoding} workbook"
        if result.sheet is not None
        else f"{result.encoding}, {delimiter} delimiter"
    )
    st.caption(literal(f"{counted(result.rows, 'row')} read from {result.file_name} ({how})."))
    cols = st.columns(7)
    figures = [
        ("New", result.inserted),
        ("Updated", result.updated),
        ("Unchanged", result.unchanged),
        ("Skipped", result.skipped),
        ("Rejected", result.rejected),
        ("Values left empty", result.skipped_values),
        ("Empty rows", result.empty),
    ]
    for col, (label, value) in zip(cols, figures, strict=True):
        col.metric(label, f"{value:,}")
    for note in result.notes:
        st.caption(literal(note))
    if len(result.rejects):
        st.download_button(
            "Download rejected rows and left-empty values (CSV)",
            data=result.rejects_csv,
            file_name=f"{stem}-rejects.csv",
            mime="text/csv",
            key="imp.rejects",
            icon=":material/download:",
            help="The file's columns plus status and errors columns: fix the rows and "
            "import this file again.",
        )
    samples = result.samples
    if samples.get("inserted"):
        st.markdown("**New contacts (sample, as they would be stored)**")
        st.dataframe(
            plain_frame(sample_frame(samples["inserted"], labels)),
            hide_index=True,
            width="stretch",
        )
    if samples.get("updated"):
        st.markdown("**Updated contacts (sample)**")
        st.dataframe(
            plain_frame(
                pd.DataFrame(
                    [
                        {
                            "Line": r["line"],
                            "Contact": r["contact_id"],
                            "Changes": changes_text(r["changes"], labels),
                        }
                        for r in samples["updated"]
                    ]
                )
            ),
            hide_index=True,
            width="stretch",
        )
    for kind, title in (("unchanged", "Unchanged"), ("skipped", "Skipped")):
        if samples.get(kind):
            st.caption(
                f"{title} (sample): "
                + ", ".join(f"line {r['line']} → #{r['contact_id']}" for r in samples[kind])
            )
    if samples.get("rejected"):
        st.markdown("**Rejected rows (sample)**")
        st.dataframe(
            plain_frame(
                pd.DataFrame([{"Line": r["line"], "Errors": r["errors"]} for r in samples["rejected"]])
            ),
            hide_index=True,
            width="stretch",
        )
