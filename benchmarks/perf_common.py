"""The shape of one row of the performance table (``benchmarks/perf.py``).

Each ``perf_*.py`` module exposes ``ROWS``: a list of functions, each measuring
one figure side by side with its reference in one run and returning a ``Row``.
"""

from __future__ import annotations

from typing import NamedTuple


class Row(NamedTuple):
    figure: str  # what is measured, e.g. "pressing Right, 2-8-8-1"
    measured: str  # the result, as a ratio to the reference, e.g. "1.21x"
    reference: str  # what it is compared with, e.g. "one repaint"
    target: str  # the target, e.g. "<= 1.5x"
    holds: bool  # whether the target holds in this run
