"""Rewrite ``store.method(...)`` as ``store.<area>.method(...)`` over the project (idempotent, re-run it).

Usage, from the repository root:  ``python tools/rewrite_store_calls.py [--check] [paths...]``
(default paths: inbox/ ui/ app_pages/ tests/ app.py router.py; ``inbox/store/`` itself is never rewritten).

The method → area map is read from ``inbox.store.AREAS`` (area name on ``Store`` → repository class), so a
method a merged branch adds to a repository is mapped too. What is rewritten:

- ``<receiver>.method`` where the receiver is a store variable: ``store``, any name ending in ``store``
  (``self.store``, ``fresh_store``), the test names in ``STORE_NAMES``, or a call ``open_store(…)`` /
  ``Store(…)``;
- ``monkeypatch.setattr(<receiver>, "method", …)`` → ``monkeypatch.setattr(<receiver>.<area>, "method", …)``;
- in ``inbox/`` (use cases, outside ``inbox/store/``): ``def f(store, …)`` → ``def f(store: Store, …)``, with
  ``from .store import Store`` under ``TYPE_CHECKING`` (``--no-annotate`` skips this).

What it cannot rewrite (``Store.method`` on the class, e.g. ``monkeypatch.setattr(Store, "method", …)``) is
listed on stderr: patch the repository class instead (``inbox.store.AREAS[area]``). ``--check`` rewrites
nothing and exits 1 when something would change or is left.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = ("inbox", "ui", "app_pages", "tests", "app.py", "router.py")
# Variables holding a Store in tests whose name does not end in "store".
STORE_NAMES = ("team", "deleted", "again", "logged", "enterprise", "reopened", "populated", "twice", "tiered")


def method_areas() -> dict[str, str]:
    """Every attribute a repository defines (public and private, inherited within its area) → its area."""
    sys.path.insert(0, str(ROOT))
    from inbox.store import AREAS
    from inbox.store.repository import Repository

    base = set(dir(Repository))
    out: dict[str, str] = {}
    for area, cls in AREAS.items():
        for klass in cls.__mro__:
            if klass is Repository or not issubclass(klass, Repository):
                continue
            for name in vars(klass):
                if name.startswith("__") or name in base:
                    continue
                if out.get(name, area) != area:
                    raise SystemExit(f"{name} is defined in two areas ({out[name]}, {area}): rename one")
                out[name] = area
    clash = set(out) & set(AREAS)
    if clash:
        raise SystemExit(f"method names equal to area names make the rewrite ambiguous: {sorted(clash)}")
    return out


def patterns(methods: dict[str, str]):
    names = "|".join(sorted(map(re.escape, methods), key=len, reverse=True))
    call = r"(?:open_store|Store)\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
    # (never the package path ``inbox.store.<module>``: a module may share a method's name, e.g. compact)
    receiver = rf"(?:(?<!inbox\.)\b(?:\w*store|{'|'.join(STORE_NAMES)})\b|{call})"
    access = re.compile(rf"({receiver})\.({names})\b")
    patched = re.compile(rf"(\bmonkeypatch\.setattr\(\s*)({receiver})(\s*,\s*[\"'])({names})([\"'])")
    on_class = re.compile(rf"\bStore\b(?:\.({names})\b|(\s*,\s*[\"'])({names})[\"'])")
    return access, patched, on_class


def rewrite_line(line: str, methods: dict[str, str]) -> str:
    access, patched, _ = patterns(methods)
    line = patched.sub(lambda m: f"{m[1]}{m[2]}.{methods[m[4]]}{m[3]}{m[4]}{m[5]}", line)
    return access.sub(lambda m: f"{m[1]}.{methods[m[2]]}.{m[2]}", line)


def open_bracket(line: str) -> int | None:
    """Column of the innermost bracket ``line`` leaves open (strings are not parsed: good enough here)."""
    stack: list[int] = []
    for i, c in enumerate(line):
        if c in "([{":
            stack.append(i)
        elif c in ")]}" and stack:
            stack.pop()
        elif c == "#":
            break
    return stack[-1] if stack else None


def rewrite_text(text: str, methods: dict[str, str]) -> str:
    """Rewrite every line; continuation lines aligned with a bracket the rewrite moved move with it."""
    lines = text.split("\n")
    out: list[str] = []
    shift: tuple[int, int] | None = None  # (old column of the aligned continuation lines, added spaces)
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        if shift and line.strip() and indent == shift[0]:
            line = " " * shift[1] + line
        elif shift and line.strip() and indent < shift[0]:
            shift = None
        new = rewrite_line(line, methods)
        if new != line:
            old_col, new_col = open_bracket(line), open_bracket(new)
            if old_col is not None and new_col is not None and new_col != old_col:
                shift = (old_col + 1, new_col - old_col)
        out.append(new)
    return "\n".join(out)


_DEF = re.compile(r"(\bdef \w+\(\s*(?:\*\s*,\s*)?)store(\s*[,)=])")
_DEF_TYPED = re.compile(r"\bdef \w+\(\s*(?:\*\s*,\s*)?store: Store\b")


def annotate(text: str) -> str:
    """Type the ``store`` parameter of use cases as ``Store`` (imported for type checking only)."""
    new = _DEF.sub(lambda m: f"{m[1]}store: Store{m[2]}", text)
    if new == text and not _DEF_TYPED.search(text):
        return text
    if "from __future__ import annotations" not in new:
        return text  # annotations would be evaluated at import: leave the module untyped
    if re.search(r"^(?:    )?from \.store import (?:[\w, ]*\b)?Store\b", new, re.M):
        return new  # imported already (at the top, or under TYPE_CHECKING)
    block = re.search(r"^if TYPE_CHECKING:\n", new, re.M)
    if block:
        return new[: block.end()] + "    from .store import Store\n" + new[block.end() :]
    lines = new.split("\n")
    at = _after_imports(lines)
    lines[at:at] = ["", "if TYPE_CHECKING:", "    from .store import Store"]
    return _add_typing_import("\n".join(lines))


def _after_imports(lines: list[str]) -> int:
    """Index just after the module's top-level import block."""
    last, depth = 0, 0
    for i, line in enumerate(lines):
        if depth:
            depth += line.count("(") - line.count(")")
            last = i + 1
            continue
        if line.startswith(("import ", "from ")):
            depth = line.count("(") - line.count(")")
            last = i + 1
        elif line.startswith(("def ", "class ", "@", "if ")) or (line and line[0].isalpha() and "=" in line):
            break
    return last


THIRD_PARTY = (
    "duckdb",
    "pandas",
    "numpy",
    "pandera",
    "pyarrow",
    "click",
    "argon2",
    "validation",
    "streamlit",
)


def _add_typing_import(text: str) -> str:
    """Add ``TYPE_CHECKING`` to ``from typing import …``, or that line in order among the standard imports."""
    m = re.search(r"^from typing import ([^(\n]+)$", text, re.M)
    if m:
        names = sorted(
            {*(n.strip() for n in m[1].split(",")), "TYPE_CHECKING"}, key=lambda n: (n.upper() != n, n)
        )
        return text[: m.start()] + f"from typing import {', '.join(names)}" + text[m.end() :]
    lines = text.split("\n")
    start = lines.index("from __future__ import annotations") + 2
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    block = lines[start:end]
    stdlib = block and all(
        not line.startswith("from .") and line.split()[1].split(".")[0] not in THIRD_PARTY
        for line in block
        if line.startswith(("import ", "from "))
    )
    line = "from typing import TYPE_CHECKING"
    if not stdlib:
        lines[start:start] = [line, ""]
        return "\n".join(lines)
    at = start
    for i in range(start, end):  # after every ``import x`` and every ``from y`` sorting before typing
        head = lines[i].split()
        if lines[i].startswith("import ") or (lines[i].startswith("from ") and head[1] < "typing"):
            at = i + 1
            while at < end and lines[at - 1].count("(") > lines[at - 1].count(")"):
                at += 1
    lines[at:at] = [line]
    return "\n".join(lines)


def files(paths: list[str]) -> list[Path]:
    """The Python files under ``paths``, ``inbox/store/`` (the repositories themselves) excepted."""
    out = []
    for p in (ROOT / s for s in paths):
        out += [p] if p.is_file() else sorted(p.rglob("*.py"))
    return [f for f in out if not f.resolve().relative_to(ROOT).as_posix().startswith("inbox/store/")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if something would change"
    )
    parser.add_argument("--no-annotate", action="store_true", help="do not type use cases' store parameter")
    args = parser.parse_args(argv)
    methods = method_areas()
    _, _, on_class = patterns(methods)
    changed, left = [], []
    for path in files(args.paths):
        text = path.read_text(encoding="utf-8")
        new = rewrite_text(text, methods)
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("inbox/") and not args.no_annotate:
            new = annotate(new)
        if new != text:
            changed.append(rel)
            if not args.check:
                path.write_text(new, encoding="utf-8")
        for m in on_class.finditer(new):
            line = new.count("\n", 0, m.start()) + 1
            name = m[1] or m[3]
            left.append(f"{rel}:{line}: Store.{name} (class level): use inbox.store.AREAS[{methods[name]!r}]")
    for rel in changed:
        print(("would rewrite " if args.check else "rewrote ") + rel)
    for item in left:
        print("left for a hand edit: " + item, file=sys.stderr)
    return 1 if args.check and (changed or left) else 0


if __name__ == "__main__":
    sys.exit(main())
