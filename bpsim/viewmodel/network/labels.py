"""Where every label of the network view goes (no Qt): :func:`place_labels`.

Focus and context. In order:

1. every unit's name and every bias in the slot the geometry keeps for it
   (a name above the unit or beside it, a bias under it or left of it:
   :mod:`bpsim.viewmodel.network.fit`), so no name or bias ever gives way, and the
   input units' captions (column names) left of them;
2. the captions under the layers and the frame's title;
3. right of the output units their target, loss term and delta (shortened,
   or under a lone output unit, where they would leave the view);
4. the current frame's numbers (the delta it computes, the highlighted
   edge's callout, the bias it is about): always shown, in full, at the first
   spot that covers nothing (a caption gives way if none is free);
5. the context, only where there is room: the other hidden units' deltas
   beside their names, and (small networks) each edge's weight or known
   gradient on its edge, in a box, at a point where it crosses no other edge
   of a layer wider than two units. The rest is in the tooltips.

Text is measured by the injected :data:`~bpsim.viewmodel.network.fit.Measure`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from bpsim.model.notation import weight_name
from bpsim.model.trace.frames import FrameKind
from bpsim.viewmodel.network.board import Board, PlacedLabel, make_label
from bpsim.viewmodel.network.callouts import Callouts, around_spots, edge_points
from bpsim.viewmodel.network.dense import spaced
from bpsim.viewmodel.network.fit import (
    ABOVE,
    BELOW,
    MIN_TEXT_PX,
    RIGHT,
    Measure,
    ViewGeometry,
    text_px,
)
from bpsim.viewmodel.network.highlight import Edge, Highlight, Unit
from bpsim.viewmodel.network.output_labels import OutputLabels
from bpsim.viewmodel.network.scene import Scene
from bpsim.viewmodel.network.scene_text import frame_title, number_variants

MAX_LABELLED_EDGES = 24  # small networks show weights on their edges
EDGE_T = (0.2, 0.78)  # the range of preferred points of the edges leaving one unit
EDGE_T_STEP, EDGE_T_RANGE = 0.06, (0.1, 0.9)  # then tried around it, within this range

Array = NDArray[np.float64]
UNITS_CACHE = 8  # placed names and biases kept (per geometry, biases and bias callout)
_Placed = tuple[ViewGeometry, list[PlacedLabel], dict[Unit, PlacedLabel]]
_units_cache: dict[tuple[object, ...], _Placed] = {}
_names_cache: dict[tuple[object, ...], _Placed] = {}


@lru_cache(maxsize=256)
def _candidates(preferred: float) -> Array:
    """Points along an edge to try: ``preferred``, then ever further either side."""
    steps = np.arange(1, 14) * EDGE_T_STEP
    ts = np.concatenate(
        [[preferred], np.column_stack([preferred + steps, preferred - steps]).ravel()]
    )
    lo, hi = EDGE_T_RANGE
    return ts[(ts >= lo) & (ts <= hi)]


class _Placer:
    def __init__(self, scene: Scene, hl: Highlight | None, geo: ViewGeometry, m: Measure):
        self.scene, self.hl, self.geo, self.m = scene, hl, geo, m
        self.num = geo.number
        lay = self.lay = geo.layout
        self.fp, self.r = geo.font_px, lay.radius
        self.reach = lay.radius + 1.4 * geo.ring_w
        circles = np.array(
            [(x, y, self.reach) for x, ys in zip(lay.xs, lay.ys, strict=True) for y in ys]
        )
        bounds = (0.0, 0.0, lay.width, lay.height)
        self.board = Board(bounds, max(1.5, 0.12 * self.fp), circles)
        sizes = scene.sizes
        roomy = min(geo.pitch) >= 2.2 * geo.small_h
        self.edge_labels = scene.n_edges <= MAX_LABELLED_EDGES and roomy
        if self.edge_labels:
            ids: list[tuple[int, ...]] = [
                (layer, i, j)
                for layer in range(1, len(sizes))
                for i in range(sizes[layer - 1])
                for j in range(sizes[layer])
            ]
            segs = np.array([lay.segment(*e) for e in ids]).reshape(-1, 4)
            self.board.set_segments(segs, ids)
        self.names: dict[Unit, PlacedLabel] = {}

    # -- 1. names and biases ----------------------------------------------------------

    def units(self) -> None:
        """Names and biases: the same on most frames of a step, so kept for the
        last few geometries and biases (:data:`_units_cache`)."""
        hl = self.hl
        mine = hl.main if hl is not None and hl.bias_label else ()
        scene = self.scene
        biases = tuple(b.tobytes() for b in scene.biases)
        key = (id(self.geo), biases, mine, scene.input_captions, scene.unit_names)
        hit = _units_cache.get(key)
        if hit is None or hit[0] is not self.geo:
            self._units()
            hit = (self.geo, list(self.board.labels), dict(self.names))
            _units_cache[key] = hit
            while len(_units_cache) > UNITS_CACHE:
                del _units_cache[next(iter(_units_cache))]
            return
        for lab in hit[1]:
            self.board.add(lab)
        self.names = dict(hit[2])

    def _units(self) -> None:
        scene, geo, lay, hl = self.scene, self.geo, self.lay, self.hl
        self._unit_names()
        for layer, n in enumerate(scene.sizes):
            x = float(lay.xs[layer])
            for j in range(n):
                y = float(lay.ys[layer][j])
                mine = hl is not None and bool(hl.bias_label) and (layer, j) in hl.main
                if layer and geo.show_bias[layer] and not mine:
                    text = self._bias_text(float(scene.biases[layer - 1][j]))
                    lab = make_label(
                        text,
                        geo.bias_px,
                        self.m,
                        color="muted",
                        role="bias",
                        owner=(layer, j),
                        boxed=geo.bias_side[layer] != BELOW,  # on the incoming edges: a box
                    )
                    self.board.add(self._in_bias_slot(lab, layer, x, y))

    def _unit_names(self) -> None:
        """Every unit's name and the input captions: the same for every frame
        and every step of one geometry, so kept (:data:`_names_cache`)."""
        scene, geo, lay = self.scene, self.geo, self.lay
        key = (id(geo), scene.unit_names, scene.input_captions)
        hit = _names_cache.get(key)
        if hit is None or hit[0] is not geo:
            start = len(self.board.labels)
            for layer in range(len(scene.sizes)):
                if geo.name_side[layer]:
                    x = float(lay.xs[layer])
                    names = [self._name(layer, j, x, float(y)) for j, y in enumerate(lay.ys[layer])]
                    for j, name in spaced(names):
                        self.names[(layer, j)] = self.board.add(name)
            self._input_captions()
            hit = (geo, self.board.labels[start:], dict(self.names))
            _names_cache[key] = hit
            while len(_names_cache) > UNITS_CACHE:
                del _names_cache[next(iter(_names_cache))]
            return
        for lab in hit[1]:
            self.board.add(lab)
        self.names.update(hit[2])

    def _bias_text(self, b: float) -> str:
        """``b = …`` as wide as its slot at most (shorter numbers where needed)."""
        text = f"b = {self.num(b)}"
        if self.m(text, self.geo.bias_px, False)[0] <= self.geo.bias_w + 0.5:
            return text
        texts = [f"b = {t}" for t in number_variants(b, self.num)]
        fits = (t for t in texts if self.m(t, self.geo.bias_px, False)[0] <= self.geo.bias_w + 0.5)
        return next(fits, texts[-1])

    def _name(self, layer: int, j: int, x: float, y: float) -> PlacedLabel:
        """Unit ``(layer, j)``'s name in its slot: above the unit, or beside it
        in a box (on the edges that leave or enter it)."""
        geo, r = self.geo, self.r
        side = geo.name_side[layer]
        px = geo.name_px if side == ABOVE else geo.side_px
        name = make_label(
            self.scene.unit_names[layer][j],
            px,
            self.m,
            x,
            y,
            bold=True,
            boxed=side != ABOVE,
            role="name",
            owner=(layer, j),
        )
        if side == ABOVE:
            return name.moved_to(name.rect[0], y - r - geo.name_gap - name.height)
        gap = r + geo.bias_gap
        left = x + gap if side == RIGHT else x - gap - name.width
        return name.moved_to(left, name.rect[1])

    def _input_captions(self) -> None:
        """The input units' column names, right-aligned left of them (shortened
        with an ellipsis where the margin is too narrow)."""
        scene, geo = self.scene, self.geo
        captions = scene.input_captions
        pitch = geo.pitch[0]
        if not captions or geo.input_room <= 0:
            return
        x = float(self.lay.xs[0]) - self.reach - self.board.pad - 1.0
        for j, text in enumerate(captions[: scene.sizes[0]]):
            lab = make_label(text, geo.input_px, self.m, color="secondary", role="unit_caption")
            if lab.height > pitch - 2.0:
                return  # a dense input layer: the column names are in the tooltips
            while lab.width > geo.input_room and len(text) > 2:
                text = text[:-2] + "…"
                lab = make_label(text, geo.input_px, self.m, color="secondary", role="unit_caption")
            y = float(self.lay.ys[0][j])
            lab = lab.moved_to(x - lab.width, y - lab.height / 2)
            if self.board.free(lab.rect):
                self.board.add(replace(lab, owner=(0, j)))

    def _in_bias_slot(self, lab: PlacedLabel, layer: int, x: float, y: float) -> PlacedLabel:
        geo = self.geo
        if geo.bias_side[layer] == BELOW:
            return lab.moved_to(x - lab.width / 2, y + self.r + geo.bias_gap)
        return lab.moved_to(x - geo.bias_dx[layer] - lab.width, y - lab.height / 2)

    # -- 2. captions -------------------------------------------------------------------

    def captions(self) -> None:
        scene, geo, fp, m = self.scene, self.geo, self.fp, self.m
        last = len(scene.sizes) - 1
        top = geo.height - geo.margins[3] + 0.3 * fp
        for layer, n in enumerate(scene.sizes):
            x = float(self.lay.xs[layer])
            if layer == 0:
                title, sub = "Input", f"{n} value" + ("s" if n > 1 else "")
            else:
                title = "Output" if layer == last else "Hidden" + (f" {layer}" if last > 2 else "")
                sub = f"{n} × {scene.activation_names[layer - 1]}"
            lines = [(title, geo.caption_px, True, "foreground", 0.0)]
            lines.append((sub, geo.small_px, False, "muted", 0.0))
            if layer == last and not np.isnan(scene.loss):
                lines.append(
                    (f"E = {self.num(scene.loss)}", geo.caption_px, True, "foreground", 0.35 * fp)
                )
            y = top
            for text, px, bold, color, gap in lines:
                lab = make_label(
                    text,
                    px,
                    m,
                    bold=bold,
                    color=color,
                    role="caption",
                    group="captions",
                    yields=True,
                    owner=(layer,),
                )
                left = min(max(x - lab.width / 2, 0.3 * fp), geo.width - lab.width - 0.3 * fp)
                lab = self.board.add(lab.moved_to(left, y + gap))
                y = lab.rect[3]
        if scene.frame is None:
            return
        text, phase_px = frame_title(scene), geo.tag_px
        px_options = [px for px in (geo.tag_px, geo.small_px) if px >= MIN_TEXT_PX]
        for phase_px in px_options:
            if m(text, phase_px, True)[0] <= geo.width - geo.margins[0] - 0.3 * fp:
                break
        lab = make_label(
            text, phase_px, m, bold=True, color="accent", role="title", group="captions"
        )
        self.board.add(lab.moved_to(geo.margins[0], max(0.2 * fp, 1.3 * fp - 0.95 * phase_px)))

    # -- 4. the current frame ------------------------------------------------------------

    def deltas(self, *, current: bool) -> None:
        """Hidden units' deltas beside their names: the frame's own always, the
        others where there is room (not in a layer too dense to name its
        units above them: the tooltips have those)."""
        scene, hl = self.scene, self.hl
        if scene.whole_batch:
            return
        frame_unit = None
        if hl is not None and scene.frame is not None and scene.frame.kind is FrameKind.DELTA:
            frame_unit = hl.main[0] if hl.main else None
        last = len(scene.sizes) - 1
        for layer in range(1, last):
            for j in range(scene.sizes[layer]):
                delta = float(scene.delta[layer][j])
                if np.isnan(delta) or ((layer, j) == frame_unit) != current:
                    continue
                if not current and (
                    (layer, j) not in self.names or self.geo.name_side[layer] != ABOVE
                ):
                    continue  # the context goes beside a name above its unit only
                self._delta(layer, j, delta, current)

    def _delta(self, layer: int, j: int, delta: float, current: bool) -> None:
        geo, fp, r = self.geo, self.fp, self.r
        x, y = self.lay.center(layer, j)
        lab = make_label(
            f"δ = {self.num(delta)}",
            text_px(min(0.8 * fp, geo.name_px)),
            self.m,
            bold=True,
            boxed=True,
            bordered=True,
            color="backward",
            role="delta",
            owner=(layer, j),
            current=current,
        )
        w, h = lab.width, lab.height
        name = self.names.get((layer, j))
        row = y - r - geo.name_gap - h / 2
        if name is not None and geo.name_side[layer] != ABOVE:  # beside its name
            after = name.rect[2] + 0.3 * fp + w / 2
            spots = [(after, y + k * h) for k in (0, -0.6, 0.6, -1.2, 1.2, -1.8, 1.8)]
        else:
            row = (name.rect[1] + name.rect[3]) / 2 if name else row
            half = name.width / 2 if name else 0.0
            spots = [(x + max(0.75 * r, half + 0.3 * fp) + w / 2, row)]
        if current:
            spots += [(x + self.reach + 0.3 * fp + w / 2, y), (x, row - h), (x, y - self.reach - h)]
            spots += [(x - self.reach - 0.3 * fp - w / 2, y), (x, y + self.reach + 1.5 * h)]
        if self.board.place(lab, np.array(spots)) is not None or not current:
            return
        around = around_spots(x, y, w, h)  # the frame's own delta: near it, else anywhere
        if self.board.place(lab, around) is None:
            self.board.place(lab, np.vstack([np.array(spots), around]), must=True)

    # -- 5. the edges ----------------------------------------------------------------------

    def _edge_points(self, e: Edge, ts: Array) -> Array:
        return edge_points(self.lay, e, ts)

    def edges(self) -> None:
        """Each edge's weight (or known gradient) on its edge, where it covers
        nothing; the edges leaving one unit prefer staggered points. An edge
        with a callout shows no plain label."""
        if not self.edge_labels:
            return
        scene, hl = self.scene, self.hl
        skip = set(hl.edges) if hl is not None and hl.edge_label else set()
        sizes = scene.sizes
        for layer in range(1, len(sizes)):
            n_src, n_dst = sizes[layer - 1], sizes[layer]
            strict = max(n_src, n_dst) > 2  # crossings: a label must sit where only its edge is
            for i in range(n_src):
                for j in range(n_dst):
                    e = (layer, i, j)
                    if e in skip:
                        continue
                    name = weight_name(sizes, layer, i, j)
                    if scene.mode == "weights":
                        text = f"{name} = {self.num(float(scene.weights[layer - 1][i, j]))}"
                    elif np.isnan(g := float(scene.gradients[layer - 1][i, j])):
                        continue
                    else:
                        text = f"∂E/∂{name} = {self.num(g)}"
                    lab = make_label(
                        text,
                        self.geo.small_px,
                        self.m,
                        boxed=True,
                        color="secondary",
                        role="edge",
                        group="edges",
                        owner=e,
                    )
                    k = (j + i) % n_dst
                    pref = EDGE_T[0] + (EDGE_T[1] - EDGE_T[0]) * k / max(n_dst - 1, 1)
                    self.board.place(
                        lab, self._edge_points(e, _candidates(pref)), edge=e, strict=strict
                    )


def place_labels(
    scene: Scene, hl: Highlight | None, geo: ViewGeometry, measure: Measure
) -> list[PlacedLabel]:
    """Every label of ``scene`` (with the frame's highlight ``hl``) in a view
    of geometry ``geo``: none covers a unit or another label or leaves the view."""
    p = _Placer(scene, hl, geo, measure)
    p.units()
    p.captions()
    OutputLabels(scene, geo, p.board, measure).place()
    p.deltas(current=True)
    callouts = Callouts(p.board, hl, geo, measure, p.names)
    callouts.edge()
    callouts.biases()
    p.deltas(current=False)
    p.edges()
    return p.board.labels
