"""Optimizers: how a gradient becomes an update.

An optimizer first *proposes* an update for a gradient; the network applies
it (refusing it if it diverges, see ``Network.apply_update``); only then is the
optimizer's own state committed. So a refused step changes nothing at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from bpsim.model.notation import factor, num

Array = NDArray[np.float64]


class Proposal(NamedTuple):
    """An update to subtract from the parameters, and how to commit it (a
    named tuple: made once per training step, it must cost next to nothing)."""

    update: Array
    commit: Callable[[], None]
    # Per-parameter values the formula card shows (e.g. Adam's m̂ and v̂).
    extras: Mapping[str, Array]
    # The optimizer's state as ``commit`` would leave it (e.g. Adam's m and
    # v): the divergence check refuses a step that makes any of it non-finite.
    new_state: Mapping[str, Array] = MappingProxyType({})


def _no_op() -> None:
    return None


_NO_EXTRAS: Mapping[str, Array] = {}


class Optimizer:
    """Base class. Subclasses set ``name`` and implement ``propose``.

    ``propose`` must not keep a reference to ``grad``: the training loop
    reuses that buffer for the next step.
    """

    name = "optimizer"
    state_keys: tuple[str, ...] = ()  # what :meth:`state` may hold

    def __init__(self, lr: float) -> None:
        if not lr > 0 or not np.isfinite(lr):
            raise ValueError(f"the learning rate must be a positive number, got {lr}")
        self.lr = float(lr)

    def propose(self, grad: Array) -> Proposal:
        raise NotImplementedError

    def update_formula(
        self, name: str, k: int, old: float, new: float, p: Proposal
    ) -> tuple[str, str]:
        """Symbolic and substituted formula of parameter ``k``'s update."""
        g = float(p.update[k]) / self.lr
        return (
            f"{name}⁺ = {name} − η × ∂E/∂{name}",
            f"{num(old)} − {num(self.lr)} × {factor(g)} = {num(new)}",
        )

    def settings(self) -> dict[str, float]:
        """The hyper-parameters, for session files."""
        return {"lr": self.lr}

    def apply_settings(self, settings: Mapping[str, float]) -> None:
        """Set hyper-parameters from :meth:`settings` (as a snapshot holds them)."""
        for key, value in settings.items():
            if key not in self.settings():
                raise ValueError(f"{self.name} has no setting {key!r}")
            setattr(self, key, float(value))

    def state(self) -> dict[str, Array | int]:
        """A copy of the internal state (moments, step count)."""
        return {}

    def load_state(self, state: Mapping[str, Array | int], n_params: int) -> None:
        """Restore a state from :meth:`state`, checking its shapes."""
        if state:
            raise ValueError(f"{self.name} keeps no state")

    def reset(self) -> None:
        """Forget the state, as at the start of training."""


class SGD(Optimizer):
    """Plain gradient descent: update = η ∂E/∂θ."""

    name = "sgd"

    def propose(self, grad: Array) -> Proposal:
        return Proposal(self.lr * grad, _no_op, _NO_EXTRAS)


class Momentum(Optimizer):
    """Gradient descent with momentum: v ← μ v + ∂E/∂θ, update = η v."""

    name = "momentum"
    state_keys = ("velocity",)

    def __init__(self, lr: float, momentum: float = 0.9) -> None:
        super().__init__(lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = float(momentum)
        self.velocity: Array | None = None

    def propose(self, grad: Array) -> Proposal:
        v = grad.copy() if self.velocity is None else self.momentum * self.velocity + grad

        def commit() -> None:
            self.velocity = v

        return Proposal(self.lr * v, commit, {"v": v}, {"velocity": v})

    def update_formula(
        self, name: str, k: int, old: float, new: float, p: Proposal
    ) -> tuple[str, str]:
        v = float(p.extras["v"][k])
        return (
            f"{name}⁺ = {name} − η × v,  v = μ v + ∂E/∂{name}",
            f"{num(old)} − {num(self.lr)} × {factor(v)} = {num(new)}",
        )

    def settings(self) -> dict[str, float]:
        return {"lr": self.lr, "momentum": self.momentum}

    def state(self) -> dict[str, Array | int]:
        return {} if self.velocity is None else {"velocity": self.velocity.copy()}

    def load_state(self, state: Mapping[str, Array | int], n_params: int) -> None:
        self.velocity = _array_state(state, "velocity", n_params)

    def reset(self) -> None:
        self.velocity = None


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected first and second moments."""

    name = "adam"
    state_keys = ("m", "v", "t")

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1 and eps > 0 and math.isfinite(eps)):
            raise ValueError("Adam needs 0 ≤ β1, β2 < 1 and a finite ε > 0")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m: Array | None = None
        self.v: Array | None = None
        self.t = 0

    def propose(self, grad: Array) -> Proposal:
        b1, b2 = self.beta1, self.beta2
        m = (1 - b1) * grad if self.m is None else b1 * self.m + (1 - b1) * grad
        v = (1 - b2) * grad * grad if self.v is None else b2 * self.v + (1 - b2) * grad * grad
        t = self.t + 1
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)

        def commit() -> None:
            self.m, self.v, self.t = m, v, t

        update = self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        # m is finite whenever v is: v averages the squares of the gradients m averages.
        return Proposal(update, commit, {"m_hat": m_hat, "v_hat": v_hat}, {"v": v})

    def update_formula(
        self, name: str, k: int, old: float, new: float, p: Proposal
    ) -> tuple[str, str]:
        m_hat, v_hat = float(p.extras["m_hat"][k]), float(p.extras["v_hat"][k])
        return (
            f"{name}⁺ = {name} − η × m̂ / (√v̂ + ε)",
            f"{num(old)} − {num(self.lr)} × {factor(m_hat)} / (√{num(v_hat)} + ε) = {num(new)}",
        )

    def settings(self) -> dict[str, float]:
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def state(self) -> dict[str, Array | int]:
        if self.m is None or self.v is None:
            return {}
        return {"m": self.m.copy(), "v": self.v.copy(), "t": self.t}

    def load_state(self, state: Mapping[str, Array | int], n_params: int) -> None:
        self.m = _array_state(state, "m", n_params)
        self.v = _array_state(state, "v", n_params)
        t = state.get("t", 0)
        if not isinstance(t, int) or t < 0 or (t == 0) != (self.m is None):
            raise ValueError("Adam's step count t must be a non-negative integer")
        self.t = t

    def reset(self) -> None:
        self.m = self.v = None
        self.t = 0


def _array_state(state: Mapping[str, Array | int], key: str, n: int) -> Array | None:
    if key not in state:
        return None
    value = np.asarray(state[key], dtype=np.float64)
    if value.shape != (n,) or not np.isfinite(value).all():
        raise ValueError(f"optimizer state {key!r} must be {n} finite numbers")
    return value.copy()


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, **settings: float) -> Optimizer:
    """Create an optimizer by name with its settings (``lr`` and others)."""
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        valid = ", ".join(OPTIMIZERS)
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {valid}") from None
    try:
        return cls(**settings)
    except TypeError as exc:
        raise ValueError(f"bad settings for {name}: {exc}") from None
