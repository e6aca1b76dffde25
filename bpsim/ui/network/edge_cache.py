"""The network view's edges in their base state, drawn once into a pixmap.

:class:`EdgeCache` keeps the pixmap at the widget's size and device pixel
ratio and redraws it only when it is marked stale (:meth:`EdgeCache.invalidate`:
new edge values, pens or geometry); stepping frames only draws it. Edges
that change on every paint (training: new weights each refresh) gain
nothing from a cache: from the second paint in a row that finds it stale,
they are drawn straight onto the widget, which saves clearing and copying
a pixmap the size of the widget.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPixmap


class EdgeCache:
    """A pixmap of every edge, redrawn by ``draw`` when stale."""

    def __init__(self) -> None:
        self.pixmap: QPixmap | None = None
        self.stale = True
        self.renders = 0  # how often the edges were redrawn
        self.direct = 0  # how many of those went straight onto the widget
        self._stale_paints = 0  # paints in a row that found the edges changed

    def invalidate(self) -> None:
        self.stale = True

    def paint(
        self,
        painter: QPainter,
        size: QSize,
        dpr: float,
        opacity: float,
        draw: Callable[[QPainter], None],
        *,
        antialias: bool,
        direct: bool = False,
    ) -> None:
        """Draw the cached edges with ``painter`` at ``opacity`` (redrawn first
        with ``draw`` when stale or of another ``size`` or ``dpr``). ``direct``:
        a stale cache is not redrawn, the edges go straight onto ``painter``
        (as they do anyway from the second stale paint in a row)."""
        self._stale_paints = self._stale_paints + 1 if self.stale else 0
        if self.stale and opacity == 1.0 and (direct or self._stale_paints > 1):
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
            draw(painter)
            painter.restore()
            self.renders += 1
            self.direct += 1
            return
        pixels = QSize(round(size.width() * dpr), round(size.height() * dpr))
        cache = self.pixmap
        if cache is None or cache.size() != pixels or cache.devicePixelRatio() != dpr:
            cache = self.pixmap = QPixmap(pixels)
            cache.setDevicePixelRatio(dpr)
            self.stale = True
        if self.stale:
            cache.fill(Qt.GlobalColor.transparent)
            p = QPainter(cache)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
            draw(p)
            p.end()
            self.stale = False
            self.renders += 1
        painter.setOpacity(opacity)
        painter.drawPixmap(0, 0, cache)
        painter.setOpacity(1.0)
