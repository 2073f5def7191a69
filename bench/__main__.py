"""Run every benchmark section and print one table.

Each ``bench/bench_<name>.py`` exposes ``run() -> list[Row]`` where a row is
``(metric, value, baseline, ratio_or_note)``; figures are ratios against a baseline measured in
the same run, because this machine is small and noisy. Sections that are slow (Spark) check
their own opt-in flag (``BENCH_SPARK=1``) and return a row saying how to enable them.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path

from datalake_library.testing.environment import apply_moto_environment


def _sections(selected: list[str]) -> list[str]:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    return names


def main(argv: list[str]) -> int:
    apply_moto_environment()
    rows: list[tuple[str, str, str, str, str]] = []
    failed = 0
    for name in _sections(argv):
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            for metric, value, baseline, note in module.run():
                rows.append((name.removeprefix("bench_"), metric, value, baseline, note))
        except Exception:  # a broken section must not hide the others
            failed += 1
            traceback.print_exc()
            rows.append((name.removeprefix("bench_"), "FAILED", "-", "-", "see traceback above"))
        sys.stderr.write(f"[bench] {name} took {time.perf_counter() - started:.1f}s\n")
    header = ("section", "metric", "value", "baseline", "ratio / note")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    sys.stdout.write(line + "\n" + "-+-".join("-" * w for w in widths) + "\n")
    for row in rows:
        sys.stdout.write(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
