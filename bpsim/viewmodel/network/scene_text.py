"""The text a scene shows (no Qt): :func:`tooltip_text` on hover,
:func:`frame_title` over the picture, :func:`gradient_note` in the legend
when there are no gradients to show, and :func:`number_variants`, ever
shorter ways to write a number for a label with little room; :class:`Numbers`,
how many digits every number of the view has."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bpsim.model.notation import DEFAULT_DIGITS, MINUS, bias_name, fmt, weight_name
from bpsim.viewmodel.network.scene import Scene

ROOM_PROBE = -0.000123456789012345  # written the widest way fmt writes an everyday number


@dataclass(frozen=True)
class Numbers:
    """How the view writes numbers: ``digits`` significant figures, or with
    ``decimals`` that many decimal places (as :func:`bpsim.model.notation.fmt`)."""

    digits: int = DEFAULT_DIGITS
    decimals: bool = False

    def __call__(self, x: float) -> str:
        return fmt(float(x), self.digits, decimals=self.decimals)

    @property
    def probe(self) -> str:
        """The widest everyday number at this setting (to reserve room for one)."""
        return self(ROOM_PROBE)


FOUR = Numbers()

OF_SAMPLE = re.compile(r"\s*\(sample \d+\)$")  # "E (sample 2)": the title says which sample


def frame_title(scene: Scene) -> str:
    """The title of the scene's frame: its phase, its label and, in a
    mini-batch, which sample it is of or that it is about the whole batch
    ('' without a frame)."""
    frame = scene.frame
    if frame is None:
        return ""
    label = OF_SAMPLE.sub("", frame.label)
    pieces = [str(frame.phase).capitalize()]
    if label and not (scene.sample is not None and label.startswith("sample ")):
        pieces.append(label)
    if scene.whole_batch:
        pieces.append("whole batch")
    elif scene.sample is not None:
        pieces.append(f"sample {scene.sample + 1} of {scene.n_samples}")
    return " · ".join(pieces)


def gradient_note(scene: Scene) -> str:
    """What the legend says when edges are to show gradients and none is known
    yet at this moment ('' otherwise): the view then draws the weights faintly."""
    if scene.mode != "gradients" or any(np.isfinite(g).any() for g in scene.gradients):
        return ""
    if scene.frame is None:
        return "no gradients outside a traced step"
    phase = str(scene.frame.phase)
    return "no gradients yet at this frame" + (f" ({phase} pass)" if phase == "forward" else "")


def _written(text: str) -> str:
    """Python's number text as :func:`fmt` writes it: ``1.2e-05`` → ``1.2e−5``."""
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    return text.replace("-", MINUS)


def number_variants(x: float, number: Callable[[float], str] = FOUR) -> list[str]:
    """``number(x)``, then ever shorter ways to write ``x`` with as many
    significant digits as they can keep, plain or in scientific notation
    (``−0.0003678``, ``−3.678e−4``, ``−3.68e−4``, ``−3.7e−4``, ``−4e−4``)."""
    x = float(x)
    if x == 0 or not np.isfinite(x):
        return [number(x)]
    out = [number(x)]
    for digits in (9, 8, 7, 6, 5, 4, 3, 2, 1):
        for text in (f"{x:.{digits}g}", f"{x:.{digits - 1}e}"):
            if len(t := _written(text)) < len(out[-1]):
                out.append(t)
    return out


def tooltip_text(
    scene: Scene,
    hit: tuple[int, ...],
    number: Callable[[float], str] = FOUR,
    raw_inputs: Sequence[float] | None = None,
) -> str:
    """What hovering a unit ``(layer, j)`` or an edge ``(layer, i, j)`` shows
    (numbers written by ``number``; an input unit's value in the data's own
    units too, given ``raw_inputs``, and its column name, given the scene's
    :attr:`~bpsim.viewmodel.network.scene.Scene.input_captions`)."""
    sizes = scene.sizes

    def _value(x: float) -> str:
        return "not yet computed" if np.isnan(x) else number(float(x))

    if len(hit) == 3:
        layer, i, j = hit
        name = weight_name(sizes, layer, i, j)
        src, dst = scene.unit_names[layer - 1][i], scene.unit_names[layer][j]
        return (
            f"{name}: {src} → {dst}\nweight = {_value(scene.weights[layer - 1][i, j])}\n"
            f"∂E/∂{name} = {_value(scene.gradients[layer - 1][i, j])}"
        )
    layer, j = hit
    name = scene.unit_names[layer][j]
    of_sample = ""
    if scene.whole_batch and scene.sample is not None:
        of_sample = f"\n(values of sample {scene.sample + 1} of {scene.n_samples}, not the batch)"
    if layer == 0:
        caption = scene.input_captions[j] if j < len(scene.input_captions) else ""
        head = f"{name}: {caption} (input)" if caption else f"{name} (input)"
        seen = _value(scene.out[0][j])
        if raw_inputs is None or np.isnan(raw_inputs[j]) or not caption:
            return f"{head}\nvalue = {seen}{of_sample}"
        raw = f"{caption} = {number(float(raw_inputs[j]))}"
        return f"{head}\n{raw}\nthe network sees {name} = {seen} (standardized){of_sample}"
    out_caption = ""
    if layer == len(sizes) - 1 and j < len(scene.output_captions):
        out_caption = scene.output_captions[j]
    lines = [
        f"{name}: {out_caption}" if out_caption else name,
        f"net = {_value(scene.net[layer][j])}",
        f"out = {_value(scene.out[layer][j])}",
        f"δ = {_value(scene.delta[layer][j])}",
        f"{bias_name(sizes, layer, j)} = {_value(scene.biases[layer - 1][j])}",
    ]
    if layer == len(sizes) - 1 and scene.targets is not None:
        lines.append(f"target t{j + 1} = {_value(scene.targets[j])}")
    return "\n".join(lines) + of_sample
