"""Build the trace of one training step from the vectorised computation.

See :mod:`bpsim.model.trace.frames` for what a frame holds. The numbers are read
from the arrays that ``Network.forward_cache``, ``Network.backward`` and
``Network.apply_update`` produce, the same calls training makes: the step's
loss, gradients and update are training's to the last bit (and every frame
of a one-sample step); a mini-batch's per-sample frames come from each
sample's own pass and agree with the batch to rounding.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.divergence import NO_LIMITS, DivergenceLimits
from bpsim.model.engine.optimizers import Optimizer, Proposal
from bpsim.model.errors import quiet_fp
from bpsim.model.trace.backward import TraceBuilder
from bpsim.model.trace.data import StepData
from bpsim.model.trace.frames import Frames, Trace
from bpsim.model.trace.layout import trace_layout

if TYPE_CHECKING:  # the network runs the trace; the trace only reads it
    from bpsim.model.engine.network import Network

Array = NDArray[np.float64]


def trace_step(
    net: Network,
    X: Array,
    Y: Array,
    opt: Optimizer,
    limits: DivergenceLimits = NO_LIMITS,
    update_order: str = "simultaneous",
) -> Trace:
    """Trace one step of ``net`` with ``opt`` on the batch ``X, Y`` and apply it.

    The step runs vectorised, as training runs it; its frames are built
    when they are asked for, from the arrays it keeps. Raises
    :class:`~bpsim.model.errors.DivergedError` (and changes nothing, the
    optimizer's state included) if the step would diverge (beyond ``limits``).
    With ``update_order`` ``"in_place"`` the hidden deltas are computed from
    the weights above as already updated, and the frames show each layer's
    updates before the deltas of the layer below.
    """
    with quiet_fp():
        return _trace_step(net, X, Y, opt, limits, update_order == "in_place")


def _trace_step(
    net: Network, X: Array, Y: Array, opt: Optimizer, limits: DivergenceLimits, in_place: bool
) -> Trace:
    zs, acts = net.forward_cache(X)
    loss = net._loss.value(zs[-1], acts[-1], Y)
    reg = net._regularization() if net.l1 or net.l2 else 0.0
    loss += reg
    if not loss <= limits.loss:  # refused before the frames are built
        limits.check(loss, net.params, {})
    deltas, grad = net.backward(zs, acts, Y, propose=_proposer(opt) if in_place else None)
    before = _frozen(net.params)
    grad.flags.writeable = False  # the frames read it: nothing may write to it
    proposal = opt.propose(grad)
    net.apply_update(proposal.update, loss, limits, proposal.new_state)
    proposal.commit()
    # the frames read the proposal later: keep copies of its arrays
    extras = {name: _frozen(v) for name, v in proposal.extras.items()}
    kept = Proposal(_frozen(proposal.update), proposal.commit, extras)
    after = _frozen(net.params)
    x, y = _frozen(X), _frozen(Y)
    acts[0] = x
    for a in (*zs, *acts, *deltas):
        a.flags.writeable = False  # fresh arrays of this pass: no copies needed

    data = StepData(
        sizes=net.sizes,
        activations=net.activations,
        loss_fn=net._loss,
        l1=net.l1,
        l2=net.l2,
        train_biases=net.train_biases,
        X=x,
        Y=y,
        zs=tuple(zs),
        acts=tuple(acts),
        deltas=tuple(deltas),
        grad_weights=tuple(net._weight_views(grad)),
        grad_biases=tuple(net._bias_views(grad)),
        weights=tuple(net._weight_views(before)),
        biases=tuple(net._bias_views(before)),
        weights_after=tuple(net._weight_views(after)),
        biases_after=tuple(net._bias_views(after)),
        loss=loss,
        regularization=reg,
        optimizer=copy.copy(opt),
        proposal=kept,
        w_starts=tuple(s.start for s in net._w_slices),
        b_starts=tuple(s.start for s in net._b_slices),
        network=functools.partial(_network_with, net, before),
        in_place=in_place,
    )
    coupled = tuple(act.derivative is None for act in net.activations)
    terms = net.loss_name != "cross_entropy"  # cross-entropy has no per-output terms
    layout = trace_layout(net.sizes, len(X), net.train_biases, terms, coupled, in_place)
    builder = TraceBuilder(data, layout)
    return Trace(
        frames=Frames(len(layout), builder),
        sizes=net.sizes,
        lr=opt.lr,
        loss=loss,
        X=x,
        Y=y,
        zs=data.zs,
        acts=data.acts,
        deltas=data.deltas,
        grad_weights=data.grad_weights,
        grad_biases=data.grad_biases,
        weights_before=data.weights,
        biases_before=data.biases,
        weights_after=data.weights_after,
        biases_after=data.biases_after,
        layout=layout,
    )


def _proposer(opt: Optimizer) -> Callable[[Array], Array]:
    """The update ``opt`` proposes for a gradient vector (nothing committed)."""

    def propose(grad: Array) -> Array:
        return opt.propose(grad).update

    return propose


def _network_with(net: Network, params: Array) -> Network:
    """A copy of ``net`` (its settings) with ``params``."""
    other = net.copy()
    other.set_params(params)
    return other


def _frozen(a: Array) -> Array:
    out = np.array(a, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out
