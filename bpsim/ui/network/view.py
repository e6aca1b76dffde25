"""The network view: units, edges and the current frame of a training step.

The view draws a :class:`~bpsim.viewmodel.network.scene.Scene` and never computes a value.
Edges (the expensive part: pixels, not Python) are drawn once into a cached
pixmap, grouped by quantized pen, and redrawn only when the numbers they show
change or the widget is resized; each paint then draws the cache, the
highlighted frame, the units and their labels on top. Where the labels go is
worked out once per scene and size (in draft quality, while training, at most
every :data:`DRAFT_LABELS_SECONDS`), so that none covers a unit or another
label or leaves the widget (:meth:`NetworkView.label_rects`). Layers with more
edges than ``max_edges`` show only the strongest ones (the legend says so).
The view owns no timer: a controller animates the pulse (:meth:`set_transition`).

The parts: ``viewmodel.network.fit`` (type size, layout, slots for names and
biases), ``.labels`` (where every label goes; both measured by Qt's fonts here),
``.highlight`` and ``.scene_text`` (what a frame highlights and says);
``ui.network.edge_levels`` (pens, level of detail), ``.style`` (fonts, text),
``.paint`` and ``.units`` (the drawing). In gradient mode before the backward
pass has computed any gradient, the weights are drawn faintly (legend says so).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QWidget

from bpsim.ui.colors import PenBank, is_dark, palette_for
from bpsim.ui.network.edge_cache import EdgeCache
from bpsim.ui.network.edge_levels import EdgeLevels, same_values
from bpsim.ui.network.legend import LegendInfo
from bpsim.ui.network.paint import NetworkPainter, PlacedLabels
from bpsim.ui.network.pointer import Hit, PointerView
from bpsim.ui.network.style import qt_measure
from bpsim.ui.network.units import unit_fills
from bpsim.viewmodel.network.fit import fit_geometry
from bpsim.viewmodel.network.highlight import Highlight, highlight_of
from bpsim.viewmodel.network.layout import Layout
from bpsim.viewmodel.network.scene import MODES, Scene
from bpsim.viewmodel.network.scene_text import Numbers, gradient_note
from bpsim.viewmodel.network.view_text import ToRaw, ViewText

LEVELS, DRAFT_LEVELS = 24, 8  # pen widths per sign (in draft quality: fewer)
DRAFT_LABELS_SECONDS = 0.2  # in draft quality the labels follow the numbers 5 times a second
DIM_OPACITY = 0.38  # the cached edges behind a highlighted frame
FAINT = 0.35  # the weights drawn in gradient mode before there are gradients
DEFAULT_MAX_EDGES = 800  # per weight layer, beyond which only the strongest are drawn


class NetworkView(PointerView):
    """Draws a :class:`Scene`: set it with :meth:`set_scene`.

    Signals: ``sigUnitHovered(layer, unit)`` and ``sigEdgeHovered(layer,
    source, target)`` when the pointer moves onto a unit or edge (all -1 when
    it leaves; :class:`~bpsim.ui.network.pointer.PointerView`),
    ``sigModeChanged(mode)``, ``sigLegendChanged(LegendInfo)``.
    """

    sigModeChanged = Signal(str)
    sigLegendChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(240, 160)
        self._scene: Scene | None = None
        self._progress = 1.0
        self._font_scale = 1.0
        self._dark_override: bool | None = None
        self._max_edges = DEFAULT_MAX_EDGES
        self._legend_visible = True
        self._pal = palette_for(is_dark(self.palette()))
        self._layout: Layout | None = None
        self._pens: PenBank | None = None
        self._painter: NetworkPainter | None = None
        self._edges: EdgeLevels | None = None
        self._fills: list[list[QBrush]] = []
        self._legend = LegendInfo()
        self._edge_cache = EdgeCache()
        self._geometry_dirty = True
        self._edges_dirty = True
        self._highlight: Highlight | None = None
        self._labels: PlacedLabels | None = None  # where the text goes, per scene and size
        self._placed_at = 0.0  # when the labels were placed (time.monotonic)
        self._draft = False
        self._mode = "weights"  # until a scene says otherwise
        self._text = ViewText()  # digits and the units' names

    # -- public API ---------------------------------------------------------------

    def set_scene(self, scene: Scene) -> None:
        """Show ``scene`` (its ``mode`` decides what edge thickness shows)."""
        old = self._scene
        scene = self._scene = self._text.named(scene)
        numbers = self._text.numbers
        fit = 3 if self._draft else None  # draft: numbers' lengths keep the layout (no jumps)
        if (
            old is None
            or _geometry_inputs(old, numbers)[:fit] != _geometry_inputs(scene, numbers)[:fit]
        ):
            self._geometry_dirty = True
        elif (
            old.mode != scene.mode
            or old.edge_scale() != scene.edge_scale()
            or not same_values(old.edge_values(), scene.edge_values())
            or gradient_note(old) != gradient_note(scene)
        ):
            self._edges_dirty = True
        self._fills = []
        if not self._draft or time.monotonic() - self._placed_at >= DRAFT_LABELS_SECONDS:
            self._highlight, self._labels = None, None  # (training: the labels kept a while)
        self.update()

    def scene(self) -> Scene | None:
        return self._scene

    def set_digits(self, digits: int, *, decimals: bool = False) -> None:
        """Write every number (unit values, biases, deltas, weights, callouts,
        tooltips) with ``digits`` significant figures, or with ``decimals``
        that many decimal places, as :meth:`FormulaCard.set_digits` (3 to 10)."""
        text = self._text.with_digits(digits, decimals)
        if text != self._text:
            self._text = text
            self._invalidate_geometry()

    def numbers(self) -> Numbers:
        return self._text.numbers

    def set_unit_names(
        self,
        inputs: Sequence[str],
        outputs: Sequence[str],
        *,
        to_raw: ToRaw | None = None,
    ) -> None:
        """Name the input units by their data's columns (``hours_studied``,
        left of i1) and the output units by what they stand for (``p(pass)``,
        right of o1); empty lists for none. ``to_raw`` (e.g. a data set's
        ``to_raw``) turns the inputs the network sees into the data's own
        units for the tooltips. Names whose count does not match the scene's
        layers are not shown."""
        self._text = self._text.with_names(inputs, outputs, to_raw)
        if self._scene is not None:
            self.set_scene(self._scene)

    def set_transition(self, progress: float) -> None:
        """Place the pulse along the highlighted edges (0..1; 1 means at rest)."""
        self._progress = min(max(float(progress), 0.0), 1.0)
        self.update()

    def transition(self) -> float:
        return self._progress

    def set_mode(self, mode: str) -> None:
        """Draw edges by ``"weights"`` or by ``"gradients"`` (the scenes a
        controller sets later carry their own ``mode``)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if mode == self.mode():
            return
        self._mode = mode
        if self._scene is not None:
            self.set_scene(self._scene.with_mode(mode))
        self.sigModeChanged.emit(mode)

    def mode(self) -> str:
        return self._scene.mode if self._scene is not None else self._mode

    def set_font_scale(self, scale: float) -> None:
        """Scale every label (1.0 follows the widget size; 1.5 for a large hall)."""
        self._font_scale = max(0.4, float(scale))
        self._invalidate_geometry()

    def font_scale(self) -> float:
        return self._font_scale

    def set_dark(self, dark: bool | None) -> None:
        """Force the dark or light palette; None follows the application palette."""
        self._dark_override = dark
        self._invalidate_geometry()

    def set_max_edges(self, n: int) -> None:
        """Level of detail: at most ``n`` edges per weight layer (the strongest)."""
        self._max_edges = max(1, int(n))
        self._edges_dirty = True
        self.update()

    def set_draft(self, draft: bool) -> None:
        """Draft quality while training: edges without antialiasing, at least
        1 px wide (about 5-10x cheaper on the software rasterizer). Turn it
        off when training stops, for the full-quality picture."""
        if bool(draft) != self._draft:
            self._draft = bool(draft)
            self._invalidate_geometry()

    def is_draft(self) -> bool:
        return self._draft

    def set_legend_visible(self, visible: bool) -> None:
        self._legend_visible = bool(visible)
        self._invalidate_geometry()

    def legend_info(self) -> LegendInfo:
        self._prepare()
        return self._legend

    def edge_pen_width(self, layer: int, i: int, j: int) -> float:
        """The width the edge ``(layer, i, j)`` is drawn with (0 when hidden)."""
        self._prepare()
        assert self._edges is not None
        return self._edges.width(layer, i, j)

    def edge_color(self, layer: int, i: int, j: int) -> QColor:
        """The colour the edge ``(layer, i, j)`` is drawn with."""
        self._prepare()
        assert self._edges is not None
        return self._edges.color(layer, i, j)

    def unit_center(self, layer: int, j: int) -> QPointF:
        self._prepare()
        assert self._layout is not None
        return QPointF(*self._layout.center(layer, j))

    def unit_radius(self) -> float:
        self._prepare()
        assert self._layout is not None
        return self._layout.radius

    def edge_point(self, layer: int, i: int, j: int, t: float = 0.5) -> QPointF:
        """A point a fraction ``t`` along the edge, from source to target."""
        self._prepare()
        assert self._layout is not None
        x0, y0, x1, y1 = self._layout.segment(layer, i, j)
        return QPointF(x0 + t * (x1 - x0), y0 + t * (y1 - y0))

    def tooltip_at(self, pos: QPointF) -> str:
        """The tooltip text for a point of the widget ('' if nothing is there)."""
        hit = self._hit(pos)
        scene = self._scene
        return "" if hit is None or scene is None else self._text.tooltip(scene, hit)

    def label_rects(self) -> list[QRectF]:
        """The boxes of all text around the units (names, deltas, biases, the output
        units' targets, loss terms and deltas, edge values, callouts, captions, the
        title), for tests: none overlaps another or leaves the widget."""
        self._prepare()
        return [] if self._labels is None else self._labels.rects()

    def base_render_count(self) -> int:
        """How often the cached edges were redrawn (stepping frames should not)."""
        return self._edge_cache.renders

    def sizeHint(self) -> QSize:
        return QSize(960, 560)

    # -- Qt events ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._scene is None:
            self._pal = palette_for(self._is_dark())
            painter.fillRect(self.rect(), self._pal.background)
            painter.end()
            return
        self._prepare()
        painter.fillRect(self.rect(), self._pal.background)
        assert self._painter is not None and self._labels is not None
        hl = self._highlight
        # the accent follows the palette in use now (it may have switched since set_scene)
        accent = self._pal.accent(hl.phase) if hl is not None else QColor()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        faint = FAINT if self._legend.empty else 1.0
        self._paint_base(painter, faint * (DIM_OPACITY if hl is not None else 1.0))
        self._painter.paint_overlay(
            painter, self._scene, hl, accent, self._labels, self._fills, self._hover, self._progress
        )
        if self._legend_visible:
            self._painter.paint_legend(painter, self.width(), self.height(), self._legend)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # grab() of a hidden widget sends resize events of an unchanged size
        lay = self._layout
        if lay is None or (lay.width, lay.height) != (self.width(), self.height()):
            self._geometry_dirty = True
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        kinds = (QEvent.Type.PaletteChange, QEvent.Type.StyleChange, QEvent.Type.ThemeChange)
        if event.type() in kinds:
            self._invalidate_geometry()
        super().changeEvent(event)

    # -- internals -----------------------------------------------------------------------

    def _hit(self, pos: QPointF) -> Hit | None:
        if self._scene is None:
            return None
        self._prepare()
        assert self._layout is not None and self._painter is not None and self._edges is not None
        x, y = pos.x(), pos.y()
        unit = self._layout.unit_at(x, y)
        if unit is not None:
            return unit
        tol = max(4.0, 0.3 * self._painter.font_px)
        return self._layout.edge_at(x, y, tol, self._edges.visible)

    def _is_dark(self) -> bool:
        dark = self._dark_override
        return is_dark(self.palette()) if dark is None else dark

    def _invalidate_geometry(self) -> None:
        self._geometry_dirty = True
        self.update()

    def _prepare(self) -> None:
        """Bring geometry, edge levels and unit fills up to date (no painting)."""
        scene = self._scene
        if scene is None:
            return
        if self._geometry_dirty:
            self._layout_scene(scene)
        if self._edges_dirty:
            self._quantize_edges(scene)
        if not self._fills:
            self._fills = unit_fills(scene, self._pal)
        if self._labels is None:
            assert self._painter is not None
            hl = self._highlight = highlight_of(scene, self._text.numbers)
            accent = self._pal.accent(hl.phase) if hl is not None else QColor()
            self._labels = self._painter.place_labels(scene, hl, accent)
            self._placed_at = time.monotonic()

    def _layout_scene(self, scene: Scene) -> None:
        self._pal = palette_for(self._is_dark())
        w, h = max(self.width(), 1), max(self.height(), 1)
        geo = fit_geometry(
            scene,
            w,
            h,
            self._font_scale,
            qt_measure,
            legend=self._legend_visible,
            number=self._text.numbers,
        )
        painter = NetworkPainter(scene.sizes, self._pal, geo)
        fp = geo.font_px
        self._layout = geo.layout
        self._painter = painter
        r = self._layout.radius
        w_max = min(max(0.3 * r, 1.2), 0.5 * fp)
        # aliased lines thinner than 1 px take Qt's slow cosmetic path: 1.01 px
        w_min = 1.01 if self._draft else min(0.7, w_max / 2)
        levels = DRAFT_LEVELS if self._draft else LEVELS  # fewer pens: fewer groups to draw
        self._pens = PenBank(self._pal, w_min, max(w_max, w_min), levels, fade=scene.n_edges > 40)
        self._fills = []
        self._labels = None
        self._geometry_dirty = False
        self._edges_dirty = True

    def _quantize_edges(self, scene: Scene) -> None:
        assert self._pens is not None and self._painter is not None
        note = gradient_note(scene)  # no gradients yet: the weights, faint
        shown = scene.with_mode("weights") if note else scene
        edges = self._edges = EdgeLevels(shown, self._pens, self._max_edges)
        self._painter.set_edges(edges.levels, edges.visible, edges.pens)
        info = replace(edges.legend(shown, self._pal), mode=scene.mode, empty=note)
        self._edges_dirty = False
        self._edge_cache.invalidate()
        if info != self._legend:
            self._legend = info
            self.sigLegendChanged.emit(info)

    def _paint_base(self, painter: QPainter, opacity: float) -> None:
        """Every edge in its base state: the cached pixmap (redrawn when stale)."""
        assert self._painter is not None and self._edges is not None
        draw, values = self._painter.paint_edges, self._edges.values  # weights while no gradients
        aa = not self._draft  # draft: aliased, drawn straight (they change on every paint)
        size, dpr, edges = self.size(), self.devicePixelRatioF(), lambda p: draw(p, values)
        self._edge_cache.paint(painter, size, dpr, opacity, edges, antialias=aa, direct=not aa)


def _geometry_inputs(scene: Scene, number: Numbers) -> tuple[object, ...]:
    """What the view's geometry is fitted to (see :func:`fit_geometry`): the
    layers, the units' names and how long the numbers beside the outputs are
    written (their lengths change far more rarely than their values)."""
    targets = () if scene.targets is None else tuple(len(number(t)) for t in scene.targets)
    biases = tuple(len(number(b)) for b in scene.biases[-1]) if scene.biases else ()
    return scene.sizes, scene.input_captions, scene.output_captions, targets, biases
