"""Import contacts page: what a dry run or an import did (figures, notes, rejects file, samples)."""

import pandas as pd
import streamlit as st

from inbox.imports import ImportResult
from ui.text import literal, plain_frame

DELIMITERS = {None: "Detect", ",": "Comma ,", ";": "Semicolon ;", "\t": "Tab", "|": "Pipe |"}


def show_result(result: ImportResult, stem: str) -> None:
    """A run's figures, notes, rejects download and (dry run) samples."""
    if result.dry_run:
        st.info("Dry run: this is what the import would do. Nothing was written.")
    else:
        st.success(f"Imported as batch #{result.batch_id} in {result.seconds:.1f} s.")
    st.caption(
        literal(
            f"{result.rows:,} rows read from {result.file_name} ({result.encoding}, "
            f"{DELIMITERS.get(result.delimiter, result.delimiter).lower()} delimiter)."
        )
    )
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
            plain_frame(
                pd.DataFrame(
                    [
                        {**{k: v for k, v in r.items() if k != "values"}, **r["values"]}
                        for r in samples["inserted"]
                    ]
                )
            ),
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
                            "Changes": "; ".join(
                                f"{k}: {'—' if b is None else b} → {a}" for k, (b, a) in r["changes"].items()
                            ),
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
