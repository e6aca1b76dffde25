"""The words of the formula card: a frame's title, position, numbers and
inputs as rich text."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bpsim.model.notation import DEFAULT_DIGITS, fmt
from bpsim.model.trace.frames import Frame, FrameKind, Phase
from bpsim.ui.panels.rich_text import formula_html, words
from bpsim.viewmodel.loss_view import position_text

PHASE_TITLES = {
    Phase.FORWARD: "Forward pass",
    Phase.LOSS: "Loss",
    Phase.BACKWARD: "Backward pass",
    Phase.UPDATE: "Update",
}

KIND_TITLES = {
    FrameKind.INPUT: "inputs and targets",
    FrameKind.NET: "weighted sum",
    FrameKind.OUT: "activation",
    FrameKind.LOSS_TERM: "output error",
    FrameKind.LOSS: "total error",
    FrameKind.OUTPUT_DELTA: "output delta",
    FrameKind.DELTA: "hidden delta",
    FrameKind.WEIGHT_CONTRIBUTION: "gradient share",
    FrameKind.BIAS_CONTRIBUTION: "gradient share",
    FrameKind.WEIGHT_GRADIENT: "weight gradient",
    FrameKind.BIAS_GRADIENT: "bias gradient",
    FrameKind.WEIGHT_UPDATE: "weight update",
    FrameKind.BIAS_UPDATE: "bias update",
}

# a mini-batch's gradient shares and gradients are means over its samples
BATCH_KIND_TITLES = {
    FrameKind.WEIGHT_CONTRIBUTION: "share of the mean gradient",
    FrameKind.BIAS_CONTRIBUTION: "share of the mean gradient",
    FrameKind.WEIGHT_GRADIENT: "mean weight gradient",
    FrameKind.BIAS_GRADIENT: "mean bias gradient",
    FrameKind.LOSS: "mean error",
}

MAX_INPUTS_SHOWN = 12  # more are summarised ("and 13 more"), all in the tooltip
MAX_TOOLTIP_INPUTS = 64  # the tooltip lists so many (a layer of 784 would not fit a screen)


@dataclass(frozen=True)
class Digits:
    """How numbers are written: ``count`` significant digits, or with
    ``decimals`` that many decimal places (as the worked example is published)."""

    count: int = DEFAULT_DIGITS
    decimals: bool = False

    def fmt(self, x: float) -> str:
        return fmt(x, self.count, decimals=self.decimals)

    def substituted(self, frame: Frame) -> str:
        return frame.substituted_at(self.count, decimals=self.decimals)


_SAMPLE = re.compile(r"sample \d+")
_SAMPLE_SUFFIX = re.compile(r"\s*\(sample \d+\)$")


def sample_text(frame: Frame, n_samples: int | None) -> str:
    """Which sample of a mini-batch the frame is of ("sample 2 of 4"), or
    "whole batch" (the mean gradient, the batch loss, the updates)."""
    batch = n_samples is not None and n_samples > 1
    if frame.sample is not None:
        return f"sample {frame.sample + 1}" + (f" of {n_samples}" if batch else "")
    return "whole batch" if batch else ""


def title_html(frame: Frame, n_samples: int | None, accent: str, muted: str) -> str:
    """ "Backward pass · layer 1 · hidden delta · δ_h1", the phase in ``accent``."""
    pieces = [words(sample_text(frame, n_samples))]
    if frame.kind in (FrameKind.NET, FrameKind.OUT, FrameKind.DELTA, FrameKind.OUTPUT_DELTA):
        pieces.append(words(f"layer {frame.layer}"))
    batch = n_samples is not None and n_samples > 1
    kind = BATCH_KIND_TITLES.get(frame.kind) if batch else None
    if frame.kind is FrameKind.LOSS and frame.sample is not None:
        kind = None  # a sample's own loss is its total error; the batch's is their mean
    pieces.append(words(kind or KIND_TITLES[frame.kind]))
    # the sample is said once: not again in the label ("E (sample 1)", "sample 1")
    label = _SAMPLE_SUFFIX.sub("", frame.label)
    if frame.kind not in (FrameKind.INPUT, FrameKind.LOSS) and not _SAMPLE.fullmatch(label):
        pieces.append(formula_html(label))
    parts = [f'<span style="color:{accent}">{words(PHASE_TITLES[frame.phase])}</span>']
    parts += [f'<span style="color:{muted}; font-weight:normal">{w}</span>' for w in pieces if w]
    return "&nbsp;· ".join(parts)  # a line may break after a dot, not before


_OPERATOR = re.compile(r" ([+−×=/]) ")


def _break_before_operators(rich: str) -> str:
    """Let a long line of numbers break only before an operator, never inside
    a term or between an operator and its operand."""
    return _OPERATOR.sub(lambda m: f" {m.group(1)}&nbsp;", rich)


def substituted_html(frame: Frame, digits: Digits = Digits()) -> str:
    """The formula with its numbers, the result in bold (kept on one line
    with its "=")."""
    text = digits.substituted(frame)
    head, sep, result = text.rpartition(" = ")
    if sep:
        result_html = f"=&nbsp;<b>{formula_html(result).replace(' ', '&nbsp;')}</b>"
        body = f"{_break_before_operators(formula_html(head))} {result_html}"
    else:
        body = _break_before_operators(formula_html(text))
    return f"=&nbsp;{body}" if "=" in frame.symbolic else body


def inputs_html(
    frame: Frame,
    muted: str,
    limit: int = MAX_INPUTS_SHOWN,
    digits: Digits = Digits(),
    notes: Mapping[str, str] | None = None,
) -> str:
    """The named values the frame reads, at most ``limit`` of them, each with
    its ``notes`` entry (what it is in the data's own terms) in brackets."""
    notes = notes or {}
    items = []
    for name, value in frame.inputs[:limit]:
        note = notes.get(name)
        aside = f' <span style="color:{muted}">({html.escape(note)})</span>' if note else ""
        items.append(
            f'<span style="color:{muted}">{formula_html(name)}</span>&nbsp;=&nbsp;'
            f"{html.escape(digits.fmt(value))}{aside}"
        )
    rest = len(frame.inputs) - min(limit, len(frame.inputs))
    if rest > 0:
        items.append(f'<span style="color:{muted}">and {rest} more (hover)</span>')
    return "&nbsp;&nbsp;&nbsp; ".join(items)


def inputs_tooltip(frame: Frame, notes: Mapping[str, str] | None = None) -> str:
    """Every input at full precision, with what it is in the data's terms (the
    first :data:`MAX_TOOLTIP_INPUTS` of a wide layer: a tooltip is one screen)."""
    if not frame.inputs:
        return ""
    notes = notes or {}
    rows = "".join(
        f"<tr><td>{formula_html(name)}</td><td>&nbsp;=&nbsp;</td><td>{value!r}</td>"
        f"<td>&nbsp;{html.escape(notes.get(name, ''))}</td></tr>"
        for name, value in frame.inputs[:MAX_TOOLTIP_INPUTS]
    )
    rest = len(frame.inputs) - MAX_TOOLTIP_INPUTS
    more = f"<tr><td colspan=4>and {rest} more</td></tr>" if rest > 0 else ""
    return f"<table>{rows}{more}</table>"


_UPDATED = re.compile(r"([^\s(]+)⁺·")  # "w5⁺·δ_o1": a weight read after its update


def order_note(frame: Frame) -> str:
    """At a hidden delta of the in-place update order, which weights it reads
    already updated ("w5⁺, w7⁺ already updated: in-place order"); else ""."""
    if frame.kind is not FrameKind.DELTA:
        return ""
    names = _UPDATED.findall(frame.symbolic)
    if not names:
        return ""
    shown = ", ".join(f"{n}⁺" for n in names[:3]) + (", …" if len(names) > 3 else "")
    return f"{shown} already updated: in-place order"


def order_note_html(frame: Frame, muted: str) -> str:
    """:func:`order_note` on a line of its own, muted (nothing without one)."""
    note = order_note(frame)
    if not note:
        return ""
    return f'<br><span style="color:{muted}; font-size:small">({formula_html(note)})</span>'


@dataclass(frozen=True)
class FrameWhere:
    """Where a frame sits: its training ``step``, the number of frames of
    the step and the number of samples of its batch (each may be unknown)."""

    step: int | None = None
    total: int | None = None
    n_samples: int | None = None


@dataclass(frozen=True)
class CardTexts:
    """What the card says about a frame (or, without one, its idle text)."""

    frame: Frame | None
    where: FrameWhere
    digits: Digits
    notes: Mapping[str, str]
    idle: str

    def html(self, accent: str, muted: str) -> tuple[dict[str, str], dict[str, str]]:
        """Each row's rich text, and the tooltips of those that have one."""
        frame = self.frame
        if frame is None:
            idle = f'<span style="color:{muted}">{html.escape(self.idle)}</span>'
            title = f'<span style="color:{muted}">Formula</span>'
            return {"title": title, "position": "", "symbolic": idle, "substituted": "",
                    "inputs": ""}, {}  # fmt: skip
        w, digits, notes = self.where, self.digits, self.notes
        position = html.escape(position_text(w.step, frame.index + 1, w.total))
        rows = {
            "title": title_html(frame, w.n_samples, accent, muted),
            "position": f'<span style="color:{muted}">{position}</span>',
            "symbolic": formula_html(frame.symbolic) + order_note_html(frame, muted),
            "substituted": substituted_html(frame, digits),
            "inputs": inputs_html(frame, muted, digits=digits, notes=notes),
        }
        exact = "" if frame.value is None else f"{formula_html(frame.label)} = {frame.value!r}"
        return rows, {"substituted": exact, "inputs": inputs_tooltip(frame, notes)}
