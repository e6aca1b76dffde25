"""The engine runs mid-sized matrix products on one BLAS thread whatever the
process's default, and restores the default after."""

from __future__ import annotations

import numpy as np
import pytest

import bpsim.model.engine.threads as threads
from bpsim.model import Network
from bpsim.model.engine.optimizers import SGD
from bpsim.model.engine.training import Trainer


class FakeBlas:
    """Stands for threadpoolctl's controller of one BLAS library."""

    def __init__(self, n: int) -> None:
        self.num_threads = n
        self.calls: list[int] = []

    def set_num_threads(self, n: int) -> None:
        self.calls.append(n)
        self.num_threads = n


@pytest.fixture
def blas(monkeypatch: pytest.MonkeyPatch) -> FakeBlas:
    fake = FakeBlas(4)
    monkeypatch.setattr(threads, "_blas", [fake])
    return fake


def _data(sizes: list[int], n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, sizes[0])), rng.uniform(size=(n, sizes[-1]))


def test_a_mid_sized_step_runs_on_one_thread_and_restores_the_default(blas: FakeBlas) -> None:
    X, Y = _data([64, 32, 10], 256)  # 256 · 64 · 32 ≈ 0.5 M multiply-adds
    Network([64, 32, 10], seed=0).step(X, Y, 0.1)
    assert blas.calls == [1, 4] and blas.num_threads == 4


def test_tiny_and_huge_products_leave_the_threads_alone(blas: FakeBlas) -> None:
    X, Y = _data([2, 2, 2], 4)
    Network([2, 2, 2], seed=0).step(X, Y, 0.1)
    assert blas.calls == []
    assert threads.ONE_THREAD_BELOW <= 512 * 2048 * 256  # a product this big keeps its threads
    with threads.blas_threads_for(512 * 2048 * 256):
        pass
    assert blas.calls == []


def test_training_sets_the_threads_once_per_run(blas: FakeBlas) -> None:
    X, Y = _data([64, 32, 10], 512)
    trainer = Trainer(Network([64, 32, 10], seed=0), X, Y, SGD(0.1), batch_size=256)
    trainer.train(10)
    assert blas.calls == [1, 4]
    trainer.trace_step()
    assert blas.calls == [1, 4, 1, 4]


def test_the_app_s_single_thread_is_left_as_it_is(blas: FakeBlas) -> None:
    blas.num_threads = 1
    X, Y = _data([64, 32, 10], 256)
    Network([64, 32, 10], seed=0).step(X, Y, 0.1)
    assert blas.calls == []
