"""Build the trace of one training step from the vectorised computation.

See :mod:`bpsim.model.frames` for what a frame holds. Every number is read
from the arrays that ``Network.forward_cache``, ``Network.backward`` and
``Network.apply_update`` produce, the same calls training makes, so the
trace agrees with training to the last bit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bpsim.model.errors import DivergedError
from bpsim.model.frames import Frame, FrameKind, Trace
from bpsim.model.network import Network, quiet_fp
from bpsim.model.notation import bias_name, fmt, fmt_factor, join_sum, unit_name, weight_name
from bpsim.model.optimizers import Optimizer, Proposal

Array = NDArray[np.float64]


class _Builder:
    """Collects frames in order; one method per kind of computation."""

    def __init__(self, net: Network, X: Array, Y: Array) -> None:
        self.net = net
        self.sizes = net.sizes
        self.X = X
        self.Y = Y
        self.frames: list[Frame] = []
        self.update_index: dict[tuple[str, int, int, int], int] = {}

    def add(self, kind: FrameKind, layer: int, unit: int | None, **kw: object) -> None:
        self.frames.append(Frame(len(self.frames), kind, layer, unit, **kw))  # type: ignore[arg-type]

    def u(self, layer: int, j: int) -> str:
        return unit_name(self.sizes, layer, j)

    def w(self, layer: int, i: int, j: int) -> str:
        return weight_name(self.sizes, layer, i, j)

    # -- forward --------------------------------------------------------------

    def inputs(self, x: Array, y: Array, s: int | None) -> None:
        names = [self.u(0, i) for i in range(len(x))]
        targets = [f"t{j + 1}" for j in range(len(y))]
        self.add(
            FrameKind.INPUT,
            0,
            None,
            label="inputs" if s is None else f"sample {s + 1}",
            symbolic=", ".join(names) + " ; " + ", ".join(targets),
            substituted=", ".join(map(fmt, x)) + " ; " + ", ".join(map(fmt, y)),
            value=float("nan"),
            inputs=tuple(zip(names + targets, map(float, [*x, *y]), strict=True)),
            sample=s,
        )

    def forward(self, zs: list[Array], acts: list[Array], s: int | None) -> None:
        net = self.net
        for layer in range(1, len(self.sizes)):
            w = net.weights[layer - 1]
            b = net.biases[layer - 1]
            a_in = acts[layer - 1]
            act = net.activations[layer - 1]
            coupled = act.derivative is None  # softmax needs the whole layer's sums first
            for j in range(self.sizes[layer]):
                self.net_frame(layer, j, w, b, a_in, float(zs[layer - 1][j]), s)
                if not coupled:
                    self.out_frame(layer, j, float(zs[layer - 1][j]), float(acts[layer][j]), s)
            if coupled:
                for j in range(self.sizes[layer]):
                    self.softmax_frame(layer, j, zs[layer - 1], float(acts[layer][j]), s)

    def net_frame(
        self, layer: int, j: int, w: Array, b: Array, a_in: Array, z: float, s: int | None
    ) -> None:
        n_in = self.sizes[layer - 1]
        src = [(f"out_{self.u(layer - 1, i)}" if layer > 1 else self.u(0, i)) for i in range(n_in)]
        sym = [f"{self.w(layer, i, j)}·{src[i]}" for i in range(n_in)]
        num = [f"{fmt(w[i, j])}·{fmt_factor(a_in[i])}" for i in range(n_in)]
        bname = bias_name(self.sizes, layer, j)
        name = f"net_{self.u(layer, j)}"
        values = [(self.w(layer, i, j), float(w[i, j])) for i in range(n_in)]
        values += [(src[i], float(a_in[i])) for i in range(n_in)]
        self.add(
            FrameKind.NET,
            layer,
            j,
            label=name,
            symbolic=f"{name} = {join_sum([*sym, bname])}",
            substituted=f"{join_sum([*num, fmt(b[j])])} = {fmt(z)}",
            value=z,
            inputs=(*values, (bname, float(b[j]))),
            sample=s,
            edges=tuple((layer, i, j) for i in range(n_in)),
        )

    def out_frame(self, layer: int, j: int, z: float, a: float, s: int | None) -> None:
        act = self.net.activations[layer - 1]
        name = self.u(layer, j)
        self.add(
            FrameKind.OUT,
            layer,
            j,
            label=f"out_{name}",
            symbolic=f"out_{name} = {act.symbol}(net_{name})",
            substituted=f"{act.symbol}({fmt(z)}) = {fmt(a)}",
            value=a,
            inputs=((f"net_{name}", z),),
            sample=s,
        )

    def softmax_frame(self, layer: int, j: int, z: Array, a: float, s: int | None) -> None:
        name = self.u(layer, j)
        terms = [f"e^{fmt_factor(v)}" for v in z]
        self.add(
            FrameKind.OUT,
            layer,
            j,
            label=f"out_{name}",
            symbolic=f"out_{name} = e^net_{name} / Σ_k e^net_k",
            substituted=f"e^{fmt_factor(z[j])} / ({join_sum(terms)}) = {fmt(a)}",
            value=a,
            inputs=tuple((f"net_{self.u(layer, k)}", float(v)) for k, v in enumerate(z)),
            sample=s,
        )

    # -- loss -------------------------------------------------------------------

    def loss_terms(self, z: Array, a: Array, y: Array, s: int | None) -> None:
        L = len(self.sizes) - 1
        kind = self.net.loss_name
        if kind == "cross_entropy":
            return  # the total says it all: −Σ t ln out
        per_output = self.net._loss.per_output(z[None], a[None], y[None])[0]
        for j in range(self.sizes[L]):
            o, t = f"out_{self.u(L, j)}", f"t{j + 1}"
            if kind == "mse":
                sym = f"E_{self.u(L, j)} = ½ ({t} − {o})²"
                num = f"½ ({fmt(y[j])} − {fmt_factor(a[j])})²"
            else:
                sym = f"E_{self.u(L, j)} = −[{t} ln {o} + (1 − {t}) ln(1 − {o})]"
                num = f"−[{fmt(y[j])} ln {fmt(a[j])} + {fmt(1 - y[j])} ln {fmt(1 - a[j])}]"
            self.add(
                FrameKind.LOSS_TERM,
                L,
                j,
                label=f"E_{self.u(L, j)}",
                symbolic=sym,
                substituted=f"{num} = {fmt(per_output[j])}",
                value=float(per_output[j]),
                inputs=((t, float(y[j])), (o, float(a[j]))),
                sample=s,
            )

    def loss_total(self, value: float, z: Array, a: Array, y: Array, s: int | None) -> None:
        L = len(self.sizes) - 1
        net = self.net
        reg = net._regularization()
        if net.loss_name == "cross_entropy":
            sym = "E = −Σ_k t_k ln out_ok"
            picked = [f"{fmt(y[k])}·ln {fmt(a[k])}" for k in range(len(y)) if y[k] != 0]
            num = f"−({join_sum(picked)})"
        else:
            per_output = net._loss.per_output(z[None], a[None], y[None])[0]
            names = [f"E_{self.u(L, j)}" for j in range(self.sizes[L])]
            sym = f"E = {join_sum(names)}"
            num = join_sum([fmt(v) for v in per_output])
        if reg:
            sym += " + regularization"
            num += f" + {fmt(reg)}"
        self.add(
            FrameKind.LOSS,
            L,
            None,
            label="E_total" if s is None else f"E (sample {s + 1})",
            symbolic=sym,
            substituted=f"{num} = {fmt(value)}",
            value=value,
            sample=s,
        )

    def batch_loss(self, value: float, per_sample: Array) -> None:
        n = len(per_sample)
        terms = [f"E{k + 1}" for k in range(n)]
        self.add(
            FrameKind.LOSS,
            len(self.sizes) - 1,
            None,
            label="E_total",
            symbolic=f"E = ({join_sum(terms)}) / {n}"
            + (" + regularization" if self.net._regularization() else ""),
            substituted=f"({join_sum([fmt(v) for v in per_sample])}) / {n} = {fmt(value)}",
            value=value,
        )

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

    def _source(self, layer: int, i: int) -> str:
        return f"out_{self.u(layer - 1, i)}" if layer > 1 else self.u(0, i)

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
                bn = bias_name(self.sizes, layer, j)
                self.add(
                    FrameKind.BIAS_GRADIENT,
                    layer,
                    j,
                    label=f"∂E/∂{bn}",
                    symbolic=f"∂E/∂{bn} = {d}",
                    substituted=fmt(gb[j]),
                    value=float(gb[j]),
                    inputs=((d, float(delta[j])),),
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
                bn = bias_name(self.sizes, layer, j)
                self.add(
                    FrameKind.BIAS_GRADIENT,
                    layer,
                    j,
                    label=f"∂E/∂{bn}",
                    symbolic=f"∂E/∂{bn} = Σ over {n} samples",
                    substituted=fmt(gb[j]),
                    value=float(gb[j]),
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


def _rows(arrays: list[Array], s: int) -> list[Array]:
    return [a[s] for a in arrays]


def trace_step(net: Network, X: Array, Y: Array, opt: Optimizer) -> Trace:
    """Trace one step of ``net`` with ``opt`` on the batch ``X, Y`` and apply it.

    Raises :class:`~bpsim.model.errors.DivergedError` (and changes nothing,
    the optimizer's state included) if the step would diverge.
    """
    with quiet_fp():
        return _trace_step(net, X, Y, opt)


def _trace_step(net: Network, X: Array, Y: Array, opt: Optimizer) -> Trace:
    n = len(X)
    zs, acts = net.forward_cache(X)
    loss = net._loss.value(zs[-1], acts[-1], Y)
    if net.l1 or net.l2:
        loss += net._regularization()
    if not np.isfinite(loss):
        raise DivergedError(f"the loss is {loss}: training diverged; parameters kept")
    deltas, grad = net.backward(zs, acts, Y)
    grad_w = [g.copy() for g in net._weight_views(grad)]
    grad_b = [g.copy() for g in net._bias_views(grad)]
    L = net.n_layers

    b = _Builder(net, X, Y)
    if n == 1:
        z, a, d = _rows(zs, 0), _rows(acts, 0), _rows(deltas, 0)
        b.inputs(X[0], Y[0], None)
        b.forward(z, a, None)
        b.loss_terms(z[-1], a[-1], Y[0], None)
        b.loss_total(loss, z[-1], a[-1], Y[0], None)
        b.output_deltas(z[-1], a[-1], Y[0], d[-1], None)
        for layer in range(L, 0, -1):
            b.gradients(layer, a[layer - 1], d[layer - 1], grad_w[layer - 1], grad_b[layer - 1])
            if layer > 1:
                b.hidden_deltas(
                    layer - 1, z[layer - 2], a[layer - 1], d[layer - 1], d[layer - 2], None
                )
    else:
        per_sample = net._loss.per_sample(zs[-1], acts[-1], Y)
        for s in range(n):
            zs_s, acts_s = net.forward_cache(X[s : s + 1])
            d_s = net.backward(zs_s, acts_s, Y[s : s + 1])[0]
            z, a, d = _rows(zs_s, 0), _rows(acts_s, 0), _rows(d_s, 0)
            b.inputs(X[s], Y[s], s)
            b.forward(z, a, s)
            b.loss_terms(z[-1], a[-1], Y[s], s)
            b.loss_total(float(per_sample[s]), z[-1], a[-1], Y[s], s)
            b.output_deltas(z[-1], a[-1], Y[s], d[-1], s)
            for layer in range(L, 0, -1):
                b.contributions(layer, a[layer - 1], d[layer - 1], n, s)
                if layer > 1:
                    b.hidden_deltas(
                        layer - 1, z[layer - 2], a[layer - 1], d[layer - 1], d[layer - 2], s
                    )
        b.batch_loss(loss, per_sample)
        for layer in range(L, 0, -1):
            b.mean_gradients(layer, grad_w[layer - 1], grad_b[layer - 1], n)

    before = net.copy()
    proposal = opt.propose(grad)
    net.apply_update(proposal.update, loss)
    proposal.commit()
    b.updates(opt, before, proposal)

    def frozen(arrays: list[Array]) -> tuple[Array, ...]:
        return tuple(_freeze(x) for x in arrays)

    return Trace(
        frames=tuple(b.frames),
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
        _update_index=b.update_index,
    )


def _freeze(a: Array) -> Array:
    out = np.array(a, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out
