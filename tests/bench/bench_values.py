"""Benchmark: what reading a million phones, e-mails and languages costs, against a lower-casing of the
same column.

Figures, as JSON lines (seconds per million values, best of three; ``ratio`` against ``lower_baseline``,
a plain ``str.lower`` over the same strings measured in the same run):

- ``phones_international``: ``+33 6 12 34 56 78`` / ``+44 20 7946 0958`` forms, all distinct (the
  vectorised replay);
- ``phones_national``: ``06 12 34 56 78`` in region FR; ``phones_us_trunk``: ``1-650-…`` in region US (the
  country code written without +, which phonenumbers tries to strip);
- ``phones_slow_per_value``: phonenumbers' own parse + validity, per value (µs), for scale;
- ``emails_ascii``: distinct plain addresses; ``emails_idn_per_value``: email-validator per distinct IDN
  address (µs);
- ``languages``: a million cells with a few dozen distinct names, codes and locales (read once per distinct
  value).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import best, emit  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    import pandas as pd
    import phonenumbers

    from validation.emails import normalise_emails
    from validation.languages import normalise_languages
    from validation.phones import read_phones

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    n = args.rows
    per_million = 1_000_000 / n
    i = np.arange(n)
    digits = pd.Series(i % 100_000_000, dtype="int64").astype("str").str.zfill(8)
    international = pd.Series(
        np.where(
            i % 2 == 0,
            "+33 6 "
            + digits.str.slice(0, 2)
            + " "
            + digits.str.slice(2, 4)
            + " "
            + digits.str.slice(4, 6)
            + " "
            + digits.str.slice(6, 8),
            "+44 20 7" + digits.str.slice(1, 4) + " " + digits.str.slice(4, 8),
        ),
        dtype="str",
    )
    national = "06 " + digits.str.slice(0, 2) + " " + digits.str.slice(2, 4) + " " + digits.str.slice(4, 8)
    trunk = "1-650-2" + digits.str.slice(2, 4) + "-" + digits.str.slice(4, 8)
    emails = ("user" + pd.Series(i, dtype="int64").astype("str") + "@Example.com").astype("str")
    names = [
        "English",
        "fr",
        "Français",
        "de-DE",
        "pt_BR",
        "Deutsch",
        "español",
        "zh-Hans-CN",
        "日本語",
        "en_US.UTF-8",
    ]
    variants = [v for name in names for v in (name, name.upper(), name.lower(), f" {name} ")]
    languages = pd.Series(np.array(variants, dtype=object)[i % len(variants)], dtype="str")

    baseline = best(lambda: international.str.lower()) * per_million
    emit("lower_baseline", baseline, "s per million", rows=n)

    def figure(name: str, seconds: float, rows: int, **extra) -> None:
        value = seconds * 1_000_000 / rows
        emit(name, value, "s per million", ratio=round(value / baseline, 1), rows=rows, **extra)

    stored, _ = read_phones(international, "US")
    figure(
        "phones_international",
        best(lambda: read_phones(international, "US")),
        n,
        valid=int(stored.notna().sum()),
    )
    figure("phones_national", best(lambda: read_phones(national, "FR")), n)
    figure("phones_us_trunk", best(lambda: read_phones(trunk, "US")), n)
    sample = international.head(20_000).tolist()
    start = time.perf_counter()
    for value in sample:
        phonenumbers.is_valid_number(phonenumbers.parse(value, "US"))
    emit("phones_slow_per_value", (time.perf_counter() - start) / len(sample) * 1e6, "µs")
    figure("emails_ascii", best(lambda: normalise_emails(emails)), n)
    idn = pd.Series([f"kontakt{k}@bücher-{k % 997}.example" for k in range(2_000)], dtype="str")
    start = time.perf_counter()
    normalise_emails(idn)
    emit("emails_idn_per_value", (time.perf_counter() - start) / len(idn) * 1e6, "µs")
    figure("languages", best(lambda: normalise_languages(languages)), n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
