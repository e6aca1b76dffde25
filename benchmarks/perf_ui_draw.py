"""Drawing the network view against bare QPainter code (rows 3 and 4 of the
performance table; see :mod:`perf_ui`). A QApplication must exist."""

from __future__ import annotations

from collections.abc import Callable
from itertools import cycle

import numpy as np
from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen

from bpsim.model.engine.network import Network
from bpsim.ui.colors import LIGHT
from bpsim.ui.network.view import NetworkView
from bpsim.viewmodel.network.scene import Scene, scene_from_network

Timings = dict[str, float]


def _scenes(sizes: tuple[int, ...], n: int) -> list[Scene]:
    """``n`` pictures of a network in training: new weights in each."""
    acts = ["tanh"] * (len(sizes) - 2) + (["sigmoid"] if sizes[-1] == 1 else ["softmax"])
    loss = "bce" if sizes[-1] == 1 else "cross_entropy"
    net = Network(list(sizes), acts, loss, seed=0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(16, sizes[0]))
    y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 16)] if sizes[-1] > 1 else (x[:, :1] > 0)
    scenes = []
    for _ in range(n):
        net.step(x, y.astype(float), 0.5)
        scenes.append(scene_from_network(net, x[0]))
    return scenes


def _view(size: tuple[int, int], scene: Scene, max_edges: int = 10**9) -> NetworkView:
    view = NetworkView()
    view.set_dark(False)
    view.set_max_edges(max_edges)
    view.resize(*size)
    view.set_scene(scene)
    return view


def _image(size: tuple[int, int]) -> QImage:
    return QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)


def _pens(view: NetworkView, scene: Scene) -> list[tuple[QPen, list[QLineF]]]:
    """The view's edges as (pen, lines) groups, worked out in advance: what a
    bare QPainter drawing of the same picture needs and nothing more."""
    groups: dict[tuple[int, float], tuple[QPen, list[QLineF]]] = {}
    for layer in range(1, len(scene.sizes)):
        for i in range(scene.sizes[layer - 1]):
            for j in range(scene.sizes[layer]):
                width = view.edge_pen_width(layer, i, j)
                if width == 0:
                    continue
                color = view.edge_color(layer, i, j)
                key = (color.rgba(), width)
                if key not in groups:
                    pen = QPen(color, width)
                    pen.setCapStyle(view_cap())
                    groups[key] = (pen, [])
                a, b = view.unit_center(layer - 1, i), view.unit_center(layer, j)
                groups[key][1].append(QLineF(a, b))
    return list(groups.values())


def view_cap() -> object:
    from PySide6.QtCore import Qt

    return Qt.PenCapStyle.FlatCap


def _timed(fns: dict[str, Callable[[], object]], rounds: int) -> Timings:
    import perf_ui

    return perf_ui.interleaved(fns, rounds)


def compare_view_redraw(sizes: tuple[int, ...], size: tuple[int, int], rounds: int) -> Timings:
    """A full redraw of the view (a new scene: new weights, so new edges,
    units and labels) against a bare QPainter drawing of its lines and circles."""
    scenes = _scenes(sizes, 8)
    view = _view(size, scenes[0])
    image = _image(size)
    pens = _pens(view, scenes[0])
    r = view.unit_radius()
    centres = [view.unit_center(layer, j) for layer, n in enumerate(sizes) for j in range(n)]
    fill, outline = QBrush(QColor("#dde6f0")), QPen(QColor(LIGHT.foreground), 1.5)
    background = QColor(LIGHT.background)
    shown = cycle(scenes)

    def redraw() -> None:
        view.set_scene(next(shown))
        view.render(image)

    def bare() -> None:
        p = QPainter(image)
        p.fillRect(image.rect(), background)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for pen, lines in pens:
            p.setPen(pen)
            p.drawLines(lines)
        p.setPen(outline)
        p.setBrush(fill)
        for c in centres:
            p.drawEllipse(QPointF(c), r, r)
        p.end()

    t = _timed({"view": redraw, "bare": bare}, rounds)
    view.close()
    return t


def compare_edges(sizes: tuple[int, ...], size: tuple[int, int], rounds: int) -> Timings:
    """Every edge as the view draws them (grouped by pen), one pen per edge,
    and a bare QPainter drawing of the same lines with pens made in advance."""
    scenes = _scenes(sizes, 2)
    view = _view(size, scenes[0])
    view.legend_info()  # lay out and quantize
    painter = view._painter
    values = scenes[0].edge_values()
    assert painter is not None
    image = _image(size)
    pens = _pens(view, scenes[0])
    scale = scenes[0].edge_scale()
    centres = [[view.unit_center(layer, j) for j in range(n)] for layer, n in enumerate(sizes)]

    def draw(fn: Callable[[QPainter], None]) -> Callable[[], None]:
        def run() -> None:
            image.fill(0)
            p = QPainter(image)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            fn(p)
            p.end()

        return run

    def grouped(p: QPainter) -> None:
        painter.paint_edges(p, values)

    def naive(p: QPainter) -> None:
        for layer, w in enumerate(values, start=1):
            for i, j in np.ndindex(w.shape):
                color = LIGHT.negative if w[i, j] < 0 else LIGHT.positive
                p.setPen(QPen(QColor(color), 0.7 + 6.0 * abs(w[i, j]) / scale))
                p.drawLine(QLineF(centres[layer - 1][i], centres[layer][j]))

    def bare(p: QPainter) -> None:
        for pen, lines in pens:
            p.setPen(pen)
            p.drawLines(lines)

    t = _timed({"grouped": draw(grouped), "naive": draw(naive), "bare": draw(bare)}, rounds)
    view.close()
    return t
