"""`make bench`: run every bench/bench_*.py and print its figures.

Each module exposes `run() -> list[str]`: lines that state what was measured and the ratio against a
reference measured in the same run (this machine is noisy; absolute times mean little, ratios do).
Benchmarks use the development database (DATABASE_URL, set by scripts/dev) and say what data they need.
Run one with `make bench ARGS=tiles` or `scripts/dev bench tiles`.
"""

import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dusun.settings")


def main(selected: list[str]) -> int:
    import django

    django.setup()
    modules = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    failures = 0
    for name in modules:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            for line in importlib.import_module(f"bench.{name}").run():
                print(f"   {line}", flush=True)
        except Exception as exc:  # report and go on: one broken bench must not hide the others
            failures += 1
            print(f"   FAILED: {exc!r}", flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
