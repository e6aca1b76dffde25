"""Time the network view's painting, offscreen, against a naive full redraw.

Three ways to paint the same pictures at the same size:

* stepping  -- frame by frame through a traced step: the edges come from the
  cached pixmap, only the highlight, the units and the labels are drawn;
* training  -- the weights change before every refresh, so the edges are
  redrawn too, grouped by quantized pen (and, for large layers, only the
  strongest ones: the view's level of detail);
* draft     -- training with ``set_draft(True)``: edges without antialiasing;
* naive     -- the same picture, but every refresh draws every edge with a
  pen of its own (no cache, no grouping, no level of detail): the baseline.

Run:  python benchmarks/bench_view.py [--size 1600x900] [--repeat 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from itertools import cycle, pairwise

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QLineF
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication

from bpsim.model import FrameKind, Network
from bpsim.ui.colors import LIGHT
from bpsim.ui.network.view import NetworkView
from bpsim.viewmodel.network.scene import scene_from_network, scene_from_trace

NETWORKS = {
    "2-8-8-1": ([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], "mse"),
    "64-32-10": ([64, 32, 10], ["sigmoid", "softmax"], "cross_entropy"),
}


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class NaiveView(NetworkView):
    """The same picture, but every refresh draws every edge with a pen of its own."""

    def _paint_base(self, painter: QPainter, opacity: float) -> None:
        scene = self.scene()
        assert scene is not None
        scale = scene.edge_scale()
        centres = [
            [self.unit_center(layer, j) for j in range(n)] for layer, n in enumerate(scene.sizes)
        ]
        painter.setOpacity(opacity)
        for layer, w in enumerate(scene.edge_values(), start=1):
            for i, j in np.ndindex(w.shape):
                color = LIGHT.negative if w[i, j] < 0 else LIGHT.positive
                painter.setPen(QPen(QColor(color), 0.7 + 6.0 * abs(w[i, j]) / scale))
                painter.drawLine(QLineF(centres[layer - 1][i], centres[layer][j]))
        painter.setOpacity(1.0)


def bench(name: str, width: int, height: int, repeat: int, steps: int) -> list[list[str]]:
    sizes, acts, loss = NETWORKS[name]
    net = Network(sizes, acts, loss, seed=0)
    rng = np.random.default_rng(0)
    x = rng.uniform(size=sizes[0])
    y = np.eye(sizes[-1])[0] if sizes[-1] > 1 else np.array([1.0])
    trace = net.copy().trace(x, y, 0.1)
    names = net.activation_names

    view = NetworkView()
    view.set_dark(False)
    view.resize(width, height)
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)

    # stepping: frames of the forward and backward passes (weights unchanged)
    frames = [f.index for f in trace.frames if f.kind is not FrameKind.WEIGHT_UPDATE]
    frames = frames[:: max(1, len(frames) // repeat)]
    cursor = iter(frames * (repeat + 2))

    def step() -> None:
        view.set_scene(scene_from_trace(trace, next(cursor), activation_names=names))
        view.set_transition(0.5)
        view.render(image)

    # training: new weights before every refresh
    scenes = []
    batch_x = rng.uniform(size=(16, sizes[0]))
    batch_y = (
        np.eye(sizes[-1])[rng.integers(0, sizes[-1], 16)]
        if sizes[-1] > 1
        else (rng.uniform(size=(16, 1)))
    )
    for _ in range(steps):
        net.step(batch_x, batch_y, 0.5)
        scenes.append(scene_from_network(net, x))
    train_cursor = cycle(scenes)

    def train() -> None:
        view.set_scene(next(train_cursor))
        view.render(image)

    naive_view = NaiveView()
    naive_view.set_dark(False)
    naive_view.resize(width, height)

    def naive() -> None:
        naive_view.set_scene(next(train_cursor))
        naive_view.render(image)

    n_edges = sum(a * b for a, b in pairwise(sizes))
    t_naive = timed(naive, repeat)
    rows = []

    def row(label: str, fn: Callable[[], None], max_edges: int, draft: bool = False) -> None:
        view.set_max_edges(max_edges)
        view.set_draft(draft)
        view.set_scene(scenes[0])
        t = timed(fn, repeat)
        shown = view.legend_info().shown_edges
        rows.append([name, f"{shown}/{n_edges}", label, f"{t:.2f}", f"{t_naive / t:.1f}x"])

    row("stepping: cached edges + highlight", step, 800)
    row("training: grouped pens, LOD", train, 800)
    row("training: grouped pens, every edge", train, 10**9)
    row("training: draft (aliased), LOD", train, 800, draft=True)
    rows.append(
        [
            name,
            f"{n_edges}/{n_edges}",
            "naive: a pen per edge, every edge",
            f"{t_naive:.2f}",
            "1.0x",
        ]
    )
    naive_view.close()
    view.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="1600x900", help="widget size, WxH (default 1600x900)")
    parser.add_argument("--repeat", type=int, default=40, help="timed paints per row (median)")
    parser.add_argument("--steps", type=int, default=20, help="training steps to cycle through")
    parser.add_argument("--networks", default=",".join(NETWORKS), help="comma-separated names")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    app = QApplication.instance() or QApplication([])
    rows = [["network", "edges drawn", "paint", "ms / refresh", "vs naive"]]
    for name in args.networks.split(","):
        rows.extend(bench(name.strip(), width, height, args.repeat, args.steps))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    print(f"offscreen, {width}x{height}, antialiased, median of {args.repeat}")
    for n, row in enumerate(rows):
        print(
            "  ".join(
                cell.ljust(w) if c < 3 else cell.rjust(w)
                for c, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
    del app


if __name__ == "__main__":
    main()
