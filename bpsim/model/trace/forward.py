"""Frames of the forward pass and the loss: the base of the trace builder.

Each method builds one frame, reading its numbers from the arrays of the
vectorised pass (see :mod:`bpsim.model.trace.data`); a sum of many terms
writes only the terms its formula shows (:func:`~bpsim.model.notation.join_terms`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bpsim.model.notation import (
    bias_name,
    factor,
    join_terms,
    num,
    unit_name,
    weight_name,
    weight_number,
)
from bpsim.model.trace.data import StepData
from bpsim.model.trace.frames import Frame
from bpsim.model.trace.kinds import FrameKind

Array = NDArray[np.float64]


class FrameBuilder:
    """Builds frames of a step from its :class:`StepData`; one method per
    kind of computation, each given the frame's index ``k``."""

    def __init__(self, data: StepData) -> None:
        self.data = data
        self.sizes = data.sizes

    def u(self, layer: int, j: int) -> str:
        return unit_name(self.sizes, layer, j)

    def w(self, layer: int, i: int, j: int) -> str:
        return weight_name(self.sizes, layer, i, j)

    def _source(self, layer: int, i: int) -> str:
        return f"out_{self.u(layer - 1, i)}" if layer > 1 else self.u(0, i)

    def _x_y(self, s: int | None) -> tuple[Array, Array]:
        row = 0 if s is None else s
        return self.data.X[row], self.data.Y[row]

    # -- forward --------------------------------------------------------------

    def inputs(self, k: int, s: int | None) -> Frame:
        x, y = self._x_y(s)
        names = [self.u(0, i) for i in range(len(x))]
        targets = [f"t{j + 1}" for j in range(len(y))]
        return Frame(
            k,
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

    def net_frame(self, k: int, layer: int, j: int, s: int | None) -> Frame:
        zs, acts, _ = self.data.rows(s)
        w, b = self.data.weights[layer - 1], self.data.biases[layer - 1]
        a_in, z = acts[layer - 1], float(zs[layer - 1][j])
        n_in = self.sizes[layer - 1]
        bname = bias_name(self.sizes, layer, j)
        name = f"net_{self.u(layer, j)}"

        def sym(i: int) -> str:
            return f"{self.w(layer, i, j)}·{self._source(layer, i)}" if i < n_in else bname

        def nums(i: int) -> str:
            return f"{num(w[i, j])}·{factor(a_in[i])}" if i < n_in else num(b[j])

        first = weight_number(self.sizes, layer, 0, j)  # a unit's weights run on from i1's
        values = list(zip([f"w{first + i}" for i in range(n_in)], w[:, j].tolist(), strict=True))
        sources = [self._source(layer, i) for i in range(n_in)]
        values += zip(sources, a_in.tolist(), strict=True)
        return Frame(
            k,
            FrameKind.NET,
            layer,
            j,
            label=name,
            symbolic=f"{name} = {join_terms(n_in + 1, sym)}",
            template=f"{join_terms(n_in + 1, nums)} = {num(z)}",
            value=z,
            inputs=(*values, (bname, float(b[j]))),
            sample=s,
            edges=tuple((layer, i, j) for i in range(n_in)),
        )

    def out_frame(self, k: int, layer: int, j: int, s: int | None) -> Frame:
        zs, acts, _ = self.data.rows(s)
        z, a = float(zs[layer - 1][j]), float(acts[layer][j])
        act = self.data.activations[layer - 1]
        name = self.u(layer, j)
        return Frame(
            k,
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

    def softmax_frame(self, k: int, layer: int, j: int, s: int | None) -> Frame:
        zs, acts, _ = self.data.rows(s)
        z, a = zs[layer - 1], float(acts[layer][j])
        name = self.u(layer, j)
        return Frame(
            k,
            FrameKind.OUT,
            layer,
            j,
            label=f"out_{name}",
            symbolic=f"out_{name} = e^net_{name} / Σ_k e^net_k",
            template=f"e^{factor(z[j])} / ({join_terms(len(z), lambda i: f'e^{factor(z[i])}')})"
            f" = {num(a)}",
            value=a,
            inputs=tuple((f"net_{self.u(layer, i)}", float(v)) for i, v in enumerate(z)),
            sample=s,
        )

    # -- loss -------------------------------------------------------------------

    def _per_output(self, s: int | None) -> tuple[Array, Array, Array, Array]:
        """z, out, target and each output's loss of sample ``s``."""
        zs, acts, _ = self.data.rows(s)
        z, a, y = zs[-1], acts[-1], self._x_y(s)[1]
        return z, a, y, self.data.loss_fn.per_output(z[None], a[None], y[None])[0]

    def loss_term(self, k: int, j: int, s: int | None) -> Frame:
        L = len(self.sizes) - 1
        _, a, y, per_output = self._per_output(s)
        o, t = f"out_{self.u(L, j)}", f"t{j + 1}"
        if self.data.loss_name == "mse":
            sym = f"E_{self.u(L, j)} = ½ ({t} − {o})²"
            nums = f"½ ({num(y[j])} − {factor(a[j])})²"
        else:
            sym = f"E_{self.u(L, j)} = −[{t} ln {o} + (1 − {t}) ln(1 − {o})]"
            nums = f"−[{num(y[j])} ln {num(a[j])} + {num(1 - y[j])} ln {num(1 - a[j])}]"
        return Frame(
            k,
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

    def loss_total(self, k: int, s: int | None) -> Frame:
        L = len(self.sizes) - 1
        data = self.data
        value = data.loss if s is None else float(data.per_sample_loss()[s])
        if data.loss_name == "cross_entropy":
            acts = data.rows(s)[1]
            a, y = acts[-1], self._x_y(s)[1]
            picked = np.flatnonzero(y != 0)
            sym = "E = −Σ_k t_k ln out_ok"
            terms = join_terms(len(picked), lambda i: f"{num(y[picked[i]])}·ln {num(a[picked[i]])}")
            nums = f"−({terms})"
        else:
            per_output = self._per_output(s)[3]
            sym = "E = " + join_terms(self.sizes[L], lambda j: f"E_{self.u(L, j)}")
            nums = join_terms(len(per_output), lambda j: num(per_output[j]))
        if data.regularization and s is None:  # a batch adds it once, to the mean
            sym += " + regularization"
            nums += f" + {num(data.regularization)}"
        return Frame(
            k,
            FrameKind.LOSS,
            L,
            None,
            label="E_total" if s is None else f"E (sample {s + 1})",
            symbolic=sym,
            template=f"{nums} = {num(value)}",
            value=value,
            sample=s,
        )

    def batch_loss(self, k: int) -> Frame:
        data = self.data
        n, per_sample = data.n, data.per_sample_loss()
        sym = f"E = ({join_terms(n, lambda s: f'E{s + 1}')}) / {n}"
        nums = f"({join_terms(n, lambda s: num(per_sample[s]))}) / {n}"
        if data.regularization:
            sym += " + regularization"
            nums += f" + {num(data.regularization)}"
        return Frame(
            k,
            FrameKind.LOSS,
            len(self.sizes) - 1,
            None,
            label="E_total",
            symbolic=sym,
            template=f"{nums} = {num(data.loss)}",
            value=data.loss,
        )
