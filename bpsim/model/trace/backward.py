"""Frames of the backward pass and the update, on top of the forward ones,
and the builder that makes frame ``k`` of a trace from its place in the
layout (:mod:`bpsim.model.trace.layout`)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bpsim.model.notation import bias_name, factor, join_terms, num
from bpsim.model.trace.data import Rows, StepData
from bpsim.model.trace.forward import FrameBuilder
from bpsim.model.trace.frames import Frame
from bpsim.model.trace.kinds import FrameKind
from bpsim.model.trace.layout import Part, TraceLayout

Array = NDArray[np.float64]


class TraceBuilder(FrameBuilder):
    """Every frame of a training step, each built when asked for."""

    def __init__(self, data: StepData, layout: TraceLayout) -> None:
        super().__init__(data)
        self.layout = layout

    def frame(self, k: int) -> Frame:
        """Frame ``k`` of the trace (``0 <= k < len(layout)``)."""
        p = self.layout.place(k)
        part, layer, s, off = p.segment.part, p.segment.layer, p.sample, p.offset
        if part is Part.FORWARD:
            assert p.unit is not None
            if p.kind is FrameKind.NET:
                return self.net_frame(k, layer, p.unit, s)
            if self.layout.coupled[layer - 1]:
                return self.softmax_frame(k, layer, p.unit, s)
            return self.out_frame(k, layer, p.unit, s)
        if part in (Part.GRADIENTS, Part.CONTRIBUTIONS, Part.MEAN_GRADIENTS, Part.UPDATES):
            assert p.unit is not None
            i = self.sizes[layer - 1] if p.source is None else p.source
            if part is Part.GRADIENTS:
                return self.gradient(k, layer, p.unit, i)
            if part is Part.CONTRIBUTIONS:
                assert s is not None
                return self.contribution(k, layer, p.unit, i, s)
            if part is Part.MEAN_GRADIENTS:
                return self.mean_gradient(k, layer, p.unit, i)
            return self.update(k, layer, p.unit, i)
        if part is Part.INPUTS:
            return self.inputs(k, s)
        if part is Part.LOSS_TERMS:
            return self.loss_term(k, off, s)
        if part is Part.LOSS_TOTAL:
            return self.loss_total(k, s)
        if part is Part.OUTPUT_DELTAS:
            return self.output_delta(k, off, s)
        if part is Part.HIDDEN_DELTAS:
            return self.hidden_delta(k, layer, off, s)
        return self.batch_loss(k)

    def sample_rows(self, s: int) -> Rows:
        """z, out and delta of each layer as the frames of sample ``s`` show them."""
        return self.data.rows(None if self.data.n == 1 else s)

    # -- backward ---------------------------------------------------------------

    def output_delta(self, k: int, j: int, s: int | None) -> Frame:
        L = len(self.sizes) - 1
        zs, acts, ds = self.data.rows(s)
        z, a, delta, y = zs[-1], acts[-1], ds[-1], self._x_y(s)[1]
        act = self.data.activations[L - 1]
        name = self.u(L, j)
        o, t = f"out_{name}", f"t{j + 1}"
        if self.data.loss_name in ("bce", "cross_entropy"):
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
        return Frame(
            k,
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

    def hidden_delta(self, k: int, layer: int, j: int, s: int | None) -> Frame:
        """Delta of unit ``j`` of ``layer``, from the deltas of ``layer + 1``."""
        zs, acts, ds = self.data.rows(s)
        z, a, delta_above, delta = zs[layer - 1], acts[layer], ds[layer], ds[layer - 1]
        w = self.data.delta_weights(layer)
        act = self.data.activations[layer - 1]
        g = delta_above[None] @ w.T  # dE/dout, as backward computes it
        n_above = self.sizes[layer + 1]
        name = self.u(layer, j)
        deriv = act.derivative_symbolic
        new = "⁺" if self.data.in_place else ""  # the in-place order: the updated weights
        sym = join_terms(
            n_above, lambda q: f"{self.w(layer + 1, j, q)}{new}·δ_{self.u(layer + 1, q)}"
        )
        nums = join_terms(n_above, lambda q: f"{num(w[j, q])}·{factor(delta_above[q])}")
        return Frame(
            k,
            FrameKind.DELTA,
            layer,
            j,
            label=f"δ_{name}",
            symbolic=f"δ_{name} = ({sym}) × " + deriv.format(out=f"out_{name}", net=f"net_{name}"),
            template=f"({nums}) × "
            + deriv.format(out=factor(a[j]), net=factor(z[j]))
            + f" = {num(delta[j])}",
            value=float(delta[j]),
            inputs=(
                (f"∂E/∂out_{name}", float(g[0, j])),
                (f"out_{name}", float(a[j])),
                (f"net_{name}", float(z[j])),
            ),
            sample=s,
            edges=tuple((layer + 1, j, q) for q in range(n_above)),
        )

    def _regularization(self, name: str, w: float) -> tuple[str, str]:
        """The regularization terms of weight ``name``'s gradient, symbolic and
        with the numbers (empty without regularization)."""
        data, sym, nums = self.data, "", ""
        if data.l2:
            sym += f" + λ₂·{name}"
            nums += f" + {num(data.l2)}·{factor(w)}"
        if data.l1:
            sym += f" + λ₁·sign({name})"
            nums += f" + {num(data.l1)}·{factor(float(np.sign(w)))}"
        return sym, nums

    def gradient(self, k: int, layer: int, j: int, i: int) -> Frame:
        """Gradient of weight ``i → j`` feeding ``layer`` (the bias for
        ``i == sizes[layer - 1]``), one sample."""
        _, acts, ds = self.data.rows(None)
        a_in, delta = acts[layer - 1], ds[layer - 1]
        d = f"δ_{self.u(layer, j)}"
        if i == self.sizes[layer - 1]:
            value = float(self.data.grad_biases[layer - 1][j])
            return self._bias_gradient(k, layer, j, d, value, ((d, float(delta[j])),))
        w = float(self.data.weights[layer - 1][i, j])
        wn = self.w(layer, i, j)
        src = self._source(layer, i)
        reg_sym, reg_nums = self._regularization(wn, w)
        gw = self.data.grad_weights[layer - 1]
        return Frame(
            k,
            FrameKind.WEIGHT_GRADIENT,
            layer,
            j,
            source=i,
            label=f"∂E/∂{wn}",
            symbolic=f"∂E/∂{wn} = {d} × {src}" + reg_sym,
            template=f"{factor(delta[j])} × {factor(a_in[i])}{reg_nums} = {num(gw[i, j])}",
            value=float(gw[i, j]),
            inputs=((d, float(delta[j])), (src, float(a_in[i])), (wn, w)),
            edges=((layer, i, j),),
        )

    def _bias_gradient(
        self,
        k: int,
        layer: int,
        j: int,
        rule: str,
        value: float,
        inputs: tuple[tuple[str, float], ...],
        numbers: str = "",
    ) -> Frame:
        """∂E/∂b of unit ``j``: ``rule`` is what it equals (δ, or a mean over
        samples), ``numbers`` the rule with its numbers (none: just the value)."""
        bn = bias_name(self.sizes, layer, j)
        return Frame(
            k,
            FrameKind.BIAS_GRADIENT,
            layer,
            j,
            label=f"∂E/∂{bn}",
            symbolic=f"∂E/∂{bn} = {rule}",
            template=f"{numbers} = {num(value)}" if numbers else num(value),
            value=value,
            inputs=inputs,
        )

    def contribution(self, k: int, layer: int, j: int, i: int, s: int) -> Frame:
        """Sample ``s``'s share of the gradient of weight ``i → j`` (or the bias)."""
        _, acts, ds = self.data.rows(s)
        a_in, delta, n = acts[layer - 1], ds[layer - 1], self.data.n
        d = f"δ_{self.u(layer, j)}"
        if i == self.sizes[layer - 1]:
            bn = bias_name(self.sizes, layer, j)
            value = float(delta[j]) / n
            return Frame(
                k,
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
        wn = self.w(layer, i, j)
        src = self._source(layer, i)
        value = float(delta[j] * a_in[i]) / n
        return Frame(
            k,
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

    def _share(self, layer: int, j: int, i: int | None, s: int) -> float:
        """Sample ``s``'s δ × input of weight ``i → j`` (its δ for the bias, ``i`` None)."""
        _, acts, ds = self.data.rows(s)
        delta = ds[layer - 1][j]
        return float(delta) if i is None else float(delta * acts[layer - 1][i])

    def mean_gradient(self, k: int, layer: int, j: int, i: int) -> Frame:
        """The batch gradient of weight ``i → j`` (or the bias): the mean
        over the samples of their shares, plus any regularisation."""
        n = self.data.n
        d = f"δ_{self.u(layer, j)}"
        if i == self.sizes[layer - 1]:
            shares = join_terms(n, lambda s: num(self._share(layer, j, None, s)))
            value = float(self.data.grad_biases[layer - 1][j])
            rule = f"mean over {n} samples of {d}"
            return self._bias_gradient(k, layer, j, rule, value, (), f"({shares}) / {n}")
        w = float(self.data.weights[layer - 1][i, j])
        wn = self.w(layer, i, j)
        src = self._source(layer, i)
        reg_sym, reg_nums = self._regularization(wn, w)
        shares = join_terms(n, lambda s: num(self._share(layer, j, i, s)))
        value = float(self.data.grad_weights[layer - 1][i, j])
        return Frame(
            k,
            FrameKind.WEIGHT_GRADIENT,
            layer,
            j,
            source=i,
            label=f"∂E/∂{wn}",
            symbolic=f"∂E/∂{wn} = mean over {n} samples of {d} × {src}" + reg_sym,
            template=f"({shares}) / {n}{reg_nums} = {num(value)}",
            value=value,
            inputs=((wn, w),),
            edges=((layer, i, j),),
        )

    # -- update -----------------------------------------------------------------

    def update(self, k: int, layer: int, j: int, i: int) -> Frame:
        """The update of weight ``i → j`` feeding ``layer`` (or the bias),
        with the optimizer's rule."""
        data, opt = self.data, self.data.optimizer
        if i == self.sizes[layer - 1]:
            bn = bias_name(self.sizes, layer, j)
            old, new = float(data.biases[layer - 1][j]), float(data.biases_after[layer - 1][j])
            index = data.b_starts[layer - 1] + j
            sym, nums = opt.update_formula(bn, index, old, new, data.proposal)
            return Frame(
                k,
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
        wn = self.w(layer, i, j)
        old, new = float(data.weights[layer - 1][i, j]), float(data.weights_after[layer - 1][i, j])
        index = data.w_starts[layer - 1] + i * self.sizes[layer] + j
        sym, nums = opt.update_formula(wn, index, old, new, data.proposal)
        return Frame(
            k,
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
