"""Showing another session in the window all at once, or not at all.

:meth:`Controller.load <bpsim.ui.window.controller.Controller.load>` builds
the new timeline first, then hands the new session to every view. Should a
view fail half-way (a setting the file holds that a widget cannot take), the
window would show a mix of both sessions. :func:`swap_in` checks the
session's settings first and, if loading fails all the same, puts the
window back exactly as it was (the same timeline, its checkpoints, frame,
loss curve and view options), then reports the error.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bpsim.model.sessions.session import Session, SettingValue
from bpsim.viewmodel.timeline import Granularity

if TYPE_CHECKING:
    from bpsim.ui.window.controller import Controller

MAX_FRAME = 10**9
EDGE_MODES = ("weights", "gradients")


def usable_settings(settings: dict[str, SettingValue]) -> dict[str, SettingValue]:
    """``settings`` without the window settings the window cannot take (a
    granularity it does not know, a frame beyond any trace); the rest as is."""
    out = dict(settings)
    granularity = out.get("granularity")
    if granularity is not None and granularity not in {g.value for g in Granularity}:
        del out["granularity"]
    if "edge_mode" in out and out["edge_mode"] not in EDGE_MODES:
        del out["edge_mode"]
    frame = out.get("frame")
    if frame is not None and not (
        isinstance(frame, int) and not isinstance(frame, bool) and 0 <= frame < MAX_FRAME
    ):
        del out["frame"]
    return out


def swap_in(c: Controller, session: Session, path: str | None) -> bool:
    """Show ``session`` (read from ``path``) in ``c``'s window; False if it
    could not be shown (the controller has said why, or the error is raised
    after the window is put back as it was)."""
    session.settings = usable_settings(session.settings)
    tl, old_path, title = c.timeline, c.session_path, c.w.windowTitle()
    cursor, history, plotted = tl.cursor, c.plot.history(), (c.plotted_until, c.last_point)
    granularity = c.controls.granularity.currentIndex()
    gradients = c.a["gradient_mode"].isChecked()
    try:
        return c.load(session, path)
    except Exception:
        failure = sys.exc_info()
    # put the window back on the old timeline, as it was
    after = tl.trainer.snapshot()
    tl.rewind_to_shown_step()
    c.load(tl.session, old_path)  # the views on the old data again
    c.timeline = tl  # and the very timeline, with its way back in time
    tl.trainer.restore(after)
    tl.seek(cursor)
    c.controls.granularity.setCurrentIndex(granularity)
    c.a["gradient_mode"].setChecked(gradients)
    c.plot.clear()
    c.plot.load_history(history)
    c.plotted_until, c.last_point = plotted
    c.w.setWindowTitle(title)
    c.refresh()
    raise failure[1].with_traceback(failure[2])  # type: ignore[union-attr]
