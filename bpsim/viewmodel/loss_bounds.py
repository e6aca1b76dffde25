"""What the loss plot may draw: losses kept within a readable, drawable range.

A diverging run can record losses like 2e302 just before the step that
overflows is refused. Drawn as they are, such points flatten the whole curve
against zero, and near the top of the float range they break the drawing
itself (Qt's transforms overflow, pyqtgraph raises "Maximum allowed
dimension exceeded", a paint that raises ends the process). So the plot
draws a loss no higher than a *ceiling*:

- :data:`OUTLIER_FACTOR` times the typical loss of the curve: its first
  finite positive value, where training starts (the first point a history
  ever held is always kept). Not a median or a quantile: a run that diverged
  for most of its steps would make the absurd values typical. So the curve
  stays readable, and a divergence shows as the curve running off the top of
  the plot; and never above
- :data:`PLOT_LIMIT`, far inside what Qt can draw.

On a linear axis the view itself shows at most :data:`VIEW_FACTOR` times
the typical loss (the curve runs off the top beyond it; the user can zoom
out to the ceiling), so the usual part of the curve keeps a tenth of the
plot's height or more.

Only what is drawn is clamped: the history and the session file keep the
true values, and the header and the status bar show them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

PLOT_LIMIT = 1e200  # no drawn value above this (Qt drew up to ~1e305, then crashed)
OUTLIER_FACTOR = 1e3  # a loss over this many times the typical loss is drawn at the ceiling
VIEW_FACTOR = 10.0  # a linear axis fitted to the data shows at most this many times the typical


def typical_loss(values: ArrayLike) -> float | None:
    """The first of the finite positive ``values`` (None: there is none)."""
    ys = np.asarray(values, dtype=np.float64).ravel()
    ys = ys[np.isfinite(ys) & (ys > 0)]
    if len(ys) == 0:
        return None
    return float(ys[0])


def loss_ceiling(values: ArrayLike) -> float:
    """The highest loss the plot draws for a curve holding ``values``
    (:data:`PLOT_LIMIT` when there is no finite positive value)."""
    typical = typical_loss(values)
    if typical is None:
        return PLOT_LIMIT
    return float(min(typical * OUTLIER_FACTOR, PLOT_LIMIT))


def clamp_losses(values: ArrayLike, ceiling: float) -> Array:
    """``values`` as drawn: at most ``ceiling``, no lower than ``-PLOT_LIMIT``;
    NaN stays NaN (a gap), infinities are clamped like any other value."""
    ys = np.asarray(values, dtype=np.float64)
    top = min(ceiling, PLOT_LIMIT)
    return np.clip(ys, -PLOT_LIMIT, top)
