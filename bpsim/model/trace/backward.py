"""Frames of the backward pass and the update, on top of the forward ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.optimizers import Optimizer, Proposal
from bpsim.model.notation import bias_name, factor, join_sum, num
from bpsim.model.trace.forward import FrameBuilder
from bpsim.model.trace.frames import FrameKind

if TYPE_CHECKING:  # the network runs the trace; the trace only reads it
    from bpsim.model.engine.network import Network

Array = NDArray[np.float64]


class TraceBuilder(FrameBuilder):
    """All the frames of a training step."""

    def __init__(self, net: Network) -> None:
        super().__init__(net)
        # each sample's δ × input of a weight (and δ of a bias), for the batch means
        self.weight_shares: dict[tuple[int, int, int], list[float]] = {}
        self.bias_shares: dict[tuple[int, int], list[float]] = {}

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
                nums = f"{num(a[j])} − {factor(y[j])}"
            elif act.derivative is None:  # softmax with mse
                sym = f"δ_{name} = {o} × (g_{j + 1} − Σ_k g_k·out_ok),  g = out − t"
                g = a - y
                nums = f"{num(a[j])} × ({num(g[j])} − {factor(float(np.dot(g, a)))})"
            else:
                sym = f"δ_{name} = ({o} − {t}) × " + act.derivative_symbolic.format(
                    out=o, net=f"net_{name}"
                )
                nums = f"({num(a[j])} − {factor(y[j])}) × " + act.derivative_symbolic.format(
                    out=factor(a[j]), net=factor(z[j])
                )
            self.add(
                FrameKind.OUTPUT_DELTA,
                L,
                j,
                label=f"δ_{name}",
                symbolic=sym,
                template=f"{nums} = {num(delta[j])}",
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
            num_terms = [f"{num(w[j, k])}·{factor(delta_above[k])}" for k in above]
            deriv = act.derivative_symbolic
            self.add(
                FrameKind.DELTA,
                layer,
                j,
                label=f"δ_{name}",
                symbolic=f"δ_{name} = ({join_sum(sym_terms)}) × "
                + deriv.format(out=f"out_{name}", net=f"net_{name}"),
                template=f"({join_sum(num_terms)}) × "
                + deriv.format(out=factor(a[j]), net=factor(z[j]))
                + f" = {num(delta[j])}",
                value=float(delta[j]),
                inputs=(
                    (f"∂E/∂out_{name}", float(g[0, j])),
                    (f"out_{name}", float(a[j])),
                    (f"net_{name}", float(z[j])),
                ),
                sample=s,
                edges=tuple((layer + 1, j, k) for k in above),
            )

    def _regularization(self, name: str, w: float) -> tuple[str, str]:
        """The regularization terms of weight ``name``'s gradient, symbolic and
        with the numbers (empty without regularization)."""
        net, sym, nums = self.net, "", ""
        if net.l2:
            sym += f" + λ₂·{name}"
            nums += f" + {num(net.l2)}·{factor(w)}"
        if net.l1:
            sym += f" + λ₁·sign({name})"
            nums += f" + {num(net.l1)}·{factor(float(np.sign(w)))}"
        return sym, nums

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
                nums = f"{factor(delta[j])} × {factor(a_in[i])}"
                reg_sym, reg_nums = self._regularization(wn, float(w[i, j]))
                sym, nums = sym + reg_sym, nums + reg_nums
                self.add(
                    FrameKind.WEIGHT_GRADIENT,
                    layer,
                    j,
                    source=i,
                    label=f"∂E/∂{wn}",
                    symbolic=sym,
                    template=f"{nums} = {num(gw[i, j])}",
                    value=float(gw[i, j]),
                    inputs=((d, float(delta[j])), (src, float(a_in[i])), (wn, float(w[i, j]))),
                    edges=((layer, i, j),),
                )
            if net.train_biases:
                self._bias_gradient(layer, j, d, float(gb[j]), ((d, float(delta[j])),))

    def _bias_gradient(
        self,
        layer: int,
        j: int,
        rule: str,
        value: float,
        inputs: tuple[tuple[str, float], ...],
        numbers: str = "",
    ) -> None:
        """∂E/∂b of unit ``j``: ``rule`` is what it equals (δ, or a mean over
        samples), ``numbers`` the rule with its numbers (none: just the value)."""
        bn = bias_name(self.sizes, layer, j)
        self.add(
            FrameKind.BIAS_GRADIENT,
            layer,
            j,
            label=f"∂E/∂{bn}",
            symbolic=f"∂E/∂{bn} = {rule}",
            template=f"{numbers} = {num(value)}" if numbers else num(value),
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
                product = float(delta[j] * a_in[i])
                self.weight_shares.setdefault((layer, i, j), []).append(product)
                value = product / n
                self.add(
                    FrameKind.WEIGHT_CONTRIBUTION,
                    layer,
                    j,
                    source=i,
                    label=f"∂E/∂{wn} (sample {s + 1})",
                    symbolic=f"∂E/∂{wn} += {d} × {src} / {n}",
                    template=f"{factor(delta[j])} × {factor(a_in[i])} / {n}" + f" = {num(value)}",
                    value=value,
                    inputs=((d, float(delta[j])), (src, float(a_in[i]))),
                    sample=s,
                    edges=((layer, i, j),),
                )
            if self.net.train_biases:
                bn = bias_name(self.sizes, layer, j)
                self.bias_shares.setdefault((layer, j), []).append(float(delta[j]))
                value = float(delta[j]) / n
                self.add(
                    FrameKind.BIAS_CONTRIBUTION,
                    layer,
                    j,
                    label=f"∂E/∂{bn} (sample {s + 1})",
                    symbolic=f"∂E/∂{bn} += {d} / {n}",
                    template=f"{factor(delta[j])} / {n} = {num(value)}",
                    value=value,
                    inputs=((d, float(delta[j])),),
                    sample=s,
                )

    def mean_gradients(self, layer: int, gw: Array, gb: Array, n: int) -> None:
        """The batch gradients of ``layer``: the mean over the samples of each
        sample's gradient (the sum of their shares), plus any regularisation."""
        net = self.net
        w = net.weights[layer - 1]
        for j in range(self.sizes[layer]):
            d = f"δ_{self.u(layer, j)}"
            for i in range(self.sizes[layer - 1]):
                wn = self.w(layer, i, j)
                src = self._source(layer, i)
                shares = self.weight_shares.get((layer, i, j), [])
                sym = f"∂E/∂{wn} = mean over {n} samples of {d} × {src}"
                nums = f"({join_sum([num(v) for v in shares])}) / {n}"
                reg_sym, reg_nums = self._regularization(wn, float(w[i, j]))
                sym, nums = sym + reg_sym, nums + reg_nums
                self.add(
                    FrameKind.WEIGHT_GRADIENT,
                    layer,
                    j,
                    source=i,
                    label=f"∂E/∂{wn}",
                    symbolic=sym,
                    template=f"{nums} = {num(gw[i, j])}",
                    value=float(gw[i, j]),
                    inputs=((wn, float(w[i, j])),),
                    edges=((layer, i, j),),
                )
            if net.train_biases:
                shares = self.bias_shares.get((layer, j), [])
                self._bias_gradient(
                    layer,
                    j,
                    f"mean over {n} samples of {d}",
                    float(gb[j]),
                    (),
                    f"({join_sum([num(v) for v in shares])}) / {n}",
                )

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
                    sym, nums = opt.update_formula(wn, w_start + i * n_out + j, old, new, proposal)
                    self.update_index[("w", layer, i, j)] = len(self.frames)
                    self.add(
                        FrameKind.WEIGHT_UPDATE,
                        layer,
                        j,
                        source=i,
                        label=f"{wn}⁺",
                        symbolic=sym,
                        template=nums,
                        value=new,
                        before=old,
                        inputs=((wn, old), ("η", opt.lr)),
                        edges=((layer, i, j),),
                    )
                if net.train_biases:
                    bn = bias_name(self.sizes, layer, j)
                    old, new = float(before.biases[layer - 1][j]), float(net.biases[layer - 1][j])
                    k = net._b_slices[layer - 1].start + j
                    sym, nums = opt.update_formula(bn, k, old, new, proposal)
                    self.update_index[("b", layer, 0, j)] = len(self.frames)
                    self.add(
                        FrameKind.BIAS_UPDATE,
                        layer,
                        j,
                        label=f"{bn}⁺",
                        symbolic=sym,
                        template=nums,
                        value=new,
                        before=old,
                        inputs=((bn, old), ("η", opt.lr)),
                    )
