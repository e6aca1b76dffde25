"""The order of a step's updates: simultaneous (the rule) or in place.

``"simultaneous"``: every parameter is updated from the same gradients, all
computed from the weights as they stood before the step (the rule).
``"in_place"``: the layers are updated one at a time from the output
backwards, and each hidden layer's deltas are computed from the weights above
*as already updated*. The classic worked example's published "error after
the first update", 0.291027924, follows from this order; the rule gives
0.2910277737.

With any optimizer the in-place order is "each layer's proposal applied layer
by layer from the output backwards": the optimizers are elementwise (each
parameter's update depends on its own gradient and state only), so the
update of a layer proposed from the partial gradient vector (the layers above
done, the rest zero) is the update that layer gets from the whole vector. The
step then proposes once on the whole gradient and applies it in one go, so
the divergence check covers every update as in the simultaneous order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.activations import ones

if TYPE_CHECKING:  # the network calls this module
    from bpsim.model.engine.network import Network

Array = NDArray[np.float64]
Propose = Callable[[Array], Array]  # a gradient vector -> the update to subtract

UPDATE_ORDERS = ("simultaneous", "in_place")
UPDATE_ORDER_NAMES = {
    "simultaneous": "simultaneous (the rule)",
    "in_place": "in place (as the worked example computed it)",
}


UPDATE_ORDER_TIP = (
    "Simultaneous (the rule): every weight is updated from the same gradients. In place:"
    " the output weights are updated before the hidden deltas are computed, which then"
    " use the new weights (the worked example's published error after one update)."
    " Changing only this redoes the shown step and keeps the weights."
)


def check_update_order(order: object) -> str:
    """``order`` if it is one of :data:`UPDATE_ORDERS`, else ValueError."""
    if not isinstance(order, str) or order not in UPDATE_ORDERS:
        valid = ", ".join(UPDATE_ORDERS)
        raise ValueError(f"unknown update order {order!r}; choose one of: {valid}")
    return order


def sgd_proposer(lr: float) -> Propose:
    """Plain SGD's update of a gradient vector (``Network.step``'s)."""

    def propose(grad: Array) -> Array:
        return lr * grad

    return propose


def backward_in_place(
    net: Network, zs: list[Array], acts: list[Array], y: Array, propose: Propose, scratch: bool
) -> tuple[list[Array], Array]:
    """``Network.backward`` in the in-place order: once a layer's gradient is
    complete (its regularization included), ``propose`` turns the gradient
    so far into an update, and the deltas of the layer below are computed
    from that layer's weights minus their update (its new weights)."""
    grad = net._scratch if scratch else np.empty_like(net.params)
    grad[...] = 0.0
    gw, gb = net._weight_views(grad), net._bias_views(grad)
    delta = net._loss.output_delta(zs[-1], acts[-1], y, net.activations[-1])
    deltas = [delta]
    column_sums = ones(len(y))
    for layer in range(net.n_layers - 1, -1, -1):
        np.dot(acts[layer].T, delta, out=gw[layer])
        np.dot(column_sums, delta, out=gb[layer])
        w = net.weights[layer]
        if net.l2:
            gw[layer] += net.l2 * w
        if net.l1:
            gw[layer] += net.l1 * np.sign(w)
        if layer == 0:
            break
        update = propose(grad)[net._w_slices[layer]].reshape(w.shape)
        g = delta @ (w - update).T
        act = net.activations[layer - 1]
        assert act.derivative is not None  # softmax is output-only
        delta = g * act.derivative(zs[layer - 1], acts[layer])
        deltas.append(delta)
    deltas.reverse()
    return deltas, grad
