"""Benchmark: the Contact attributes page script with 200 attributes (target < 300 ms)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from streamlit.testing.v1 import AppTest  # noqa: E402

from inbox import attributes as attrs  # noqa: E402
from inbox import users  # noqa: E402
from inbox.models import ATTRIBUTE_TYPES, SYSTEM  # noqa: E402
from inbox.store import Store  # noqa: E402
from tests.bench.common import emit, p95, timed_ms  # noqa: E402
from tests.support.apptest import token_for  # noqa: E402
from tests.support.navigation import open_page  # noqa: E402
from ui.session import TOKEN_KEY  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def main(count: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "attrs.duckdb"
        with Store(path) as store:
            users.add_user(store, SYSTEM, "admin@example.com", role="admin", password="bench-password")
            version, layout = attrs.load_layout(store)
            for n in range(count - len(layout)):
                kind = ATTRIBUTE_TYPES[n % len(ATTRIBUTE_TYPES)]
                layout = attrs.new_attribute(
                    layout,
                    label=f"Custom {n}",
                    key=f"custom_{n}",
                    type=kind,
                    options=["a", "b", "c"] if kind == "list" else None,
                )
            attrs.save_layout(store, SYSTEM, layout, base_version=version)
            pure = timed_ms(lambda: attrs.check_layout(store, attrs.load_layout(store)[1]), 20)
            emit("attributes_validate_200_p95", p95(pure), "ms")
        os.environ["INBOX_DB"] = str(path)
        at = AppTest.from_file(str(ROOT / "router.py"), default_timeout=60)
        at.session_state[TOKEN_KEY] = token_for("admin@example.com")
        at.run()
        open_page(at, "attributes").run()
        assert not at.exception, at.exception
        runs = timed_ms(at.run, 15)
        signin = AppTest.from_file(str(ROOT / "router.py"), default_timeout=60)
        base = timed_ms(signin.run, 15)  # the signed-out page: the router's own cost
        emit("attributes_page_run_200_p95", p95(runs), "ms", ratio_to_sign_in=round(p95(runs) / p95(base), 2))
        emit("sign_in_page_run_p95", p95(base), "ms")


if __name__ == "__main__":
    main()
