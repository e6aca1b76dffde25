"""Layers too dense to label every unit (the 64 pixels of an image): which
units' labels are shown, each clear of the others (the rest are in tooltips)."""

from __future__ import annotations

from collections.abc import Sequence

from bpsim.viewmodel.network.board import PlacedLabel


def spaced(names: Sequence[PlacedLabel]) -> list[tuple[int, PlacedLabel]]:
    """A layer's names, top to bottom, each clear of the one before: in a
    layer too dense to name every unit (64 pixels of an image), every few
    units are named, the first and the last always (the others in tooltips)."""
    kept: list[tuple[int, PlacedLabel]] = []
    for j, name in enumerate(names):
        if not kept or name.rect[1] >= kept[-1][1].rect[3]:
            kept.append((j, name))
    last = len(names) - 1
    if kept and kept[-1][0] != last:
        while len(kept) > 1 and names[last].rect[1] < kept[-1][1].rect[3]:
            kept.pop()
        kept.append((last, names[last]))
    return kept


def clear_of_each_other(
    groups: list[tuple[int, list[PlacedLabel]]], first: int | None
) -> list[tuple[int, list[PlacedLabel]]]:
    """The output units' label groups that keep clear of each other, top to
    bottom: the current frame's unit's (``first``) always, then every other
    that does not run into one kept (ten classes in a short view: every
    other caption; the rest are in the tooltips)."""

    def span(labels: list[PlacedLabel]) -> tuple[float, float]:
        return min(lab.rect[1] for lab in labels), max(lab.rect[3] for lab in labels)

    kept = [g for g in groups if g[0] == first and g[1]]
    for group in groups:
        if group[0] == first or not group[1]:
            continue
        top, bottom = span(group[1])
        if all(bottom <= span(k[1])[0] or top >= span(k[1])[1] for k in kept):
            kept.append(group)
    return sorted(kept, key=lambda g: g[0])
