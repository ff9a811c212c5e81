"""`make mutate`: mutmut over the modules that protect data, then the score per module and the survivors.

Usage: ``python -m tests.mutation.run [MODULE ...]`` (a path such as ``inbox/users.py`` or a short name
such as ``users``; none: every module) runs mutmut 3 (settings in setup.cfg ``[mutmut]``; it works in
./mutants) on those modules' mutants; ``--score-only`` prints the figures of the last run without running
anything;
``--survivors`` runs again only the mutants that survived (or were not run) last time, after adding tests;
``--resume`` runs only the mutants that have no result yet (a run that was stopped).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess
import sys
import time
from pathlib import Path

from tests.support.mutation_equivalents import reason

ROOT = Path(__file__).resolve().parents[2]
# module path -> mutmut names (globs) of the functions it scores; inbox/imports.py: only the commit and undo
# code.
MODULES: dict[str, tuple[str, ...]] = {
    "validation/checks.py": ("validation.checks.*",),
    "inbox/files.py": ("inbox.files.*",),
    "inbox/store/imports_write.py": ("inbox.store.imports_write.*",),
    "inbox/imports.py": (
        "inbox.imports.x_run_import__mutmut_*",
        "inbox.imports.x__import_table__mutmut_*",
        "inbox.imports.x_undo__mutmut_*",
    ),
    "inbox/deletion.py": ("inbox.deletion.*",),
    "inbox/store/deletion.py": ("inbox.store.deletion.*",),
    "inbox/store/deletion_log.py": ("inbox.store.deletion_log.*",),
    "inbox/users.py": ("inbox.users.*",),
    "inbox/auth.py": ("inbox.auth.*",),
    "inbox/deletion_chain.py": ("inbox.deletion_chain.*",),
    "inbox/entry_hashes.py": ("inbox.entry_hashes.*",),
    "inbox/keys.py": ("inbox.keys.*",),
    "inbox/key_file.py": ("inbox.key_file.*",),
    "inbox/checkpoints.py": ("inbox.checkpoints.*",),
    "inbox/sign_in.py": ("inbox.sign_in.*",),
}
SHORT = {
    "checks": "validation/checks.py",
    "files": "inbox/files.py",
    "store_imports": "inbox/store/imports_write.py",
    "imports": "inbox/imports.py",
    "deletion": "inbox/deletion.py",
    "store_deletion": "inbox/store/deletion.py",
    "deletion_log": "inbox/store/deletion_log.py",
    "users": "inbox/users.py",
    "auth": "inbox/auth.py",
    "chain": "inbox/deletion_chain.py",
    "hashes": "inbox/entry_hashes.py",
    "keys": "inbox/keys.py",
    "key_file": "inbox/key_file.py",
    "checkpoints": "inbox/checkpoints.py",
    "sign_in": "inbox/sign_in.py",
}
# mutmut 3's exit codes per mutant (mutmut/stats.py): 1 and 3 killed; timeouts and crashes count as killed.
KILLED = {1, 3, 24, -24, 152, 255, 36, -11, -9, 37}
SURVIVED, NO_TESTS, NOT_CHECKED = {0}, {5, 33}, {None}


def module_path(name: str) -> str:
    path = SHORT.get(name, name)
    if path not in MODULES:
        raise SystemExit(f"unknown module {name!r}: one of {', '.join(list(MODULES) + list(SHORT))}")
    return path


def results(path: str) -> dict[str, int | None]:
    """``{mutant name: exit code}`` of the module's scored mutants, from mutmut's ``mutants/<path>.meta``."""
    meta = ROOT / "mutants" / (path + ".meta")
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    return {k: v for k, v in codes.items() if any(fnmatch.fnmatch(k, g) for g in MODULES[path])}


def diff_of(name: str, path: str) -> str:
    """The mutant's change as ``mutmut show`` prints it (read from ./mutants)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    try:
        return get_diff_for_mutant(name, path=path)
    except Exception as exc:  # a stale or missing ./mutants copy: scored as a survivor
        return f"(diff unavailable: {exc})"


def score_lines(paths: list[str]) -> tuple[list[str], list[str], list[str]]:
    """One line per module — killed / (tested minus equivalent survivors), and the raw figure —, the
    survivors (or mutants without a test), and the equivalent survivors with their reason."""
    lines, survivors, equivalents = [], [], []
    for path in paths:
        codes = results(path)
        killed = sum(1 for v in codes.values() if v in KILLED)
        unchecked = sum(1 for v in codes.values() if v in NOT_CHECKED)
        lost = sorted(k for k, v in codes.items() if v in SURVIVED | NO_TESTS)
        same = 0
        for k in lost:
            why = reason(k, diff_of(k, path)) if codes[k] in SURVIVED else None
            if why:
                same += 1
                equivalents.append(f"{k}: {why}")
            else:
                survivors.append(f"{k}: {'survived' if codes[k] in SURVIVED else 'no tests'}")
        checked = len(codes) - unchecked
        scored = checked - same
        pct = f"{100 * killed / scored:5.1f}%" if scored else "  n/a "
        raw = f"{100 * killed / checked:5.1f}%" if checked else "  n/a "
        extra = f" ({unchecked} not run yet)" if unchecked else ""
        lines.append(
            f"{path:30} {killed:4} / {scored:4} killed  {pct}   (raw {killed}/{checked} {raw}){extra}"
        )
    return lines, survivors, equivalents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--score-only", action="store_true")
    parser.add_argument("--survivors", action="store_true")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--max-children", type=int, default=None)
    args = parser.parse_args(argv)
    paths = [module_path(m) for m in args.modules] or list(MODULES)
    started = time.monotonic()
    if not args.score_only:
        globs = [g for p in paths for g in MODULES[p]]
        if args.survivors:
            globs = [k for p in paths for k, v in results(p).items() if v not in KILLED]
            if not globs:
                print("no survivors to run again")
        elif args.resume:  # mutmut reruns every mutant it is given by name: give only those without a result
            globs = [k for p in paths for k, v in results(p).items() if v in NOT_CHECKED]
            if not globs:
                print("every mutant of these modules has a result (run without --resume to run them all)")
        extra = ["--max-children", str(args.max_children)] if args.max_children else []
        command = [sys.executable, "-m", "mutmut", "run", *extra, *globs]
        code = subprocess.call(command, cwd=ROOT) if globs else 0
        if code:
            print(f"mutmut stopped with exit code {code}", file=sys.stderr)
            return code
    lines, survivors, equivalents = score_lines(paths)
    print("\nmutation score (killed / mutants tested, equivalent survivors left out; raw: all tested):")
    print("\n".join(lines))
    if equivalents:
        print(f"\nequivalent survivors ({len(equivalents)}; they cannot change behaviour):")
        print("\n".join(f"  {s}" for s in equivalents))
    if survivors:
        print(f"\nsurvivors ({len(survivors)}; `mutmut show NAME` prints the change):")
        print("\n".join(f"  {s}" for s in survivors))
    if not args.score_only:
        print(f"\ntook {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
