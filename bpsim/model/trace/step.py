"""Build the trace of one training step from the vectorised computation.

See :mod:`bpsim.model.trace.frames` for what a frame holds. The numbers are read
from the arrays that ``Network.forward_cache``, ``Network.backward`` and
``Network.apply_update`` produce, the same calls training makes: the step's
loss, gradients and update are training's to the last bit (and every frame
of a one-sample step); a mini-batch's per-sample frames come from each
sample's own pass and agree with the batch to rounding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.divergence import NO_LIMITS, DivergenceLimits
from bpsim.model.engine.optimizers import Optimizer
from bpsim.model.errors import quiet_fp
from bpsim.model.trace.backward import TraceBuilder
from bpsim.model.trace.frames import Trace

if TYPE_CHECKING:  # the network runs the trace; the trace only reads it
    from bpsim.model.engine.network import Network

Array = NDArray[np.float64]


def _rows(arrays: list[Array], s: int) -> list[Array]:
    return [a[s] for a in arrays]


def trace_step(
    net: Network, X: Array, Y: Array, opt: Optimizer, limits: DivergenceLimits = NO_LIMITS
) -> Trace:
    """Trace one step of ``net`` with ``opt`` on the batch ``X, Y`` and apply it.

    Raises :class:`~bpsim.model.errors.DivergedError` (and changes nothing,
    the optimizer's state included) if the step would diverge (beyond ``limits``).
    """
    with quiet_fp():
        return _trace_step(net, X, Y, opt, limits)


def _trace_step(
    net: Network, X: Array, Y: Array, opt: Optimizer, limits: DivergenceLimits
) -> Trace:
    n = len(X)
    zs, acts = net.forward_cache(X)
    loss = net._loss.value(zs[-1], acts[-1], Y)
    if net.l1 or net.l2:
        loss += net._regularization()
    if not loss <= limits.loss:  # refused before the frames are built
        limits.check(loss, net.params, {})
    deltas, grad = net.backward(zs, acts, Y)
    grad_w = [g.copy() for g in net._weight_views(grad)]
    grad_b = [g.copy() for g in net._bias_views(grad)]
    L = net.n_layers

    builder = TraceBuilder(net)
    if n == 1:
        z, a, d = _rows(zs, 0), _rows(acts, 0), _rows(deltas, 0)
        builder.inputs(X[0], Y[0], None)
        builder.forward(z, a, None)
        builder.loss_terms(z[-1], a[-1], Y[0], None)
        builder.loss_total(loss, z[-1], a[-1], Y[0], None)
        builder.output_deltas(z[-1], a[-1], Y[0], d[-1], None)
        for layer in range(L, 0, -1):
            builder.gradients(
                layer, a[layer - 1], d[layer - 1], grad_w[layer - 1], grad_b[layer - 1]
            )
            if layer > 1:
                builder.hidden_deltas(
                    layer - 1, z[layer - 2], a[layer - 1], d[layer - 1], d[layer - 2], None
                )
    else:
        per_sample = net._loss.per_sample(zs[-1], acts[-1], Y)
        for s in range(n):
            zs_s, acts_s = net.forward_cache(X[s : s + 1])
            d_s = net.backward(zs_s, acts_s, Y[s : s + 1])[0]
            z, a, d = _rows(zs_s, 0), _rows(acts_s, 0), _rows(d_s, 0)
            builder.inputs(X[s], Y[s], s)
            builder.forward(z, a, s)
            builder.loss_terms(z[-1], a[-1], Y[s], s)
            builder.loss_total(float(per_sample[s]), z[-1], a[-1], Y[s], s)
            builder.output_deltas(z[-1], a[-1], Y[s], d[-1], s)
            for layer in range(L, 0, -1):
                builder.contributions(layer, a[layer - 1], d[layer - 1], n, s)
                if layer > 1:
                    builder.hidden_deltas(
                        layer - 1, z[layer - 2], a[layer - 1], d[layer - 1], d[layer - 2], s
                    )
        builder.batch_loss(loss, per_sample)
        for layer in range(L, 0, -1):
            builder.mean_gradients(layer, grad_w[layer - 1], grad_b[layer - 1], n)

    before = net.copy()
    proposal = opt.propose(grad)
    net.apply_update(proposal.update, loss, limits, proposal.new_state)
    proposal.commit()
    builder.updates(opt, before, proposal)

    def frozen(arrays: list[Array]) -> tuple[Array, ...]:
        return tuple(_freeze(x) for x in arrays)

    return Trace(
        frames=tuple(builder.frames),
        sizes=net.sizes,
        lr=opt.lr,
        loss=loss,
        X=_freeze(X),
        Y=_freeze(Y),
        zs=frozen(zs),
        acts=frozen(acts),
        deltas=frozen(deltas),
        grad_weights=frozen(grad_w),
        grad_biases=frozen(grad_b),
        weights_before=frozen(list(before.weights)),
        biases_before=frozen(list(before.biases)),
        weights_after=frozen(list(net.weights)),
        biases_after=frozen(list(net.biases)),
        _update_index=builder.update_index,
    )


def _freeze(a: Array) -> Array:
    out = np.array(a, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out
