"""`make bench`: run every tests/bench/bench_*.py script in turn; each prints JSON figure lines."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"# {script.name}", file=sys.stderr, flush=True)
        module = f"tests.bench.{script.stem}"
        failed |= subprocess.run(
            [sys.executable, "-m", module, *sys.argv[1:]], cwd=HERE.parents[1]
        ).returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
