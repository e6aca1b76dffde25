"""The training speed: how many steps continuous training may run by now.

:data:`SPEEDS` lists the settings, from a few steps a second (watch the
boundary form at lecture pace) to ``None``, as fast as possible.
:class:`Pace` turns a setting and a clock reading into a number of steps:
by ``t`` seconds after the start at most ``rate * t + 1`` steps have run
(the first runs at once), and a stall (a slow repaint, a dragged window) is
not made up in one burst. The clock is the caller's, so tests drive it.
:func:`record_every` spaces the loss curve's points during training.
"""

from __future__ import annotations

import math

SPEEDS: tuple[int | None, ...] = (2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, None)
DEFAULT_SPEED = 100
MAX_CATCH_UP = 0.25  # seconds of steps made up after a stall, at most


def record_every(step: int) -> int:
    """How many steps apart continuous training plots the loss around
    ``step``: every step below 100, then 90 points a decade (every 10 steps
    from 100, every 100 from 1,000 ...), so the early descent is drawn in
    detail at any speed and a long run costs few evaluations."""
    digits = len(str(max(int(step), 0)))
    return 10 ** (digits - 2) if digits > 2 else 1


def speed_text(rate: int | None) -> str:
    """``20 steps per second`` or ``as fast as possible``."""
    if rate is None:
        return "as fast as possible"
    return f"{rate:,} step{'s' if rate != 1 else ''} per second".replace(",", "\u2009")


def speed_index(rate: int | None) -> int:
    """The index in :data:`SPEEDS` of ``rate``, or of the nearest setting."""
    if rate is None or rate <= 0:
        return len(SPEEDS) - 1
    finite = [s for s in SPEEDS if s is not None]
    return min(range(len(finite)), key=lambda k: abs(math.log(finite[k] / rate)))


class Pace:
    """Steps allowed at ``rate`` steps a second (None: no limit), from ``now`` on."""

    def __init__(self, rate: int | None, now: float) -> None:
        self.rate = rate
        self._start = now
        self.done = 0  # steps run since the start

    def restart(self, rate: int | None, now: float) -> None:
        """A new rate (or a new run), counted from ``now``."""
        self.rate, self._start, self.done = rate, now, 0

    def allowed(self, now: float) -> int | None:
        """Steps that may run now; None means as many as time allows."""
        if self.rate is None:
            return None
        due = math.floor(self.rate * max(now - self._start, 0.0)) + 1 - self.done
        cap = max(1, math.ceil(self.rate * MAX_CATCH_UP))
        if due > cap:  # a stall: forget the steps it cost instead of racing
            self._start = now - (self.done + cap - 1) / self.rate
            due = cap
        return max(due, 0)

    def record(self, steps: int) -> None:
        self.done += steps


FRAME_SECONDS = 1 / 32  # continuous training refreshes the view about 30 times a second
TRAIN_SHARE = 0.8  # of the time, at least, goes to training however slow a refresh is
MAX_SLICE = 0.1  # seconds of training between two refreshes, at most (10 refreshes a second)


class FrameBudget:
    """How long continuous training may run before the next refresh: what
    is left of a frame (:data:`FRAME_SECONDS`) after the refresh of the
    last frame (painting, the panels), so the view refreshes at a steady
    rate and the engine has the rest; but at least :data:`TRAIN_SHARE` of
    the time, so a slow refresh lowers the frame rate, not the training
    speed. Times are ``perf_counter`` seconds."""

    def __init__(self, frame: float = FRAME_SECONDS) -> None:
        self.frame = frame
        self.overhead = 0.0  # seconds a refresh takes, smoothed
        self._tick: float | None = None
        self._trained = 0.0

    def restart(self) -> None:
        self._tick, self._trained, self.overhead = None, 0.0, 0.0

    def slice(self, now: float) -> float:
        """The seconds of training the frame starting ``now`` may run."""
        if self._tick is not None:  # smoothed; one stall (a dialog, a first paint) soon forgotten
            spent = min(max(now - self._tick - self._trained, 0.0), MAX_SLICE)
            self.overhead = 0.5 * self.overhead + 0.5 * spent
        self._tick, self._trained = now, 0.0
        share = self.overhead * TRAIN_SHARE / (1.0 - TRAIN_SHARE)
        return min(max(self.frame - self.overhead, share), MAX_SLICE)

    def trained(self, seconds: float) -> None:
        """The frame's training took ``seconds``."""
        self._trained = seconds
