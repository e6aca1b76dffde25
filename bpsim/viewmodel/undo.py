"""Edits of what the network learns from, and undoing and redoing them.

An :class:`Edit` is data: what changed (a weight, a bias, the learning
rate), at which step, the old value and the new. Applying one goes to its
step and redoes that step with the value (as
:meth:`~bpsim.viewmodel.timeline.Timeline.set_parameter` does), so undoing
restores the parameters, the frames and the loss bit for bit. The
:class:`UndoStack` keeps at most ``limit`` edits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Protocol

from bpsim.model.engine.network import Network

Kind = Literal["weight", "bias", "lr"]
LIMIT = 200  # edits kept for undo


class EditableTimeline(Protocol):
    """What an edit needs of a timeline (:class:`~bpsim.viewmodel.timeline.Timeline`)."""

    @property
    def step(self) -> int: ...

    def go_to_step(self, step: int, *, at_end: bool = False) -> None: ...

    def net_before_step(self) -> Network: ...

    def set_parameter(self, layer: int, i: int, j: int | None, value: float) -> None: ...

    def set_learning_rate(self, lr: float) -> None: ...


@dataclass(frozen=True)
class Edit:
    """One change: ``where`` is ``(layer, i, j)`` for the weight from unit
    ``i`` of layer ``layer - 1`` to unit ``j`` of layer ``layer``, ``(layer,
    j)`` for the bias of unit ``j``, ``()`` for the learning rate."""

    kind: Kind
    step: int
    where: tuple[int, ...]
    old: float
    new: float
    name: str = ""  # as the network view names it ("w5: h1 → o1", "b_o1")

    @property
    def label(self) -> str:
        """What the Edit menu calls it ("Undo w5: h1 → o1")."""
        if self.name:
            return self.name
        if self.kind == "lr":
            return "Learning Rate"
        if self.kind == "bias":
            return f"Bias b({self.where[0]}: {self.where[1] + 1})"
        layer, i, j = self.where
        return f"Weight w({layer}: {i + 1}→{j + 1})"


def edit_kind(hit: tuple[int, ...]) -> Kind | None:
    """The kind of value a unit ``(layer, j)`` or edge ``(layer, i, j)`` of the
    network view holds that can be edited (None: an input unit)."""
    if len(hit) == 3:
        return "weight"
    if len(hit) == 2 and hit[0] >= 1:
        return "bias"
    return None


def current_value(timeline: EditableTimeline, kind: Kind, where: tuple[int, ...]) -> float:
    """The value as the shown step starts."""
    if kind == "lr":
        raise ValueError("the learning rate is read from the controls")
    net = timeline.net_before_step()
    if kind == "bias":
        return float(net.biases[where[0] - 1][where[1]])
    layer, i, j = where
    return float(net.weights[layer - 1][i, j])


def parse_value(text: str) -> float:
    """A typed value as a finite float; ValueError with a message for the user."""
    cleaned = text.strip().replace("−", "-").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(
            f"“{text.strip()}” is not a number; type one like 0.5 or -1.2e-3"
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"“{text.strip()}” is not a finite number; type one like 0.5 or -1.2e-3")
    return value


def apply(timeline: EditableTimeline, edit: Edit, value: float) -> None:
    """Set the edited thing to ``value`` at the edit's step and redo that step."""
    if timeline.step != edit.step:
        timeline.go_to_step(edit.step)
    if edit.kind == "lr":
        timeline.set_learning_rate(value)
    elif edit.kind == "bias":
        timeline.set_parameter(edit.where[0], edit.where[1], None, value)
    else:
        layer, i, j = edit.where
        timeline.set_parameter(layer, i, j, value)


class UndoStack:
    """Edits done (to undo) and undone (to redo), at most ``limit`` of each."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.done: list[Edit] = []
        self.undone: list[Edit] = []

    def push(self, edit: Edit) -> None:
        """Record an edit already applied; the edits undone are forgotten."""
        self.done.append(edit)
        del self.done[: -self.limit]
        self.undone.clear()

    def clear(self) -> None:
        self.done.clear()
        self.undone.clear()

    def take_undo(self) -> Edit | None:
        """Move the last edit done to the undone, to be set back to its ``old``."""
        if not self.done:
            return None
        self.undone.append(self.done.pop())
        return self.undone[-1]

    def take_redo(self) -> Edit | None:
        """Move the last edit undone back to the done, to be set to its ``new``."""
        if not self.undone:
            return None
        self.done.append(self.undone.pop())
        return self.done[-1]

    def undo(self, timeline: EditableTimeline) -> Edit | None:
        """Undo the last edit (None: nothing to undo)."""
        edit = self.take_undo()
        if edit is not None:
            apply(timeline, edit, edit.old)
        return edit

    def redo(self, timeline: EditableTimeline) -> Edit | None:
        """Redo the last edit undone (None: nothing to redo)."""
        edit = self.take_redo()
        if edit is not None:
            apply(timeline, edit, edit.new)
        return edit
