"""How big the network view's type and units are, and where the text around a
unit goes, for one view size and type scale (no Qt).

Text is measured by an injected :data:`Measure` function: Qt's font metrics in
the app, :func:`estimate_measure` (a deterministic upper bound) in tests.
:func:`fit_geometry` starts from the type size the view asks for and, where
the network would not fit, finds (by bisection) the largest at which the
densest layer fits: every unit with room for its name above it and its bias
beside or under it (a *reserved slot*, so no bias ever has to
give way), units no smaller than about half the type size, and the network
given at least about half the view's height. The bias goes under its unit
where there is room for it, else left of the circle (where only the unit's
incoming edges pass).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bpsim.model.notation import fmt
from bpsim.viewmodel.layout import Layout, layout_network
from bpsim.viewmodel.scene import Scene

# (text, pixel size, bold) -> (width, height) of the text as drawn (a name's
# number as a subscript, see bpsim.ui.network.style.rich_runs)
Measure = Callable[[str, int, bool], tuple[float, float]]

MIN_TEXT_PX = 10  # no label is smaller, whatever the view size or type scale
MIN_FONT_PX = 12.5  # the base size at which secondary text is MIN_TEXT_PX
MAX_FONT_PX = 48.0
LINE = 1.32  # a line of text (with a name's subscript) is at most this many pixel sizes high
ROOM_PROBE = -0.0001234  # written the widest way fmt writes an everyday number
MAX_ROOM = 0.25  # of the width at most, for the labels right of the output units
COMFORT = 1.1  # a unit's radius, in type sizes, below which the type shrinks
BISECTIONS = 7  # steps of the search for the largest type that fits
BELOW, LEFT = "below", "left"  # where a unit's bias goes


def estimate_measure(text: str, px: int, bold: bool) -> tuple[float, float]:
    """A deterministic, generous estimate of a text's size (for tests without Qt)."""
    return len(text) * (0.64 if bold else 0.6) * px, LINE * px


def text_px(px: float, floor: int = MIN_TEXT_PX) -> int:
    """The pixel size a label of nominal size ``px`` is set in (as the view's fonts)."""
    return max(floor, round(px))


def font_px_for(width: float, height: float, scale: float) -> float:
    """The base type size the view asks for: it follows the view size and the
    type scale, and never goes below :data:`MIN_FONT_PX`."""
    base = min(max(min(width / 72, height / 40), MIN_FONT_PX), MAX_FONT_PX)
    return max(base * scale, MIN_FONT_PX)


@dataclass(frozen=True, eq=False)
class ViewGeometry:
    """The view's type sizes (pixels), margins, layout and the reserved slots.

            ``bias_side[l]`` says where layer ``l``'s biases go (``"below"`` or
            ``"left"``; ``""`` for the input layer); ``show_name[l]`` whether its
            units are named above them, ``show_bias[l]`` whether its biases have their
        slot (the input layer has none), ``bias_dx[l]`` how far left of the
    unit's centre a bias left of it ends. ``fits`` is False when even the smallest type
            leaves no reserved slot for every bias (very large layers: their biases
            are then only in the tooltips).
    """

    width: float
    height: float
    font_px: float
    name_px: int
    small_px: int
    bias_px: int
    bias_h: float
    caption_px: int
    tag_px: int
    margins: tuple[float, float, float, float]
    layout: Layout
    ring_w: float
    name_gap: float
    bias_gap: float
    bias_side: tuple[str, ...]
    show_name: tuple[bool, ...]
    show_bias: tuple[bool, ...]
    bias_dx: tuple[float, ...]
    small_h: float
    captions_h: float
    fits: bool
    named: bool
    comfortable: bool

    @property
    def pitch(self) -> list[float]:
        """The distance between neighbouring units of each layer (inf for one unit)."""
        return [
            float(min(ys[1:] - ys[:-1])) if len(ys) > 1 else float("inf") for ys in self.layout.ys
        ]


def _output_lines(scene: Scene) -> list[tuple[str, int]]:
    """The texts right of the output units (each with 0 normal, 1 bold), with
    :data:`ROOM_PROBE` as their numbers, and the scene's own."""
    n = scene.sizes[-1]
    probe = [(f"t{n} = {fmt(ROOM_PROBE)}", 0), (f"E = {fmt(ROOM_PROBE)}", 0)]
    probe.append((f"δ = {fmt(ROOM_PROBE)}", 1))
    if scene.targets is not None:
        probe += [(f"t{j + 1} = {fmt(float(t))}", 0) for j, t in enumerate(scene.targets)]
    return probe


def output_room(scene: Scene, fp: float, width: float, avail_h: float, measure: Measure) -> float:
    """The width the labels right of the output units take (none where no line
    fits between the units; at most :data:`MAX_ROOM` of ``width``)."""
    small = text_px(0.8 * fp)
    sizes = [measure(text, small, bool(bold)) for text, bold in _output_lines(scene)]
    if avail_h / scene.sizes[-1] < 1.05 * max(h for _, h in sizes):
        return 0.0
    return min(max(w for w, _ in sizes) + 0.5 * fp, MAX_ROOM * width)


def _geometry_at(
    scene: Scene, width: float, height: float, fp: float, measure: Measure, legend: bool
) -> ViewGeometry:
    sizes = scene.sizes
    name_px, small_px = text_px(0.95 * fp), text_px(0.8 * fp)
    caption_px, tag_px = text_px(0.9 * fp), text_px(fp)
    small_h = measure("b = 0", small_px, False)[1]
    cap_h = measure("Output", caption_px, True)[1]
    captions_h = 0.3 * fp + 2 * cap_h + small_h + 0.35 * fp
    bottom = captions_h + (2.2 * fp if legend else 0.4 * fp)
    top = max(2.9 * fp, 1.3 * fp + measure("Forward", tag_px, True)[1])
    avail_h = max(height - top - bottom, 1.0)
    right = 1.4 * fp + output_room(scene, fp, width, avail_h, measure)
    margins = (1.0 * fp, top, right, bottom)
    avail_w = max(width - margins[0] - right, 1.0)

    ring_max = max(1.5, 0.2 * fp)  # a highlight ring's width at most
    name_gap = max(0.15 * fp, 1.4 * ring_max + 1.5)
    name_room = name_gap + LINE * name_px + 1.5
    bias_gap = 1.4 * ring_max + 1.0
    # dense layers set their biases smaller (not under MIN_TEXT_PX) rather than the whole picture
    bias_px = max(MIN_TEXT_PX, min(small_px, int((avail_h / max(sizes) - 3.0) / LINE)))
    bias_h = measure("b = 0", bias_px, False)[1]
    bias_room = bias_gap + bias_h + 1.5
    bias_w = measure(f"b = {fmt(ROOM_PROBE)}", bias_px, False)[0] + 0.6 * bias_px
    delta_w = measure(f"δ = {fmt(ROOM_PROBE)}", text_px(0.8 * fp), True)[0] + 0.6 * fp
    name_w = measure("h2_8", name_px, True)[0]

    n_max = max(sizes)
    dense = avail_h / n_max
    pitch_x = avail_w / max(len(sizes) - 1, 1)
    r0 = min(0.36 * dense, 0.14 * pitch_x, 3.0 * fp)
    r_min = max(0.45 * fp, 0.5 * small_h)
    names = True
    if (dense - name_room - bias_room) / 2 >= r_min:  # name above, bias under
        r = min(r0, (dense - name_room - bias_room) / 2)
    elif (dense - name_room) / 2 >= r_min:  # name above, bias left of the unit
        r = min(r0, (dense - name_room) / 2)
    else:  # no room for names in the densest layer: circles and biases only
        names = False
        r = max(min(r0, (dense - 2.0) / 2), 1.5)
    lay = layout_network(sizes, width, height, margins=margins, radius=r)
    pitches = [float(min(ys[1:] - ys[:-1])) if len(ys) > 1 else float("inf") for ys in lay.ys]
    show_name = tuple(
        (names and r >= r_min) or p - 2 * r >= name_room or n == 1
        for p, n in zip(pitches, sizes, strict=True)
    )
    texts = ["b = −0.000", *(f"b = {fmt(float(b))}" for b in scene.biases[-1])]
    out_bias_w = max(measure(text, bias_px, False)[0] for text in texts)
    sides = []
    for layer, p in enumerate(pitches):
        room = p - 2 * r - (name_room if show_name[layer] else 0.0)
        # under several output units, a wide bias would run into the lines right of them
        crowded = layer == len(sizes) - 1 and sizes[-1] > 1 and out_bias_w / 2 > r + 0.5 * fp
        sides.append("" if layer == 0 else BELOW if room >= bias_room and not crowded else LEFT)
    # a bias left of its unit ends left of the names (of the units below it
    # too) and stays clear of the layer before
    name_half = [
        0.5 * max(measure(name, name_px, True)[0] for name in names_of) + 3.0 if named else 0.0
        for names_of, named in zip(scene.unit_names, show_name, strict=True)
    ]
    bias_dx = tuple(max(r + bias_gap, half) for half in name_half)
    show_bias = tuple(
        side == BELOW
        or (
            side == LEFT
            and pitch_x - bias_dx[layer] - r >= 1.5 * bias_w + fp
            and pitches[layer] >= bias_h + 3.0
        )
        for layer, side in enumerate(sides)
    )
    comfortable = r >= COMFORT * fp or r >= 0.95 * r0  # units not dwarfed by their names
    fits = (
        all(shown for shown, side in zip(show_bias, sides, strict=True) if side)
        and r >= 3.0
        and avail_h >= 0.45 * height
        and pitch_x >= max(bias_w, name_w / 2 + delta_w) + 2 * r + fp
    )
    return ViewGeometry(
        width=float(width),
        height=float(height),
        font_px=fp,
        name_px=name_px,
        small_px=small_px,
        bias_px=bias_px,
        bias_h=bias_h,
        caption_px=caption_px,
        tag_px=tag_px,
        margins=margins,
        layout=lay,
        ring_w=max(1.5, min(0.2 * fp, 0.35 * r)),
        name_gap=name_gap,
        bias_gap=bias_gap,
        bias_side=tuple(sides),
        show_name=show_name,
        show_bias=show_bias,
        bias_dx=bias_dx,
        small_h=small_h,
        captions_h=captions_h,
        fits=fits,
        named=all(show_name) and r >= r_min,
        comfortable=comfortable,
    )


def fit_geometry(
    scene: Scene,
    width: float,
    height: float,
    scale: float,
    measure: Measure,
    *,
    legend: bool = True,
) -> ViewGeometry:
    """The largest type, up to what ``scale`` asks for, at which ``scene``'s
    network fits a ``width`` × ``height`` view (see the module's description)."""
    fp = font_px_for(width, height, scale)

    def good(g: ViewGeometry) -> bool:
        return g.fits and g.named and g.comfortable

    geo = _geometry_at(scene, width, height, fp, measure, legend)
    if good(geo) or fp <= MIN_FONT_PX:
        return geo
    low = _geometry_at(scene, width, height, MIN_FONT_PX, measure, legend)
    if not good(low):  # smaller type would not help the names (a very large layer)
        return geo if geo.fits or not low.fits else low
    lo, hi = MIN_FONT_PX, fp  # the largest type that fits lies between
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2
        g = _geometry_at(scene, width, height, mid, measure, legend)
        if good(g):
            lo, low = mid, g
        else:
            hi = mid
    return low


def type_steps(step: float, lowest: float, highest: float) -> Sequence[float]:
    """Every type scale reachable from 1 by steps of ``step`` within the bounds."""
    up = [1.0]
    while up[-1] * step < highest:
        up.append(up[-1] * step)
    down = [1.0]
    while down[-1] / step > lowest:
        down.append(down[-1] / step)
    return sorted({lowest, highest, *up, *down})


FONT_STEP = 1.15  # one press of Ctrl++ or Ctrl+−
FONT_SCALES = (0.6, 4.0)  # the smallest and the largest type, times normal
TYPE_STEPS: tuple[float, ...] = tuple(type_steps(FONT_STEP, *FONT_SCALES))
