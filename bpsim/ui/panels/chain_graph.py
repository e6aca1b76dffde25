"""The chain-rule panel: the current frame's computation graph, micrograd style.

Draws a :class:`~bpsim.viewmodel.chain_rule.ChainGraph`: value nodes as boxes
with their name, forward value (``data``) and gradient (``grad``), operations
as circles, the edges the frame computes lit in the phase's colour with a
pulse running along them (forward: towards the loss; backward: away from
it), and above the graph the chain rule's factors, each with its rule and
number. The type follows the widget's font (the window's zoom); a graph
larger than the panel is drawn smaller, whole.

Everything is measured when the graph, the font or the size changes;
:meth:`paintEvent` only draws what was measured (and must never raise).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from bpsim.model.notation import DEFAULT_DIGITS, fmt, render
from bpsim.ui.colors import Palette, blend, is_dark, palette_for
from bpsim.ui.safe_paint import paint_safely
from bpsim.viewmodel.chain_rule import ChainGraph, Node

MAX_GROW = 2.0  # a panel with room to spare draws the graph up to this much larger
EMPTY_TEXT = "Step to a frame to see the chain rule behind it."


@dataclass(frozen=True)
class _Box:
    node: Node
    rect: QRectF
    lines: tuple[str, ...]  # value nodes: "name = value", "grad …" (when it has one)


class ChainGraphPanel(QWidget):
    """Shows one :class:`ChainGraph` (or a hint when there is none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chain_graph")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._graph: ChainGraph | None = None
        self._digits = DEFAULT_DIGITS
        self._decimals = False
        self._transition = 1.0
        self._boxes: dict[str, _Box] = {}
        self._header: list[tuple[str, bool]] = []  # (text, bold)
        self._footer: list[str] = []
        self._natural = QSize(200, 120)
        self._measure()

    # -- public ----------------------------------------------------------------

    def graph(self) -> ChainGraph | None:
        return self._graph

    def set_graph(self, graph: ChainGraph | None) -> None:
        self._graph = graph
        self._measure()
        self.update()

    def set_digits(self, digits: int, *, decimals: bool = False) -> None:
        if (digits, decimals) != (self._digits, self._decimals):
            self._digits, self._decimals = digits, decimals
            self._measure()
            self.update()

    def set_transition(self, t: float) -> None:
        """Where the pulse is along the lit edges, from 0 to 1 (1: no pulse)."""
        self._transition = min(max(float(t), 0.0), 1.0)
        self.update()

    def header_lines(self) -> list[str]:
        """The text above the graph: title, one line per factor, the result."""
        return [text for text, _ in self._header]

    def box_lines(self, key: str) -> tuple[str, ...]:
        """What the box of node ``key`` says ("name = value", "grad …")."""
        return self._boxes[key].lines

    def sizeHint(self) -> QSize:
        return self._natural

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 100)

    # -- measuring ---------------------------------------------------------------

    def _edge_text(self, label: str, value: float | None) -> str:
        return label if value is None else f"{label} = {self._num(value)}"

    def _num(self, x: float | None) -> str:
        return "?" if x is None else fmt(x, self._digits, decimals=self._decimals)

    def _fonts(self) -> tuple[QFont, QFont]:
        font = QFont(self.font())
        bold = QFont(font)
        bold.setBold(True)
        return font, bold

    def _measure(self) -> None:
        """Place every box and line of text for the current graph and font."""
        font, bold = self._fonts()
        fm, fmb = QFontMetricsF(font), QFontMetricsF(bold)
        line = fm.height()
        self._line = line
        self._boxes = {}
        g = self._graph
        if g is None:
            self._header, self._footer = [(EMPTY_TEXT, False)], []
            self._natural = QSize(round(fm.horizontalAdvance(EMPTY_TEXT) + 2 * line), 120)
            return
        header = [(g.title, True)]
        for f in g.factors:
            rule = f" = {f.rule}" if f.rule else ""
            header.append((f"   {f.name}{rule} = {self._num(f.value)}", False))
        if g.result is not None:
            numbers = " · ".join(self._num(f.value) for f in g.factors)
            product = f" = {numbers}" if len(g.factors) > 1 else ""
            header.append((f"{g.result.name}{product} = {self._num(g.result.value)}", True))
        self._header = header
        self._footer = list(g.notes)
        if g.update is not None:
            rule, template = g.update
            numbers = render(template, self._digits, decimals=self._decimals)
            self._footer.insert(0, f"update: {rule} = {numbers}")
        pad = 0.45 * line
        col_width: dict[int, float] = {}
        sized: dict[str, tuple[tuple[str, ...], float, float]] = {}
        for n in g.nodes:
            if n.kind == "value":
                data = self._num(n.value)
                if n.after is not None:
                    data += f" → {self._num(n.after)}"
                lines = (f"{n.label} = {data}",)  # the name in bold, then its value
                if n.has_grad:
                    lines += (f"grad {self._num(n.grad)}",)
                first = fmb.horizontalAdvance(n.label) + fm.horizontalAdvance(f" = {data}")
                w = max([first, *map(fm.horizontalAdvance, lines[1:])])
                size = (w + 2 * pad, len(lines) * line + 1.2 * pad)
            else:
                lines = (n.label,)
                text_w = fm.horizontalAdvance(n.label)
                d = 1.9 * line
                size = (max(d, text_w + line), d)
            sized[n.key] = (lines, *size)
            col_width[n.column] = max(col_width.get(n.column, 0.0), size[0])
        gap = 1.6 * line
        column_of = {n.key: n.column for n in g.nodes}
        label_gap: dict[int, float] = {}  # before a column whose edges carry labels
        for e in g.edges:
            if e.label:
                w = fm.horizontalAdvance(self._edge_text(e.label, e.value)) + line
                c = column_of[e.target]
                label_gap[c] = max(label_gap.get(c, 0.0), w)
        xs: dict[int, float] = {}
        x = 0.0
        for c in sorted(col_width):
            x += max(label_gap.get(c, 0.0) - gap, 0.0)
            xs[c] = x
            x += col_width[c] + gap
        width = x - gap
        box_h = 2 * line + 1.2 * pad
        step = box_h + 0.35 * line
        top_row = min(n.row for n in g.nodes)
        for n in g.nodes:
            lines, w, h = sized[n.key]
            cx = xs[n.column] + col_width[n.column] / 2
            cy = (n.row - top_row) * step + box_h / 2
            self._boxes[n.key] = _Box(n, QRectF(cx - w / 2, cy - h / 2, w, h), lines)
        graph_h = max(b.rect.bottom() for b in self._boxes.values())
        text_w = max(fmb.horizontalAdvance(t) if b else fm.horizontalAdvance(t) for t, b in header)
        notes_w = max([fm.horizontalAdvance(t) for t in self._footer], default=0.0)
        self._text_size = (text_w, len(header) * line)
        self._graph_size = (width, graph_h)
        self._notes_w = notes_w
        w, h = self._arrangement(side=False)
        self._natural = QSize(round(w), round(h))

    def _arrangement(self, *, side: bool) -> tuple[float, float]:
        """Width and height of the whole drawing, with the factors above the
        graph or (``side``) beside it, on its right."""
        line = self._line
        (tw, th), (gw, gh) = self._text_size, self._graph_size
        notes = (len(self._footer) + 0.6) * line if self._footer else 0.0
        if side:
            return max(gw + 1.5 * line + tw, self._notes_w) + 2 * line, max(
                th, gh
            ) + notes + 2 * line
        return max(gw, tw, self._notes_w) + 2 * line, th + 0.6 * line + gh + notes + 2 * line

    # -- Qt events -----------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._measure()
            self.updateGeometry()
            self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_safely(self, self._paint)

    # -- painting --------------------------------------------------------------------

    def _paint(self, p: QPainter) -> None:
        pal = palette_for(is_dark(self.palette()))
        p.fillRect(self.rect(), pal.background)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        g = self._graph
        size = self.width(), self.height()
        choices = [self._arrangement(side=False)]
        if g is not None:
            choices.append(self._arrangement(side=True))
        fits = [min(size[0] / max(w, 1.0), size[1] / max(h, 1.0)) for w, h in choices]
        side = len(fits) > 1 and fits[1] > fits[0]
        k = min(max(fits), MAX_GROW)  # a larger panel draws larger, up to twice the type
        natural_w = choices[1 if side else 0][0]
        line = self._line
        p.translate(max((size[0] - natural_w * k) / 2, 0.0) + line * k, line * k)
        p.scale(k, k)
        font, bold = self._fonts()
        (gw, gh), th = self._graph_size, self._text_size[1]
        x0, y = (gw + 1.5 * line, 0.0) if side else (0.0, 0.0)
        for text, is_bold in self._header:
            p.setFont(bold if is_bold else font)
            p.setPen(pal.foreground)
            p.drawText(QPointF(x0, y + 0.8 * line), text)
            y += line
        if g is None:
            return
        accent = pal.accent(g.phase.value)
        top = max((th - gh) / 2, 0.0) if side else th + 0.6 * line
        p.save()
        p.translate(0, top)
        p.setFont(font)
        self._paint_edges(p, g, pal, accent)
        for box in self._boxes.values():
            self._paint_box(p, box, pal, accent, font, bold)
        p.restore()
        p.setFont(font)
        p.setPen(pal.muted)
        y = (max(th, gh) if side else top + gh) + 0.6 * line
        for note in self._footer:
            p.drawText(QPointF(0, y + 0.8 * line), note)
            y += line

    def _anchor(self, key: str, outgoing: bool) -> QPointF:
        rect = self._boxes[key].rect
        return QPointF(rect.right() if outgoing else rect.left(), rect.center().y())

    def _paint_edges(self, p: QPainter, g: ChainGraph, pal: Palette, accent: QColor) -> None:
        line = self._line
        quiet = QPen(blend(pal.background, pal.muted, 0.7), max(1.0, 0.06 * line))
        loud = QPen(accent, max(2.0, 0.16 * line))
        backward = g.phase.value in ("backward", "update")
        for e in g.edges:
            a, b = self._anchor(e.source, True), self._anchor(e.target, False)
            p.setPen(loud if e.lit else quiet)
            p.drawLine(a, b)
            if e.label:
                text = self._edge_text(e.label, e.value)
                mid = QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
                tw = QFontMetricsF(p.font()).horizontalAdvance(text) + 0.4 * line
                room = QRectF(mid.x() - tw / 2, mid.y() - 1.15 * line, tw, line)
                p.fillRect(room, pal.label_background)
                p.setPen(pal.secondary)
                p.drawText(room, Qt.AlignmentFlag.AlignCenter, text)
            if e.lit and self._transition < 1.0:
                t = 1.0 - self._transition if backward else self._transition
                dot = QPointF(a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y()))
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(accent)
                p.drawEllipse(dot, 0.28 * line, 0.28 * line)
                p.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_box(
        self, p: QPainter, box: _Box, pal: Palette, accent: QColor, font: QFont, bold: QFont
    ) -> None:
        line = self._line
        n, rect = box.node, box.rect
        border = QPen(accent if n.lit else pal.outline, (0.16 if n.lit else 0.06) * line)
        p.setPen(border)
        fill = blend(pal.background, accent, 0.14) if n.lit else pal.background
        p.setBrush(fill)
        if n.kind == "op":
            if len(n.label) <= 4:
                p.drawEllipse(rect)
            else:
                p.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setFont(font)
            p.setPen(pal.foreground if len(n.label) <= 4 else pal.muted)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, n.label)
            return
        p.drawRoundedRect(rect, 0.3 * line, 0.3 * line)
        p.setBrush(Qt.BrushStyle.NoBrush)
        pad = 0.45 * line
        x = rect.left() + pad
        y = rect.top() + 0.6 * pad
        for k, text in enumerate(box.lines):
            unknown = text.endswith("?")
            p.setPen(pal.muted if unknown else pal.backward if k == 1 else pal.foreground)
            if k == 0:  # "name = value": the name in bold
                p.setFont(bold)
                p.drawText(QPointF(x, y + 0.8 * line), n.label)
                rest = text[len(n.label) :]
                p.setFont(font)
                p.drawText(
                    QPointF(x + QFontMetricsF(bold).horizontalAdvance(n.label), y + 0.8 * line),
                    rest,
                )
            else:
                p.setFont(font)
                p.drawText(QPointF(x, y + 0.8 * line), text)
            y += line
