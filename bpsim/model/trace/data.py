"""The numbers of one traced step, kept as arrays until a frame is asked for.

:func:`bpsim.model.trace.step.trace_step` runs the vectorised step and keeps
what it computed here; the frame builders (forward, backward) read a frame's
numbers from these arrays when the frame is first shown. A mini-batch's
per-sample frames show each sample's own pass (as one-sample training would
compute it): that pass is run when a frame of its sample is first asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.activations import Activation
from bpsim.model.engine.losses import Loss
from bpsim.model.engine.optimizers import Optimizer, Proposal
from bpsim.model.errors import quiet_fp

if TYPE_CHECKING:  # the network runs the trace; the trace only reads it
    from bpsim.model.engine.network import Network

Array = NDArray[np.float64]
Rows = tuple[tuple[Array, ...], tuple[Array, ...], tuple[Array, ...]]  # z, out, delta


@dataclass(frozen=True, eq=False)
class StepData:
    """What one step computed, as the vectorised pass left it (read-only).

    ``weights``, ``biases`` stand before the update, ``weights_after`` and
    ``biases_after`` after it; ``regularization`` is the penalty added to the
    loss (0 without one); ``optimizer`` a copy as it stood (its learning
    rate), ``proposal`` the update it proposed; ``w_starts``, ``b_starts``
    where each layer's weights and biases start in the parameter vector.
    ``network`` makes the network as it stood before the step (for the
    per-sample passes of a mini-batch). ``in_place``: the in-place update
    order, whose hidden deltas read :meth:`delta_weights` (the weights after).
    """

    sizes: tuple[int, ...]
    activations: tuple[Activation, ...]
    loss_fn: Loss
    l1: float
    l2: float
    train_biases: bool
    X: Array
    Y: Array
    zs: tuple[Array, ...]
    acts: tuple[Array, ...]
    deltas: tuple[Array, ...]
    grad_weights: tuple[Array, ...]
    grad_biases: tuple[Array, ...]
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    weights_after: tuple[Array, ...]
    biases_after: tuple[Array, ...]
    loss: float
    regularization: float
    optimizer: Optimizer
    proposal: Proposal
    w_starts: tuple[int, ...]
    b_starts: tuple[int, ...]
    network: Callable[[], Network]
    in_place: bool = False  # the update order: hidden deltas from the updated weights
    _passes: dict[int, Rows] = field(default_factory=dict, repr=False)
    _per_sample: list[Array] = field(default_factory=list, repr=False)
    _network: list[Network] = field(default_factory=list, repr=False)

    @property
    def loss_name(self) -> str:
        return self.loss_fn.name

    @property
    def n(self) -> int:
        return len(self.X)

    def rows(self, s: int | None) -> Rows:
        """Pre-activations, activations (the input first) and deltas as the
        frames of sample ``s`` show them: the step's own arrays for a
        one-sample step (``s`` None), else sample ``s``'s own pass (deltas
        of its one-sample loss)."""
        rows = self._passes.get(-1 if s is None else s)
        if rows is None and s is None:
            rows = self._passes[-1] = (
                tuple(z[0] for z in self.zs),
                tuple(a[0] for a in self.acts),
                tuple(d[0] for d in self.deltas),
            )
        elif rows is None:
            assert s is not None
            if not self._network:
                self._network.append(self.network())
            net = self._network[0]
            with quiet_fp():
                zs, acts = net.forward_cache(self.X[s : s + 1])
                propose = self._applied_update if self.in_place else None
                deltas = net.backward(zs, acts, self.Y[s : s + 1], propose=propose)[0]
            rows = (
                tuple(z[0] for z in zs),
                tuple(a[0] for a in acts),
                tuple(d[0] for d in deltas),
            )
            for row in (*rows[0], *rows[1], *rows[2]):
                row.flags.writeable = False
            self._passes[s] = rows
        return rows

    def delta_weights(self, layer: int) -> Array:
        """The weights feeding ``layer + 1`` (0-based: ``weights[layer]``) as
        the deltas of ``layer`` read them: after the update in the in-place
        order, before it in the simultaneous one."""
        return (self.weights_after if self.in_place else self.weights)[layer]

    def _applied_update(self, grad: Array) -> Array:
        """The step's update, whatever the gradient (a sample's in-place pass)."""
        return self.proposal.update

    def per_sample_loss(self) -> Array:
        """Each sample's loss, from the step's arrays."""
        if not self._per_sample:
            self._per_sample.append(self.loss_fn.per_sample(self.zs[-1], self.acts[-1], self.Y))
        return self._per_sample[0]
