"""Type that fits the plot it labels: the loss plot's and the data panel's text
grows with the app's type size, but never so far that the axes and the
header leave the plot area no room (large type in a small dock).

:func:`fitted_point_size` is plain arithmetic; :func:`line_per_point` asks
Qt how tall a line of text is per point of type.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFont, QFontMetricsF

MIN_PLOT_PT = 6.5  # the plots' text is never smaller than this
PLOT_AREA = 90.0  # px of plot area, across and down, that the text always leaves
PANEL_MIN = (150, 150)  # a plot panel's minimum size: the plot area at the smallest type


def fitted_point_size(
    requested: float,
    size: tuple[float, float],
    line_per_pt: float,
    *,
    lines: tuple[float, float],
    keep: float = PLOT_AREA,
    floor: float = MIN_PLOT_PT,
) -> float:
    """The point size to draw a plot's text at: ``requested``, or less when
    ``lines`` = (across, down) lines of text beside and above/below the plot
    area would leave it less than ``keep`` px of a panel of ``size`` (width,
    height) px; never below ``floor``. ``line_per_pt``: px a line takes per point."""
    width, height = size
    across, down = lines
    unit = max(line_per_pt, 1e-6)
    # the text takes at most half the panel either way, and leaves at least ``keep``
    by_width = min(width - keep, width / 2) / (across * unit)
    by_height = min(height - keep, height / 2) / (down * unit)
    return max(floor, min(requested, by_width, by_height))


def line_per_point(font: QFont) -> float:
    """Pixels a line of ``font``'s family takes per point of type."""
    probe = QFont(font)
    probe.setPointSizeF(20.0)
    return QFontMetricsF(probe).height() / 20.0


def fit_panel_type(
    requested: float,
    size: tuple[float, float],
    font: QFont,
    header_height: Callable[[float], float],
    lines: tuple[float, float],
) -> float:
    """The point size for a plot panel of ``size`` with a header above the
    plot: :func:`fitted_point_size`, made smaller (down to :data:`MIN_PLOT_PT`)
    while the header, ``header_height(pt)`` px tall at ``pt``, and ``lines[1]``
    lines of axis leave the plot area less than half the height, or less than
    :data:`PLOT_AREA` px."""
    unit = line_per_point(font)
    pt = fitted_point_size(requested, size, unit, lines=lines)
    for _ in range(12):
        rest = size[1] - header_height(pt) - lines[1] * unit * pt
        if rest >= max(PLOT_AREA, size[1] / 2) or pt <= MIN_PLOT_PT:
            break
        pt = max(pt * 0.88, MIN_PLOT_PT)
    return pt
