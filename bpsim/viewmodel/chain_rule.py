"""The chain rule as a graph: the small computation behind the current frame.

For the unit a frame is about, :func:`chain_graph` lays out the computation
that produces its share of the loss, as micrograd draws an expression: value
nodes (a name, the forward value, and the gradient ∂E/∂node once the backward
pass has reached it) and operation nodes (×, +, the activation, the loss)
between them::

    x_i ─┐
         × ─┐
    w_ij ┘  + ── net_j ── σ ── out_j ── E ── E        (an output unit)
    b_j ────┘                      └── × w_jk ── net_k … E   (a hidden unit)

At a gradient frame the chain rule's factors are named and valued as the
worked example writes them: ∂E/∂w5 = ∂E/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5
= 0.74136507 · 0.186815602 · 0.593269992 = 0.082167041. For a hidden unit
∂E/∂out_h is the sum, over the units it feeds, of their deltas times the
weights to them as they were before the update. Forward frames show what the
forward pass knows so far; no gradient yet.

The numbers are recomputed for the frame's sample from the network as it was
before the step (one forward and backward pass of one sample, the calls the
trace is built from), so the graph needs only the public frame and trace data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.losses import get_loss
from bpsim.model.engine.network import Network
from bpsim.model.notation import bias_name, unit_name, weight_name
from bpsim.model.trace.frames import Frame, FrameKind, Phase

Array = NDArray[np.float64]
NodeKind = Literal["value", "op"]
MAX_TERMS = 3  # of a weighted sum, drawn (the frame's own term always among them)
MAX_NEXT = 3  # units a hidden unit feeds, drawn

# how far the computation has got, for the unit the graph is about
_STAGE = {
    FrameKind.INPUT: 0,
    FrameKind.NET: 1,
    FrameKind.OUT: 2,
    FrameKind.LOSS_TERM: 3,
    FrameKind.LOSS: 3,
    FrameKind.OUTPUT_DELTA: 4,
    FrameKind.DELTA: 4,
    FrameKind.WEIGHT_CONTRIBUTION: 5,
    FrameKind.BIAS_CONTRIBUTION: 5,
    FrameKind.WEIGHT_GRADIENT: 5,
    FrameKind.BIAS_GRADIENT: 5,
    FrameKind.WEIGHT_UPDATE: 6,
    FrameKind.BIAS_UPDATE: 6,
}


@dataclass(frozen=True)
class Node:
    """A box (``value``: name, forward value, gradient) or a circle (``op``).

    ``value`` and ``grad`` are None while not yet computed at this frame;
    ``after`` is a parameter's value after its update (update frames).
    ``column`` and ``row`` place the node on a grid, left to right, top down.
    ``has_grad`` is False for a node whose gradient the graph does not follow
    (a target; an input, whose gradient flows through other units too).
    """

    key: str
    label: str
    kind: NodeKind
    column: int
    row: float
    value: float | None = None
    grad: float | None = None
    after: float | None = None
    lit: bool = False
    has_grad: bool = True


@dataclass(frozen=True)
class Edge:
    """An arrow from ``source`` to ``target``; ``label`` and ``value`` name
    and give a weight written on it (a hidden unit's edge to a unit it feeds)."""

    source: str
    target: str
    lit: bool = False
    label: str = ""
    value: float | None = None


@dataclass(frozen=True)
class Factor:
    """One named factor of the chain rule (or its product): ``rule`` says how
    it is computed."""

    name: str
    value: float
    rule: str = ""


@dataclass(frozen=True)
class ChainGraph:
    """What the chain-rule panel draws for one frame."""

    title: str
    phase: Phase
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    factors: tuple[Factor, ...] = ()
    result: Factor | None = None
    notes: tuple[str, ...] = ()
    columns: int = field(default=0)
    update: tuple[str, str] | None = None  # an update frame's rule and template (see notation)

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)

    @property
    def lit_edges(self) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.lit)


def _focus(frame: Frame, sizes: tuple[int, ...]) -> tuple[int, int, int | None]:
    """The unit (layer, unit) the graph is about, and the frame's source unit."""
    last = len(sizes) - 1
    if frame.kind is FrameKind.INPUT or frame.unit is None:
        return (1, 0, None) if frame.kind is FrameKind.INPUT else (last, 0, None)
    return frame.layer, frame.unit, frame.source


def _terms(n_in: int, source: int | None) -> list[int]:
    """The inputs of a weighted sum that are drawn: the first few, with ``source``."""
    shown = list(range(min(n_in, MAX_TERMS)))
    if source is not None and source not in shown:
        shown[-1] = source
    return shown


class _Builder:
    def __init__(self, net: Network, x: Array, y: Array, after: tuple[Array, ...] | None) -> None:
        self.net, self.sizes = net, net.sizes
        # the weights the deltas read: after the update in the in-place order
        self.w_read = list(net.weights) if after is None else list(after)
        zs, acts = net.forward_cache(x[None])
        update = np.zeros_like(net.params)
        for view, w, w_after in zip(
            net._weight_views(update), net.weights, self.w_read, strict=True
        ):
            view[...] = w - w_after
        propose = None if after is None else (lambda _grad: update)
        deltas, _ = net.backward(zs, acts, y[None], propose=propose)
        self.z = [v[0] for v in zs]
        self.a = [v[0] for v in acts]
        self.d = [v[0] for v in deltas]
        self.y = y
        self.E = float(get_loss(net.loss_name).per_sample(zs[-1], acts[-1], y[None])[0])
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []

    def u(self, layer: int, j: int) -> str:
        return unit_name(self.sizes, layer, j)

    def src(self, layer: int, i: int) -> str:
        return self.u(0, i) if layer == 1 else f"out_{self.u(layer - 1, i)}"

    def add(self, key: str, label: str, kind: NodeKind, col: int, row: float, **kw: object) -> None:
        self.nodes.append(Node(key, label, kind, col, row, **kw))  # type: ignore[arg-type]

    def link(
        self, a: str, b: str, lit: bool = False, label: str = "", value: float | None = None
    ) -> None:
        self.edges.append(Edge(a, b, lit, label, value))

    def coupled(self, layer: int) -> bool:
        """Whether the output's δ cannot be split into ∂E/∂out · ∂out/∂net."""
        if layer != len(self.sizes) - 1:
            return False
        act = self.net.activation_names[-1]
        return act == "softmax" or (self.net.loss_name == "bce" and self._bce_flat(layer))

    def _bce_flat(self, layer: int) -> bool:
        a = self.a[layer]
        return bool(np.any(a * (1.0 - a) == 0.0))

    def d_out(self, layer: int, j: int) -> float:
        """∂E/∂out_j for this sample (not for a coupled output)."""
        a = float(self.a[layer][j])
        if layer == len(self.sizes) - 1:
            t = float(self.y[j])
            if self.net.loss_name == "bce":
                return (a - t) / (a * (1.0 - a))
            return a - t
        w_next = self.w_read[layer]
        return float(np.dot(w_next[j], self.d[layer]))

    def d_act(self, layer: int, j: int) -> float:
        act = self.net.activations[layer - 1]
        assert act.derivative is not None
        z, a = self.z[layer - 1][j : j + 1], self.a[layer][j : j + 1]
        return float(act.derivative(z, a)[0])


def chain_graph(
    frame: Frame,
    net: Network,
    inputs: Array,
    targets: Array,
    in_place_weights: tuple[Array, ...] | None = None,
) -> ChainGraph:
    """The graph behind ``frame`` of a step on the batch ``inputs, targets``
    taken by ``net`` (the network as it was before the step); with
    ``in_place_weights`` (the weights after the step) in the in-place update
    order, whose hidden deltas read the updated weights."""
    s = frame.sample or 0
    b = _Builder(net, np.asarray(inputs[s]), np.asarray(targets[s]), in_place_weights)
    n = len(inputs)
    sizes = net.sizes
    last = len(sizes) - 1
    layer, j, source = _focus(frame, sizes)
    stage = _STAGE[frame.kind]
    is_bias = frame.kind in (
        FrameKind.BIAS_GRADIENT,
        FrameKind.BIAS_CONTRIBUTION,
        FrameKind.BIAS_UPDATE,
    )
    weight_frame = frame.source is not None
    name = b.u(layer, j)
    w, bias = net.weights[layer - 1], net.biases[layer - 1]
    delta = float(b.d[layer - 1][j])
    backward = stage >= 4
    z_known = stage >= 1
    out_known = stage >= 2
    loss_known = stage >= 3

    terms = _terms(sizes[layer - 1], source)
    n_in = sizes[layer - 1]
    rows = 2 * len(terms) + 1
    mid = (rows - 1) / 2
    for t, i in enumerate(terms):
        focus_term = weight_frame and i == source
        wn = weight_name(sizes, layer, i, j)
        w_grad = None
        if stage >= 5 and not is_bias and (i < (source or 0) or focus_term):
            w_grad = float(delta * b.a[layer - 1][i])
        after = frame.value if focus_term and frame.kind is FrameKind.WEIGHT_UPDATE else None
        b.add(f"x{i}", b.src(layer, i), "value", 0, 2 * t, value=float(b.a[layer - 1][i]),
              has_grad=False)  # fmt: skip
        b.add(f"w{i}", wn, "value", 0, 2 * t + 1, value=float(w[i, j]), grad=w_grad,
              after=after, lit=focus_term)  # fmt: skip
        b.add(f"mul{i}", "×", "op", 1, 2 * t + 0.5, lit=focus_term)
        b.link(f"x{i}", f"mul{i}", focus_term)
        b.link(f"w{i}", f"mul{i}", focus_term)
        b.link(f"mul{i}", "sum", focus_term)
    bias_after = frame.value if is_bias and frame.kind is FrameKind.BIAS_UPDATE else None
    b_grad = delta if stage >= 5 and is_bias else None
    b.add("b", bias_name(sizes, layer, j), "value", 0, 2 * len(terms), value=float(bias[j]),
          grad=b_grad, after=bias_after, lit=is_bias)  # fmt: skip
    b.link("b", "sum", is_bias)
    if n_in > len(terms):
        b.add("more", f"+ {n_in - len(terms)} more terms", "op", 1, 2 * len(terms) - 0.5)
        b.link("more", "sum")
    gradient_frame = stage >= 5
    b.add("sum", "+", "op", 2, mid, lit=gradient_frame or frame.kind is FrameKind.NET)
    b.add("net", f"net_{name}", "value", 3, mid, value=float(b.z[layer - 1][j]) if z_known
          else None, grad=delta if backward else None, lit=frame.kind is FrameKind.NET)  # fmt: skip
    b.link("sum", "net", gradient_frame or frame.kind is FrameKind.NET)
    act_symbol = net.activations[layer - 1].symbol
    coupled = b.coupled(layer)
    delta_frame = frame.kind in (FrameKind.OUTPUT_DELTA, FrameKind.DELTA)
    b.add("act", act_symbol, "op", 4, mid, lit=frame.kind is FrameKind.OUT or backward)
    d_out = None if coupled or not backward else b.d_out(layer, j)
    b.add("out", f"out_{name}", "value", 5, mid, value=float(b.a[layer][j]) if out_known else None,
          grad=d_out, lit=frame.kind is FrameKind.OUT)  # fmt: skip
    b.link("net", "act", frame.kind is FrameKind.OUT or backward)
    b.link("act", "out", frame.kind is FrameKind.OUT or backward)
    loss_lit = frame.phase is Phase.LOSS
    if layer == last:
        b.add("t", f"t{j + 1}", "value", 5, mid + 1.5, value=float(b.y[j]), has_grad=False)
        loss_op = {"mse": "½(t − out)²", "bce": "BCE"}.get(net.loss_name, "−Σ t ln out")
        b.add("loss", loss_op, "op", 6, mid, lit=loss_lit or delta_frame)
        b.link("out", "loss", loss_lit or backward)
        b.link("t", "loss", loss_lit)
        b.add("E", "E", "value", 7, mid, value=b.E if loss_known else None,
              grad=1.0 if backward else None, lit=loss_lit)  # fmt: skip
        b.link("loss", "E", loss_lit or backward)
    else:
        feeds = list(range(min(sizes[layer + 1], MAX_NEXT)))
        w_next = net.weights[layer]
        spread = max(len(feeds) - 1, 1)
        for r, k in enumerate(feeds):
            row = mid + (r - (len(feeds) - 1) / 2) * (rows / (spread + 1))
            nk = b.u(layer + 1, k)
            wk = weight_name(sizes, layer + 1, j, k)
            b.add(f"next{k}", f"net_{nk}", "value", 6, row,
                  value=float(b.z[layer][k]) if stage >= 3 else None,
                  grad=float(b.d[layer][k]) if backward else None)  # fmt: skip
            b.link("out", f"next{k}", backward, f"× {wk}", float(w_next[j, k]))
            b.link(f"next{k}", "E", backward)
        if sizes[layer + 1] > len(feeds):
            more = f"+ {sizes[layer + 1] - len(feeds)} more"
            b.add("next_more", more, "op", 6, row + 0.8)
        b.add("E", "E", "value", 7, mid, value=b.E if stage >= 3 else None,
              grad=1.0 if backward else None)  # fmt: skip

    factors, result, notes, title = _chain(b, frame, layer, j, source, is_bias, coupled, stage)
    if n > 1:
        if result is not None:
            result = Factor(f"{result.name} (sample {s + 1})", result.value, result.rule)
        if frame.sample is None and stage >= 5:
            mean = "" if stage > 5 or frame.value is None else f": {frame.value:.6g}"
            notes.append(f"sample 1 of {n} shown; the step's gradient is their mean{mean}")
        else:
            notes.append(f"sample {s + 1} of {n}")
    update = None
    if frame.kind in (FrameKind.WEIGHT_UPDATE, FrameKind.BIAS_UPDATE):
        update = (frame.symbolic, frame.template)
    return ChainGraph(title, frame.phase, tuple(b.nodes), tuple(b.edges), tuple(factors),
                      result, tuple(notes), 8, update)  # fmt: skip


def _chain(
    b: _Builder,
    frame: Frame,
    layer: int,
    j: int,
    source: int | None,
    is_bias: bool,
    coupled: bool,
    stage: int,
) -> tuple[list[Factor], Factor | None, list[str], str]:
    """The chain rule's factors at this frame, its result, notes and a title."""
    sizes, net = b.sizes, b.net
    name = b.u(layer, j)
    out, netn = f"out_{name}", f"net_{name}"
    delta = float(b.d[layer - 1][j])
    notes: list[str] = []
    if stage < 4:
        what = {0: "the inputs", 1: f"{netn}", 2: f"{out}", 3: "the loss E"}[stage]
        return [], None, ["forward pass: no gradient yet"], f"Forward: {what}"
    factors: list[Factor] = []
    last = len(sizes) - 1
    if coupled:
        rule = "out − t" if net.loss_name in ("cross_entropy", "bce") else "softmax's Jacobian"
        factors.append(Factor(f"∂E/∂{netn}", delta, rule))
        notes.append(f"{net.activation_names[-1]} with {net.loss_name}: ∂E/∂net = {rule} directly")
    else:
        if layer == last:
            rule = "out − t" if net.loss_name == "mse" else "(out − t) / (out·(1 − out))"
        else:
            new = "⁺" if b.w_read[layer] is not net.weights[layer] else ""  # in-place order
            terms = [f"{weight_name(sizes, layer + 1, j, k)}{new}·δ_{b.u(layer + 1, k)}"
                     for k in range(sizes[layer + 1])]  # fmt: skip
            shown = " + ".join(terms[:3]) + (" + …" if len(terms) > 3 else "")
            rule = shown
            notes.append(
                f"∂E/∂{out} = Σ_k w⁺·δ_k uses the weights already updated (in-place order)"
                if new
                else f"∂E/∂{out} = Σ_k w·δ_k uses the weights before the update (old weights)"
            )
        factors.append(Factor(f"∂E/∂{out}", b.d_out(layer, j), rule))
        deriv = net.activations[layer - 1].derivative_symbolic.format(out=out, net=netn)
        factors.append(Factor(f"∂{out}/∂{netn}", b.d_act(layer, j), deriv))
    if frame.kind in (FrameKind.OUTPUT_DELTA, FrameKind.DELTA):
        result = Factor(f"δ_{name} = ∂E/∂{netn}", delta)
        return factors, result, notes, _title(result.name, factors)
    if is_bias:
        bn = bias_name(sizes, layer, j)
        factors.append(Factor(f"∂{netn}/∂{bn}", 1.0, "1"))
        result = Factor(f"∂E/∂{bn}", delta)
    else:
        i = source or 0
        wn = weight_name(sizes, layer, i, j)
        factors.append(Factor(f"∂{netn}/∂{wn}", float(b.a[layer - 1][i]), b.src(layer, i)))
        result = Factor(f"∂E/∂{wn}", delta * float(b.a[layer - 1][i]))
        if (net.l1 or net.l2) and frame.kind is FrameKind.WEIGHT_GRADIENT:
            notes.append("plus the regularization term of the weight (see the formula card)")
    return factors, result, notes, _title(result.name, factors)


def _title(result: str, factors: list[Factor]) -> str:
    return f"{result} = " + " · ".join(f.name for f in factors)
