"""Every row of the performance table (issue 10), measured side by side in
one run, printed as a Markdown table with the target column.

    python benchmarks/perf.py --stat median   # medians instead of the fastest blocks

    python benchmarks/perf.py            # every row (a few minutes)
    python benchmarks/perf.py --quick    # fewer blocks, shorter runs
    python benchmarks/perf.py --only step --only trainer   # rows whose name matches

Rows come from ``perf_model.ROWS`` (the model) and, when it is there,
``perf_ui.ROWS`` (the window); each is a function returning a
``perf_common.Row``. Like the app, the run limits BLAS to one thread (the
row about default threads restores them for its own blocks). Each figure is
the median of interleaved blocks (``perf_timing``), so the machine's load
hits a figure and its reference alike.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `bpsim` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.perf_common import Row


def _rows(patterns: list[str]) -> list[Callable[[], Row]]:
    found: list[Callable[[], Row]] = []
    for name in ("benchmarks.perf_model", "benchmarks.perf_ui"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        found += module.ROWS
    if patterns:
        found = [f for f in found if any(re.search(p, f.__name__, re.I) for p in patterns)]
    return found


def table(rows: list[Row]) -> str:
    lines = [
        "| figure | measured | reference | target | holds |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        mark = "yes" if r.holds else "**no**"
        lines.append(f"| {r.figure} | {r.measured} | {r.reference} | {r.target} | {mark} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer blocks, shorter runs")
    parser.add_argument(
        "--only", action="append", default=[], metavar="PATTERN",
        help="run only the rows whose function name matches (a regular expression; repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--stat", choices=["min", "quartile", "median"], default="min",
        help="each side's typical block time (default: the fastest; see perf_timing)",
    )  # fmt: skip
    parser.add_argument("--list", action="store_true", help="list the rows and exit")
    args = parser.parse_args(argv)
    if args.quick:
        os.environ["BPSIM_PERF_QUICK"] = "1"  # read by perf_timing when it is imported
    os.environ["BPSIM_PERF_STAT"] = args.stat
    rows = _rows(args.only)
    if args.list:
        for f in rows:
            print(f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}")
        return 0
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")  # as the app runs
    results: list[Row] = []
    failed = 0
    for f in rows:
        start = time.perf_counter()
        try:
            results.append(f())
        except Exception:  # one broken row should not hide the others
            failed += 1
            traceback.print_exc()
            results.append(Row(f.__name__, "failed (see above)", "", "", False))
        print(f"  {f.__name__}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(table(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
