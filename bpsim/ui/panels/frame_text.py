"""The words of the formula card: a frame's title, position, numbers and
inputs as rich text."""

from __future__ import annotations

import html
import re

from bpsim.model.notation import fmt
from bpsim.model.trace.frames import Frame, FrameKind, Phase
from bpsim.ui.panels.rich_text import formula_html, words

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

MAX_INPUTS_SHOWN = 12  # more are summarised ("and 13 more"), all in the tooltip

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
    pieces.append(words(KIND_TITLES[frame.kind]))
    # the sample is said once: not again in the label ("E (sample 1)", "sample 1")
    label = _SAMPLE_SUFFIX.sub("", frame.label)
    if frame.kind not in (FrameKind.INPUT, FrameKind.LOSS) and not _SAMPLE.fullmatch(label):
        pieces.append(formula_html(label))
    parts = [f'<span style="color:{accent}">{words(PHASE_TITLES[frame.phase])}</span>']
    parts += [f'<span style="color:{muted}; font-weight:normal">{w}</span>' for w in pieces if w]
    return "&nbsp;· ".join(parts)  # a line may break after a dot, not before


def position_text(frame: Frame, step: int | None, total: int | None) -> str:
    """ "step 3 · frame 5 / 32"."""
    where = f"frame {frame.index + 1}"
    if total is not None:
        where += f"&thinsp;/&thinsp;{total}"
    return f"step {step} · {where}" if step is not None else where


def substituted_html(frame: Frame) -> str:
    """The formula with its numbers, the result in bold."""
    text = frame.substituted
    head, sep, result = text.rpartition(" = ")
    body = f"{formula_html(head)}{sep}<b>{formula_html(result)}</b>" if sep else formula_html(text)
    return f"= {body}" if "=" in frame.symbolic else body


def inputs_html(frame: Frame, muted: str, limit: int = MAX_INPUTS_SHOWN) -> str:
    """The named values the frame reads, at most ``limit`` of them."""
    shown = frame.inputs[:limit]
    items = [
        f'<span style="color:{muted}">{formula_html(name)}</span>&nbsp;=&nbsp;'
        f"{html.escape(fmt(value))}"
        for name, value in shown
    ]
    rest = len(frame.inputs) - len(shown)
    if rest > 0:
        items.append(f'<span style="color:{muted}">and {rest} more (hover)</span>')
    return "&nbsp;&nbsp;&nbsp; ".join(items)


def inputs_tooltip(frame: Frame) -> str:
    """Every input at full precision."""
    if not frame.inputs:
        return ""
    rows = "".join(
        f"<tr><td>{formula_html(name)}</td><td>&nbsp;=&nbsp;</td><td>{value!r}</td></tr>"
        for name, value in frame.inputs
    )
    return f"<table>{rows}</table>"
