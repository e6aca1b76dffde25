"""Timing helpers for the performance table (``benchmarks/perf.py``).

Every figure is a ratio measured side by side in one run: the candidate and
its reference alternate, block after block (which goes first alternates
too), so that the machine's load hits both alike; the figure is the median
of the blocks' ratios. ``QUICK`` (set by ``perf.py --quick``, or the
environment variable ``BPSIM_PERF_QUICK=1``) runs fewer blocks.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from threadpoolctl import threadpool_info

QUICK = os.environ.get("BPSIM_PERF_QUICK") == "1"

# BLAS threads as the process started (before perf.py limits them to one, as the app does)
DEFAULT_BLAS_THREADS = max(
    (int(lib["num_threads"]) for lib in threadpool_info() if lib.get("user_api") == "blas"),
    default=1,
)


def blocks(full: int) -> int:
    """How many blocks to run: ``full``, or a third of it in quick mode (at least 3)."""
    return max(3, full // 3) if QUICK else full


@dataclass(frozen=True)
class Ratio:
    """A candidate's time over its reference's: the median of per-block ratios,
    and each one's median time per call (seconds)."""

    ratio: float
    candidate: float
    reference: float


def per_call(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def calls_for(fn: Callable[[], object], seconds: float = 0.02) -> int:
    """How many calls of ``fn`` take about ``seconds`` (at least one)."""
    fn()
    t = per_call(fn, 1)
    return max(1, int(seconds / max(t, 1e-7)))


def interleaved(
    candidate: Callable[[], object],
    reference: Callable[[], object],
    *,
    n_blocks: int = 15,
    seconds: float = 0.02,
) -> Ratio:
    """Time ``candidate`` against ``reference`` in alternating blocks of about
    ``seconds`` each."""
    calls = min(calls_for(candidate, seconds), calls_for(reference, seconds))
    ratios, cand, ref = [], [], []
    for b in range(blocks(n_blocks)):
        if b % 2:
            r = per_call(reference, calls)
            c = per_call(candidate, calls)
        else:
            c = per_call(candidate, calls)
            r = per_call(reference, calls)
        ratios.append(c / r)
        cand.append(c)
        ref.append(r)
    return Ratio(statistics.median(ratios), statistics.median(cand), statistics.median(ref))


def fmt_ratio(x: float) -> str:
    return f"{x:.2f}x" if x < 10 else f"{x:,.0f}x"


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"
