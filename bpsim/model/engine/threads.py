"""BLAS threads chosen by matrix size, so that a script gets the fast path
without knowing.

OpenBLAS splits a matrix product over its threads once the product is big
enough to pay for waking them; for the products of a teaching network (a
64-32-10 network at batch 256: ~0.5 M multiply-adds each) the waking costs
more than the sharing saves, by 3-7x on a busy 2-core machine (GUIDE.md §4),
and even products of 6-25 M multiply-adds (784-128-10 at batch 64-256) ran
3-20x slower on two threads than on one there. So the engine runs products
below :data:`ONE_THREAD_BELOW` multiply-adds on one thread and leaves larger
ones, and products too small for OpenBLAS to thread at all, as they are.
The app limits BLAS to one thread for good; then this costs one query.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

ONE_THREAD_BELOW = 1 << 26  # multiply-adds of a network's largest product
THREADED_FROM = 1 << 16  # OpenBLAS keeps smaller products on one thread anyway

_blas: list[Any] | None = None  # threadpoolctl's controllers of the loaded BLAS libraries


def _blas_controllers() -> list[Any]:
    global _blas
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

            _blas = [c for c in ThreadpoolController().lib_controllers if c.user_api == "blas"]
        except Exception:  # no threadpoolctl, or a library it cannot drive: leave BLAS be
            _blas = []
    return _blas


class blas_threads_for:  # noqa: N801 (used as a context, like threadpoolctl's limits)
    """Within ``with blas_threads_for(work):`` BLAS runs on one thread when
    products of ``work`` multiply-adds are faster so; the threads are
    restored on leaving."""

    __slots__ = ("_restore", "_work")

    def __init__(self, work: int) -> None:
        self._work = work
        self._restore: list[tuple[Any, int]] = []

    def __enter__(self) -> None:
        if not THREADED_FROM <= self._work < ONE_THREAD_BELOW:
            return
        for lib in _blas_controllers():
            n = lib.num_threads
            if n != 1:
                lib.set_num_threads(1)
                self._restore.append((lib, n))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for lib, n in self._restore:
            lib.set_num_threads(n)
        self._restore.clear()
