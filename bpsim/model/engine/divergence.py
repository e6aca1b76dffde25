"""When a training step has diverged: finite limits set by the data's own scale.

Waiting for infinity or NaN lets numbers become absurd first (the sine
preset at learning rate 100 reached a loss of 2e302 before a step was
refused). A step is refused, with :class:`~bpsim.model.errors.DivergedError`
and nothing changed, as soon as any of these holds:

- its loss exceeds :data:`DIVERGENCE_FACTOR` (a million) times the data's
  *loss scale*: the loss of a network that knows nothing, whose output
  layer's weighted sums are all zero (for mean squared error with a linear
  output, half the mean square of the targets; for cross-entropies, ln 2 per
  output or ln k for k classes);
- a parameter would exceed :data:`DIVERGENCE_FACTOR` times the data's
  *parameter scale*: 1 for standardized inputs and targets of order 1,
  larger when the targets are large or the inputs tiny (a weight must then
  be large to do its job);
- the loss, a parameter, or any piece of the optimizer's state after the step
  (momentum's velocity, Adam's moments m and v) is not a finite number.

The loss a step computes is that of the parameters it starts from, so a
loss beyond the limit means the step *before* made them:
``DivergedError.step_back`` is then 1, and a caller keeping snapshots (the
app's timeline) goes back to the parameters before that step, whose loss
was within the limit. Presets train at their own rates orders of magnitude
below these limits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.activations import get_activation
from bpsim.model.engine.losses import REQUIRED_OUTPUT, get_loss
from bpsim.model.errors import DivergedError, quiet_fp

Array = NDArray[np.float64]

DIVERGENCE_FACTOR = 1e6
MIN_LOSS_SCALE = 1e-6  # a loss scale is never smaller: the limit never falls below 1
_LARGEST = float(np.finfo(np.float64).max)


@dataclass(frozen=True)
class DivergenceLimits:
    """The largest loss and the largest parameter magnitude a step may reach.
    The defaults refuse only what is not a finite number."""

    loss: float = _LARGEST
    parameter: float = _LARGEST

    def check(self, loss: float, params: Array, state: Mapping[str, Array]) -> None:
        """Raise :class:`DivergedError` if ``loss``, the new ``params`` or the
        optimizer's new ``state`` are out of bounds; all of them are checked
        in one pass each, NaN included (it compares false)."""
        if not loss <= self.loss:
            # The loss is that of the current parameters: the step before made them.
            if not math.isfinite(loss):
                raise DivergedError(f"the loss became {loss}", step_back=1)
            raise DivergedError(f"the loss reached {loss:.3g}, {_beyond(self.loss)}", step_back=1)
        for name, values in state.items():
            if not np.isfinite(values).all():
                raise DivergedError(f"the optimizer's {name} would become infinite")
        largest = np.abs(params).max()  # NaN if any is NaN: compares false below
        if not largest <= self.parameter:
            largest = float(largest)
            if not math.isfinite(largest):
                raise DivergedError("an update would make a parameter infinite")
            raise DivergedError(f"a parameter would reach {largest:.3g}, {_beyond(self.parameter)}")


def _beyond(limit: float) -> str:
    return f"beyond the limit of {limit:.3g} (a million times the data's scale)"


NO_LIMITS = DivergenceLimits()


def loss_scale(Y: Array, loss: str, output_activation: str) -> float:
    """The loss of a network whose output weighted sums are all zero: the
    scale a loss is measured against. Positive (1 if that loss is 0), and at
    least :data:`MIN_LOSS_SCALE`: targets all as tiny as 1e-100 would
    otherwise make a loss of 1e-188 look like divergence."""
    y = np.asarray(Y, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    z = np.zeros_like(y)
    name = REQUIRED_OUTPUT.get(loss, output_activation)
    with quiet_fp():
        value = get_loss(loss).value(z, get_activation(name).function(z), y)
    if not (math.isfinite(value) and value > 0):
        return 1.0
    return max(value, MIN_LOSS_SCALE)


def parameter_scale(X: Array, Y: Array) -> float:
    """How large a parameter may need to be for these data: the targets'
    largest magnitude over the smallest feature's (both at least 1)."""
    with quiet_fp():
        x = np.max(np.abs(np.asarray(X, dtype=np.float64)), axis=0, initial=0.0)
        y = float(np.max(np.abs(np.asarray(Y, dtype=np.float64)), initial=0.0))
    positive = x[x > 0]
    smallest = float(positive.min()) if positive.size else 1.0
    scale = max(1.0, y) / min(1.0, smallest)
    return scale if math.isfinite(scale) else _LARGEST


def limits_for(X: Array, Y: Array, loss: str, output_activation: str) -> DivergenceLimits:
    """The limits for training on ``X, Y`` with this loss and output layer."""
    return DivergenceLimits(
        loss=min(_LARGEST, DIVERGENCE_FACTOR * loss_scale(Y, loss, output_activation)),
        parameter=min(_LARGEST, DIVERGENCE_FACTOR * parameter_scale(X, Y)),
    )
