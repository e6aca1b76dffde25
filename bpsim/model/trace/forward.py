"""Frames of the forward pass and the loss: the base of the trace builder.

Each method appends the frames of one computation, reading its numbers from
the arrays of the vectorised pass (see :mod:`bpsim.model.trace.step`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.notation import bias_name, factor, join_sum, num, unit_name, weight_name
from bpsim.model.trace.frames import Frame, FrameKind

if TYPE_CHECKING:  # the network runs the trace; the trace only reads it
    from bpsim.model.engine.network import Network

Array = NDArray[np.float64]


class FrameBuilder:
    """Collects frames in order; one method per kind of computation."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.sizes = net.sizes
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
            template=", ".join(map(num, x)) + " ; " + ", ".join(map(num, y)),
            value=None,
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
        nums = [f"{num(w[i, j])}·{factor(a_in[i])}" for i in range(n_in)]
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
            template=f"{join_sum([*nums, num(b[j])])} = {num(z)}",
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
            template=f"{act.symbol}({num(z)}) = {num(a)}",
            value=a,
            inputs=((f"net_{name}", z),),
            sample=s,
        )

    def softmax_frame(self, layer: int, j: int, z: Array, a: float, s: int | None) -> None:
        name = self.u(layer, j)
        terms = [f"e^{factor(v)}" for v in z]
        self.add(
            FrameKind.OUT,
            layer,
            j,
            label=f"out_{name}",
            symbolic=f"out_{name} = e^net_{name} / Σ_k e^net_k",
            template=f"e^{factor(z[j])} / ({join_sum(terms)}) = {num(a)}",
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
                nums = f"½ ({num(y[j])} − {factor(a[j])})²"
            else:
                sym = f"E_{self.u(L, j)} = −[{t} ln {o} + (1 − {t}) ln(1 − {o})]"
                nums = f"−[{num(y[j])} ln {num(a[j])} + {num(1 - y[j])} ln {num(1 - a[j])}]"
            self.add(
                FrameKind.LOSS_TERM,
                L,
                j,
                label=f"E_{self.u(L, j)}",
                symbolic=sym,
                template=f"{nums} = {num(per_output[j])}",
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
            picked = [f"{num(y[k])}·ln {num(a[k])}" for k in range(len(y)) if y[k] != 0]
            nums = f"−({join_sum(picked)})"
        else:
            per_output = net._loss.per_output(z[None], a[None], y[None])[0]
            names = [f"E_{self.u(L, j)}" for j in range(self.sizes[L])]
            sym = f"E = {join_sum(names)}"
            nums = join_sum([num(v) for v in per_output])
        if reg and s is None:  # a batch adds the regularization once, to the mean
            sym += " + regularization"
            nums += f" + {num(reg)}"
        self.add(
            FrameKind.LOSS,
            L,
            None,
            label="E_total" if s is None else f"E (sample {s + 1})",
            symbolic=sym,
            template=f"{nums} = {num(value)}",
            value=value,
            sample=s,
        )

    def batch_loss(self, value: float, per_sample: Array) -> None:
        n = len(per_sample)
        terms = [f"E{k + 1}" for k in range(n)]
        reg = self.net._regularization()
        sym = f"E = ({join_sum(terms)}) / {n}"
        nums = f"({join_sum([num(v) for v in per_sample])}) / {n}"
        if reg:
            sym += " + regularization"
            nums += f" + {num(reg)}"
        self.add(
            FrameKind.LOSS,
            len(self.sizes) - 1,
            None,
            label="E_total",
            symbolic=sym,
            template=f"{nums} = {num(value)}",
            value=value,
        )

    def _source(self, layer: int, i: int) -> str:
        return f"out_{self.u(layer - 1, i)}" if layer > 1 else self.u(0, i)
