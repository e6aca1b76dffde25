"""How the network view words its numbers and names its units (no Qt).

:class:`ViewText` holds the digits setting (:class:`~bpsim.viewmodel.network.scene_text.Numbers`)
and the user's names for the input and output units (a data set's column
names, ``p(pass)``): :meth:`ViewText.named` puts the names into a scene,
:meth:`ViewText.tooltip` words a unit's or an edge's tooltip, input values
in the data's own units too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from bpsim.model.notation import DIGITS_RANGE
from bpsim.viewmodel.network.scene import Scene
from bpsim.viewmodel.network.scene_text import FOUR, Numbers, tooltip_text

ToRaw = Callable[[NDArray[np.float64]], NDArray[np.float64]]


@dataclass(frozen=True)
class ViewText:
    """Digits, unit names and the map to raw input values (``to_raw``)."""

    numbers: Numbers = FOUR
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    to_raw: ToRaw | None = None

    def with_digits(self, digits: int, decimals: bool = False) -> ViewText:
        lo, hi = DIGITS_RANGE
        return replace(self, numbers=Numbers(min(max(int(digits), lo), hi), bool(decimals)))

    def with_names(
        self, inputs: Sequence[str], outputs: Sequence[str], to_raw: ToRaw | None
    ) -> ViewText:
        return replace(self, inputs=tuple(inputs), outputs=tuple(outputs), to_raw=to_raw)

    def named(self, scene: Scene) -> Scene:
        """``scene`` with the units' names (those whose count fits its layers)."""
        inputs = self.inputs if len(self.inputs) == scene.sizes[0] else ()
        outputs = self.outputs if len(self.outputs) == scene.sizes[-1] else ()
        if (inputs, outputs) == (scene.input_captions, scene.output_captions):
            return scene
        return replace(scene, input_captions=inputs, output_captions=outputs)

    def tooltip(self, scene: Scene, hit: tuple[int, ...]) -> str:
        """The tooltip of unit ``(layer, j)`` or edge ``(layer, i, j)``."""
        raw = None
        if self.to_raw is not None and len(hit) == 2 and hit[0] == 0:
            seen = np.asarray(scene.out[0], dtype=np.float64).reshape(1, -1)
            raw = np.ravel(self.to_raw(seen)).tolist()
        return tooltip_text(scene, hit, self.numbers, raw)
