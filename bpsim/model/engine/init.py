"""Weight initialisers. Each takes a numpy Generator so that runs reproduce."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Initialiser = Callable[[np.random.Generator, int, int], Array]


def xavier(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    """Glorot/Xavier uniform: U(−r, r) with r = √(6 / (n_in + n_out))."""
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_in, n_out))


def he(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    """He/Kaiming normal: N(0, 2 / n_in), suited to ReLU layers."""
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


def uniform(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    """U(−0.5, 0.5), the plain choice of many textbooks."""
    return rng.uniform(-0.5, 0.5, size=(n_in, n_out))


INITIALISERS: dict[str, Initialiser] = {"xavier": xavier, "he": he, "uniform": uniform}


def get_initialiser(name: str) -> Initialiser:
    """Look an initialiser up by name, with a message listing the valid names."""
    try:
        return INITIALISERS[name]
    except KeyError:
        valid = ", ".join(sorted(INITIALISERS))
        raise ValueError(f"unknown initialiser {name!r}; choose one of: {valid}") from None
