"""The labels right of the output units (no Qt): each one's caption (what
it stands for in the user's terms, e.g. ``p(pass)``), target, loss term and
delta, as many as fit between the units, left-aligned right of it.
Where they would leave the view they go under a lone output unit where that
covers nothing, else stay right of it with shorter numbers
(:func:`~bpsim.viewmodel.network.scene_text.number_variants`); a line that fits no
way is left out (the tooltip has it). The current frame's own line is always
among the lines chosen; only if even its shortest number leaves the view is it
left to the callout and the tooltip."""

from __future__ import annotations

import numpy as np

from bpsim.model.trace.frames import FrameKind
from bpsim.viewmodel.network.board import Board, PlacedLabel, make_label
from bpsim.viewmodel.network.dense import clear_of_each_other
from bpsim.viewmodel.network.fit import BELOW, Measure, ViewGeometry
from bpsim.viewmodel.network.scene import Scene
from bpsim.viewmodel.network.scene_text import number_variants


class OutputLabels:
    """Places the output units' lines of ``scene`` on ``board``."""

    def __init__(self, scene: Scene, geo: ViewGeometry, board: Board, measure: Measure) -> None:
        self.scene, self.geo, self.board, self.m = scene, geo, board, measure
        self.lay = geo.layout
        self.r, self.fp = geo.layout.radius, geo.font_px
        self.num = geo.number

    def _text(self, name: str, v: float) -> str:
        return name if np.isnan(v) else f"{name} = {self.num(v)}"

    def place(self) -> None:
        scene, geo, lay, fp = self.scene, self.geo, self.lay, self.fp
        if not scene.output_captions and (scene.targets is None or scene.whole_batch):
            return
        x, end = float(lay.xs[-1]), lay.width - 0.3 * fp
        left = x + self.r + 0.5 * fp
        under = self.r + geo.bias_gap + geo.bias_h + 0.4 * fp  # under the bias
        current = self._current_output()
        n_out = scene.sizes[-1]
        groups: list[tuple[int, list[PlacedLabel]]] = []
        for j in range(n_out):
            y = float(lay.ys[-1][j])
            lines = self._output_lines(j)
            if not lines:
                continue
            labels = [
                make_label(
                    self._text(name, v),
                    geo.small_px,
                    self.m,
                    left,
                    0.0,
                    anchor="left",
                    bold=bold,
                    color=color,
                    role="output",
                    owner=(len(scene.sizes) - 1, j),
                    current=(j, name) == current,
                )
                for name, v, bold, color in lines
            ]
            step = max(lab.height for lab in labels) + 0.5
            keep = max(1, int(min(geo.pitch[-1] / (1.05 * step), len(labels))))
            chosen = list(range(keep))
            if current is not None and current[0] == j:  # the frame's line is always kept
                k = [ln[0] for ln in lines].index(current[1])
                if k >= keep:
                    chosen[-1] = k
            lines, labels = [lines[k] for k in chosen], [labels[k] for k in chosen]
            if any(lab.rect[2] > end for lab in labels):
                if n_out == 1 and self._moved_under(labels, x, y + under, step):
                    continue
                labels = [lab for lab in (self._shortened(lab, left, end) for lab in labels) if lab]
            top = y - step * len(labels) / 2
            if geo.bias_side[-1] == BELOW and geo.show_bias[-1]:  # keep above the bias
                bias_w = self.m(f"b = {self.num(float(scene.biases[-1][j]))}", geo.bias_px, False)[
                    0
                ]
                if x + bias_w / 2 > left:
                    top = min(top, y + self.r + geo.bias_gap - 2.0 - step * len(labels))
            groups.append(
                (j, [lab.moved_to(lab.rect[0], top + k * step) for k, lab in enumerate(labels)])
            )
        first = None if current is None else current[0]
        for _, labels in clear_of_each_other(groups, first):
            for lab in labels:
                self.board.add(lab)

    def _current_output(self) -> tuple[int, str] | None:
        f = self.scene.frame
        if f is None or f.unit is None or f.layer != len(self.scene.sizes) - 1:
            return None
        if f.kind is FrameKind.OUTPUT_DELTA:
            return f.unit, "δ"
        if f.kind is FrameKind.LOSS_TERM:
            return f.unit, "E"
        return None

    def _output_lines(self, j: int) -> list[tuple[str, float, bool, str]]:
        scene = self.scene
        lines = []
        if j < len(scene.output_captions):
            lines.append((scene.output_captions[j], np.nan, True, "secondary"))
        if scene.targets is None or scene.whole_batch:
            return lines
        lines.append((f"t{j + 1}", float(scene.targets[j]), False, "foreground"))
        term = np.nan if scene.loss_terms is None else float(scene.loss_terms[j])
        if not np.isnan(term):
            lines.append(("E", term, False, "foreground"))
        delta = float(scene.delta[-1][j])
        if not np.isnan(delta):
            lines.append(("δ", delta, True, "backward"))
        return lines

    def _moved_under(self, labels: list[PlacedLabel], x: float, top: float, step: float) -> bool:
        w, pad = max(lab.width for lab in labels), 0.3 * self.fp
        left = min(max(x - w / 2, pad), self.lay.width - pad - w)
        if not self.board.free((left, top, left + w, top + step * len(labels))):
            return False
        for k, lab in enumerate(labels):
            self.board.add(lab.moved_to(left, top + k * step))
        return True

    def _shortened(self, lab: PlacedLabel, left: float, end: float) -> PlacedLabel | None:
        if " = " not in lab.text:  # a caption: shortened with an ellipsis
            texts = [lab.text[:k] + "…" for k in range(len(lab.text) - 1, 1, -1)]
            name = ""
        else:
            name, value = lab.text.split(" = ", 1)
            scene_value = self._value_of(lab)
            texts = number_variants(scene_value, self.num) if scene_value is not None else [value]
        for text in texts:
            new = make_label(
                f"{name} = {text}" if name else text,
                lab.px,
                self.m,
                left,
                0.0,
                anchor="left",
                bold=lab.bold,
                color=lab.color,
                role=lab.role,
                owner=lab.owner,
                current=lab.current,
            )
            if new.rect[2] <= end:
                return new
        return None

    def _value_of(self, lab: PlacedLabel) -> float | None:
        j, name = lab.owner[1], lab.text.split(" = ", 1)[0]
        return next((v for n, v, _, _ in self._output_lines(j) if n == name), None)
