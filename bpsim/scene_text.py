"""The text a scene shows on hover (no Qt): :func:`tooltip_text`."""

from __future__ import annotations

import numpy as np

from bpsim.model.notation import bias_name, fmt, weight_name
from bpsim.scene import Scene


def _value(x: float) -> str:
    return "not yet computed" if np.isnan(x) else fmt(float(x))


def tooltip_text(scene: Scene, hit: tuple[int, ...]) -> str:
    """What hovering a unit ``(layer, j)`` or an edge ``(layer, i, j)`` shows."""
    sizes = scene.sizes
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
    if layer == 0:
        return f"{name} (input)\nvalue = {_value(scene.out[0][j])}"
    lines = [
        name,
        f"net = {_value(scene.net[layer][j])}",
        f"out = {_value(scene.out[layer][j])}",
        f"δ = {_value(scene.delta[layer][j])}",
        f"{bias_name(sizes, layer, j)} = {_value(scene.biases[layer - 1][j])}",
    ]
    if layer == len(sizes) - 1 and scene.targets is not None:
        lines.append(f"target t{j + 1} = {_value(scene.targets[j])}")
    return "\n".join(lines)
