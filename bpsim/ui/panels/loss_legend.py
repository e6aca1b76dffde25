"""The loss plot's legend line: each series' colour key and latest value.

It sits above the plot, so it never hides a curve.
"""

from __future__ import annotations

from collections.abc import Mapping

from bpsim.model.notation import fmt

SERIES = ("train", "test", "accuracy")
LINE_KEY, DASH_KEY = "\u2501\u2501", "\u254d\u254d"


def legend_html(
    latest: Mapping[str, tuple[float, float] | None],
    colors: Mapping[str, str],
    labels: Mapping[str, str],
) -> str:
    """``step N`` and, per series with a point, its key, name and value.

    ``latest`` maps each series to its last ``(step, value)`` point or None.
    """
    train = latest.get("train")
    if train is None:
        return "No training steps yet"
    step = f"{int(train[0]):,}".replace(",", "\u2009")
    parts = [f"step&nbsp;<b>{step}</b>"]
    for name in SERIES:
        point = latest.get(name)
        if point is None:
            continue
        key = DASH_KEY if name == "accuracy" else LINE_KEY
        value = f"{point[1]:.1%}" if name == "accuracy" else fmt(point[1])
        label = labels[name].replace(" ", "&nbsp;")
        parts.append(
            f'<span style="color:{colors[name]}">{key}</span>&nbsp;{label}&nbsp;<b>{value}</b>'
        )
    return "&nbsp;&nbsp;&nbsp; ".join(parts)
