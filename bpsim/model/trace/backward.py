"""Frames of the backward pass and the update, on top of the forward ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.optimizers import Optimizer, Proposal
from bpsim.model.notation import bias_name, fmt, fmt_factor, join_sum
from bpsim.model.trace.forward import FrameBuilder
from bpsim.model.trace.frames import FrameKind

if TYPE_CHECKING:  # the network runs the trace; the trace only reads it
    from bpsim.model.engine.network import Network

Array = NDArray[np.float64]


class TraceBuilder(FrameBuilder):
    """All the frames of a training step."""

    # -- backward ---------------------------------------------------------------

    def output_deltas(self, z: Array, a: Array, y: Array, delta: Array, s: int | None) -> None:
        L = len(self.sizes) - 1
        act = self.net.activations[L - 1]
        combined = self.net.loss_name in ("bce", "cross_entropy")
        for j in range(self.sizes[L]):
            name = self.u(L, j)
            o, t = f"out_{name}", f"t{j + 1}"
            if combined:
                sym = f"δ_{name} = {o} − {t}"
                num = f"{fmt(a[j])} − {fmt_factor(y[j])}"
            elif act.derivative is None:  # softmax with mse
                sym = f"δ_{name} = {o} × (g_{j + 1} − Σ_k g_k·out_ok),  g = out − t"
                g = a - y
                num = f"{fmt(a[j])} × ({fmt(g[j])} − {fmt_factor(float(np.dot(g, a)))})"
            else:
                sym = f"δ_{name} = ({o} − {t}) × " + act.derivative_symbolic.format(
                    out=o, net=f"net_{name}"
                )
                num = f"({fmt(a[j])} − {fmt_factor(y[j])}) × " + act.derivative_symbolic.format(
                    out=fmt_factor(a[j]), net=fmt_factor(z[j])
                )
            self.add(
                FrameKind.OUTPUT_DELTA,
                L,
                j,
                label=f"δ_{name}",
                symbolic=sym,
                substituted=f"{num} = {fmt(delta[j])}",
                value=float(delta[j]),
                inputs=((o, float(a[j])), (t, float(y[j])), (f"net_{name}", float(z[j]))),
                sample=s,
            )

    def hidden_deltas(
        self, layer: int, z: Array, a: Array, delta_above: Array, delta: Array, s: int | None
    ) -> None:
        """Deltas of the units of ``layer``, from the deltas of ``layer + 1``."""
        w = self.net.weights[layer]
        act = self.net.activations[layer - 1]
        g = delta_above[None] @ w.T  # dE/dout, as backward computes it
        above = range(self.sizes[layer + 1])
        for j in range(self.sizes[layer]):
            name = self.u(layer, j)
            sym_terms = [f"{self.w(layer + 1, j, k)}·δ_{self.u(layer + 1, k)}" for k in above]
            num_terms = [f"{fmt(w[j, k])}·{fmt_factor(delta_above[k])}" for k in above]
            deriv = act.derivative_symbolic
            self.add(
                FrameKind.DELTA,
                layer,
                j,
                label=f"δ_{name}",
                symbolic=f"δ_{name} = ({join_sum(sym_terms)}) × "
                + deriv.format(out=f"out_{name}", net=f"net_{name}"),
                substituted=f"({join_sum(num_terms)}) × "
                + deriv.format(out=fmt_factor(a[j]), net=fmt_factor(z[j]))
                + f" = {fmt(delta[j])}",
                value=float(delta[j]),
                inputs=(
                    (f"∂E/∂out_{name}", float(g[0, j])),
                    (f"out_{name}", float(a[j])),
                    (f"net_{name}", float(z[j])),
                ),
                sample=s,
                edges=tuple((layer + 1, j, k) for k in above),
            )

    def gradients(self, layer: int, a_in: Array, delta: Array, gw: Array, gb: Array) -> None:
        """Gradients of the weights and biases feeding ``layer`` (one sample)."""
        net = self.net
        w = net.weights[layer - 1]
        for j in range(self.sizes[layer]):
            d = f"δ_{self.u(layer, j)}"
            for i in range(self.sizes[layer - 1]):
                wn = self.w(layer, i, j)
                src = self._source(layer, i)
                sym = f"∂E/∂{wn} = {d} × {src}"
                num = f"{fmt_factor(delta[j])} × {fmt_factor(a_in[i])}"
                if net.l2:
                    sym += f" + λ₂·{wn}"
                    num += f" + {fmt(net.l2)}·{fmt_factor(w[i, j])}"
                if net.l1:
                    sym += f" + λ₁·sign({wn})"
                    num += f" + {fmt(net.l1)}·{fmt_factor(np.sign(w[i, j]))}"
                self.add(
                    FrameKind.WEIGHT_GRADIENT,
                    layer,
                    j,
                    source=i,
                    label=f"∂E/∂{wn}",
                    symbolic=sym,
                    substituted=f"{num} = {fmt(gw[i, j])}",
                    value=float(gw[i, j]),
                    inputs=((d, float(delta[j])), (src, float(a_in[i])), (wn, float(w[i, j]))),
                    edges=((layer, i, j),),
                )
            if net.train_biases:
                self._bias_gradient(layer, j, d, float(gb[j]), ((d, float(delta[j])),))

    def _bias_gradient(
        self, layer: int, j: int, rule: str, value: float, inputs: tuple[tuple[str, float], ...]
    ) -> None:
        """∂E/∂b of unit ``j``: ``rule`` is what it equals (δ, or a sum over samples)."""
        bn = bias_name(self.sizes, layer, j)
        self.add(
            FrameKind.BIAS_GRADIENT,
            layer,
            j,
            label=f"∂E/∂{bn}",
            symbolic=f"∂E/∂{bn} = {rule}",
            substituted=fmt(value),
            value=value,
            inputs=inputs,
        )

    def contributions(self, layer: int, a_in: Array, delta: Array, n: int, s: int) -> None:
        """One sample's share of the gradients feeding ``layer`` (mini-batch)."""
        for j in range(self.sizes[layer]):
            d = f"δ_{self.u(layer, j)}"
            for i in range(self.sizes[layer - 1]):
                wn = self.w(layer, i, j)
                src = self._source(layer, i)
                value = float(delta[j] * a_in[i] / n)
                self.add(
                    FrameKind.WEIGHT_CONTRIBUTION,
                    layer,
                    j,
                    source=i,
                    label=f"∂E/∂{wn} (sample {s + 1})",
                    symbolic=f"∂E/∂{wn} += {d} × {src} / {n}",
                    substituted=f"{fmt_factor(delta[j])} × {fmt_factor(a_in[i])} / {n}"
                    + f" = {fmt(value)}",
                    value=value,
                    inputs=((d, float(delta[j])), (src, float(a_in[i]))),
                    sample=s,
                    edges=((layer, i, j),),
                )
            if self.net.train_biases:
                bn = bias_name(self.sizes, layer, j)
                value = float(delta[j] / n)
                self.add(
                    FrameKind.BIAS_CONTRIBUTION,
                    layer,
                    j,
                    label=f"∂E/∂{bn} (sample {s + 1})",
                    symbolic=f"∂E/∂{bn} += {d} / {n}",
                    substituted=f"{fmt_factor(delta[j])} / {n} = {fmt(value)}",
                    value=value,
                    inputs=((d, float(delta[j])),),
                    sample=s,
                )

    def mean_gradients(self, layer: int, gw: Array, gb: Array, n: int) -> None:
        """The batch gradients of ``layer``: the sum of the samples' shares."""
        net = self.net
        w = net.weights[layer - 1]
        reg = (" + λ₂·w" if net.l2 else "") + (" + λ₁·sign(w)" if net.l1 else "")
        for j in range(self.sizes[layer]):
            for i in range(self.sizes[layer - 1]):
                wn = self.w(layer, i, j)
                self.add(
                    FrameKind.WEIGHT_GRADIENT,
                    layer,
                    j,
                    source=i,
                    label=f"∂E/∂{wn}",
                    symbolic=f"∂E/∂{wn} = Σ over {n} samples" + reg,
                    substituted=fmt(gw[i, j]),
                    value=float(gw[i, j]),
                    inputs=((wn, float(w[i, j])),),
                    edges=((layer, i, j),),
                )
            if net.train_biases:
                self._bias_gradient(layer, j, f"Σ over {n} samples", float(gb[j]), ())

    # -- update -----------------------------------------------------------------

    def updates(self, opt: Optimizer, before: Network, proposal: Proposal) -> None:
        """One frame per updated parameter, with the optimizer's update rule."""
        net = self.net
        for layer in range(1, len(self.sizes)):
            w_old, w_new = before.weights[layer - 1], net.weights[layer - 1]
            w_start = net._w_slices[layer - 1].start
            n_out = self.sizes[layer]
            for j in range(n_out):
                for i in range(self.sizes[layer - 1]):
                    wn = self.w(layer, i, j)
                    old, new = float(w_old[i, j]), float(w_new[i, j])
                    sym, num = opt.update_formula(wn, w_start + i * n_out + j, old, new, proposal)
                    self.update_index[("w", layer, i, j)] = len(self.frames)
                    self.add(
                        FrameKind.WEIGHT_UPDATE,
                        layer,
                        j,
                        source=i,
                        label=f"{wn}⁺",
                        symbolic=sym,
                        substituted=num,
                        value=new,
                        before=old,
                        inputs=((wn, old), ("η", opt.lr)),
                        edges=((layer, i, j),),
                    )
                if net.train_biases:
                    bn = bias_name(self.sizes, layer, j)
                    old, new = float(before.biases[layer - 1][j]), float(net.biases[layer - 1][j])
                    k = net._b_slices[layer - 1].start + j
                    sym, num = opt.update_formula(bn, k, old, new, proposal)
                    self.update_index[("b", layer, 0, j)] = len(self.frames)
                    self.add(
                        FrameKind.BIAS_UPDATE,
                        layer,
                        j,
                        label=f"{bn}⁺",
                        symbolic=sym,
                        substituted=num,
                        value=new,
                        before=old,
                        inputs=((bn, old), ("η", opt.lr)),
                    )
