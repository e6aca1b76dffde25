"""Timing helpers for the performance table (``benchmarks/perf.py``).

Every figure is a ratio measured side by side in one run: the candidate and
its reference alternate, block after block (which goes first alternates
too), so that the machine's load hits both alike; the figure is the ratio
of their typical times over many short blocks: by default each side's
fastest block. On a shared machine (this one: 2 cores, ~8 busy processes)
the scheduler takes the processor away for ~10 ms at a time, so a 1 ms
block runs either undisturbed or ~10x slower, and a 15 ms step is hit
nearly every time: a median is then a coin toss, while the fastest of many
interleaved blocks is each side's undisturbed time (load only ever adds
time). ``STAT`` ("min", "quartile" or "median"; ``perf.py --stat``, or
``BPSIM_PERF_STAT``) chooses; on a quiet machine all three agree. ``QUICK`` (set by ``perf.py
--quick``, or the environment variable ``BPSIM_PERF_QUICK=1``) runs fewer
blocks.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from threadpoolctl import threadpool_info

QUICK = os.environ.get("BPSIM_PERF_QUICK") == "1"
STAT = os.environ.get("BPSIM_PERF_STAT", "min")


def typical(times: list[float]) -> float:
    """The typical time of a side's blocks, by :data:`STAT`."""
    if STAT == "median":
        return statistics.median(times)
    if STAT == "min":
        return min(times)
    return statistics.quantiles(times, n=4, method="inclusive")[0] if len(times) > 1 else times[0]


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
    """A candidate's typical time per call over its reference's, and the two
    typical times (seconds)."""

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
    n_blocks: int = 101,
    seconds: float = 0.001,
) -> Ratio:
    """Time ``candidate`` against ``reference`` in alternating blocks of about
    ``seconds`` each (short blocks, many of them: on a shared machine the
    load changes from one second to the next)."""
    calls = min(calls_for(candidate, seconds), calls_for(reference, seconds))
    cand, ref = [], []
    for b in range(blocks(n_blocks)):
        if b % 2:
            r = per_call(reference, calls)
            c = per_call(candidate, calls)
        else:
            c = per_call(candidate, calls)
            r = per_call(reference, calls)
        cand.append(c)
        ref.append(r)
    c, r = typical(cand), typical(ref)
    return Ratio(c / r, c, r)


def fmt_ratio(x: float) -> str:
    return f"{x:.2f}x" if x < 10 else f"{x:,.0f}x"


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"
