"""Activation functions, their derivatives, and how to write them down.

Each activation knows its value ``f(z)``, its derivative expressed through
``z`` and ``a = f(z)`` (cheaper and closer to how lecturers write it), and the
symbols the formula card shows. ``softmax`` couples the units of a layer and is
allowed on the output layer only; its Jacobian is applied as a product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from bpsim.model.errors import quiet_fp

Array = NDArray[np.float64]

LEAKY_SLOPE = 0.01


def _sigmoid(z: Array) -> Array:
    # 1 / (1 + e^-z), in place: full precision in both tails (e^-z is exact
    # where the result is tiny). Below z = -709 e^-z overflows to inf and the
    # result is 0, the right limit; the engine calls this inside quiet_fp, and
    # Activation.__call__ does, so no warning is raised. (The overflow-free
    # exp(-logaddexp(0, -z)) costs ~4x as much; 0.5 + 0.5 tanh(z/2) loses the
    # negative tail.)
    out: Array = np.negative(z, dtype=np.float64)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)
    return out


@lru_cache(maxsize=64)
def ones(n: int) -> Array:
    """A read-only vector of ``n`` ones: ``x @ ones(n)`` sums the rows of
    ``x`` with one BLAS call, several times faster than ``x.sum(axis=1)`` on
    the small arrays of a teaching network."""
    out = np.ones(n)
    out.flags.writeable = False
    return out


def row_sums(x: Array) -> Array:
    """The sum of each row of ``x`` (of ``x`` itself when it is a vector)."""
    out: Array = x @ ones(x.shape[-1])
    return out


def _softmax(z: Array) -> Array:
    out: Array = z - z.max(axis=-1, keepdims=True)
    np.exp(out, out=out)
    out /= row_sums(out)[..., None]
    return out


def _relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def _leaky_relu(z: Array) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _identity(z: Array) -> Array:
    return z


@dataclass(frozen=True)
class Activation:
    """An activation function with its derivative and its notation.

    ``derivative(z, a)`` returns ``f'(z)`` elementwise (for softmax: ``None``,
    the layer's Jacobian is applied by :func:`softmax_backward`).
    ``symbol`` is the function's name in formulas, ``derivative_symbolic`` the
    derivative written with ``{net}`` and ``{out}`` placeholders.
    """

    name: str
    function: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array] | None
    symbol: str
    derivative_symbolic: str
    output_only: bool = False

    def __call__(self, z: Array) -> Array:
        """``function(z)`` without floating-point warnings (``function`` itself
        may overflow silently to its limit; the network calls it inside
        :func:`~bpsim.model.errors.quiet_fp`)."""
        with quiet_fp():
            return self.function(z)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid",
        _sigmoid,
        lambda z, a: a * (1.0 - a),
        "σ",
        "{out} × (1 − {out})",
    ),
    "tanh": Activation(
        "tanh",
        np.tanh,
        lambda z, a: 1.0 - a * a,
        "tanh",
        "(1 − {out}²)",
    ),
    "relu": Activation(
        "relu",
        _relu,
        lambda z, a: (z > 0).astype(np.float64),
        "relu",
        "[{net} > 0]",
    ),
    "leaky_relu": Activation(
        "leaky_relu",
        _leaky_relu,
        lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE),
        "lrelu",
        f"({{net}} > 0 ? 1 : {LEAKY_SLOPE})",
    ),
    "linear": Activation(
        "linear",
        _identity,
        lambda z, a: np.ones_like(z),
        "id",
        "1",
    ),
    "softmax": Activation(
        "softmax",
        _softmax,
        None,
        "softmax",
        "{out} × (g − Σ g·out)",
        output_only=True,
    ),
}


def get_activation(name: str) -> Activation:
    """Look an activation up by name, with a message listing the valid names."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        valid = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; choose one of: {valid}") from None


def softmax_backward(a: Array, g: Array) -> Array:
    """Return ``dE/dz`` of a softmax layer from ``a = softmax(z)`` and ``g = dE/da``."""
    out: Array = a * (g - row_sums(g * a)[..., None])
    return out
