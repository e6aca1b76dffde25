"""How big the network view's type and units are, and where the text around a
unit goes, for one view size and type scale (no Qt).

Text is measured by an injected :data:`Measure` function: Qt's font metrics in
the app, :func:`estimate_measure` (a deterministic upper bound) in tests.
:func:`fit_geometry` starts from the type size the view asks for and, where
the network would not fit, finds (by bisection) the largest at which the
densest layer fits: every unit with room for its name and its bias beside
or under it (a *reserved slot*, so no name or bias ever has to give way),
units no smaller than about half the type size, and the network given at
least about half the view's height. A name goes above its unit where there
is room, else right of it (on its outgoing edges; an output unit's left of
it, its lines being on the right). The bias goes under its unit where there
is room for it, else left of the circle (where only the unit's incoming
edges pass). Numbers are reserved room as :class:`Numbers` writes them
(digits from 3 to 10); the input units' captions (column names) get a margin
left of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bpsim.model.notation import DEFAULT_DIGITS
from bpsim.viewmodel.network.layout import Layout, layout_network
from bpsim.viewmodel.network.scene import Scene
from bpsim.viewmodel.network.scene_text import FOUR, Numbers

# (text, pixel size, bold) -> (width, height) of the text as drawn (a name's
# number as a subscript, see bpsim.ui.network.style.rich_runs)
Measure = Callable[[str, int, bool], tuple[float, float]]

MIN_TEXT_PX = 10  # no label is smaller, whatever the view size or type scale
MIN_FONT_PX = 12.5  # the base size at which secondary text is MIN_TEXT_PX
MAX_FONT_PX = 48.0
LINE = 1.32  # a line of text (with a name's subscript) is at most this many pixel sizes high
BOX = 0.12  # what a box adds to a line's height, in pixel sizes (bpsim.viewmodel.network.board)
MAX_ROOM = 0.25  # of the width at most, for the labels right of the output units
SLOT_DIGITS = 5  # a bias's slot is as wide as a number of this many digits
MAX_INPUT_ROOM = 0.2  # of the width at most, for the input units' captions left of them
COMFORT = 1.1  # a unit's radius, in type sizes, below which the type shrinks
SCAN, BISECTIONS = 12, 5  # steps of the search for the largest type that fits
BELOW, LEFT = "below", "left"  # where a unit's bias goes
ABOVE, RIGHT = "above", "right"  # where a unit's name goes (or LEFT)


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
    ``"left"``; ``""`` for the input layer); ``name_side[l]`` where its units'
    names go (``"above"``, ``"right"`` or ``"left"``, in ``side_px`` beside a
    unit); ``show_bias[l]`` whether its biases have their slot (the input
    layer has none), ``bias_dx[l]`` how far left of the unit's centre a bias
    left of it ends. ``input_room`` is the margin the input captions take (in
    ``input_px``). ``fits`` is False when even the smallest type leaves no
    reserved slot for every bias (very large layers: their biases are then
    only in the tooltips). ``number`` writes the numbers; a bias's slot is
    ``bias_w`` wide (a number of :data:`SLOT_DIGITS` digits at most: a
    longer one is written shorter there, in full in its tooltip and callout).
    """

    width: float
    height: float
    font_px: float
    name_px: int
    small_px: int
    bias_px: int
    bias_h: float
    bias_w: float
    caption_px: int
    tag_px: int
    margins: tuple[float, float, float, float]
    layout: Layout
    ring_w: float
    name_gap: float
    bias_gap: float
    bias_side: tuple[str, ...]
    name_side: tuple[str, ...]
    side_px: int
    input_px: int
    input_room: float
    show_bias: tuple[bool, ...]
    bias_dx: tuple[float, ...]
    small_h: float
    captions_h: float
    fits: bool
    named: bool
    comfortable: bool
    number: Numbers = FOUR

    @property
    def show_name(self) -> tuple[bool, ...]:
        """Every unit is named, above it or beside it (:attr:`name_side`)."""
        return tuple(bool(side) for side in self.name_side)

    @property
    def pitch(self) -> list[float]:
        """The distance between neighbouring units of each layer (inf for one unit)."""
        return [
            float(min(ys[1:] - ys[:-1])) if len(ys) > 1 else float("inf") for ys in self.layout.ys
        ]


def _output_lines(scene: Scene, number: Numbers) -> list[tuple[str, int]]:
    """The texts right of the output units (each with 0 normal, 1 bold), with
    the widest everyday number as their numbers, and the scene's own."""
    n = scene.sizes[-1]
    probe = [(f"t{n} = {number.probe}", 0), (f"E = {number.probe}", 0)]
    probe.append((f"δ = {number.probe}", 1))
    if scene.targets is not None:
        probe += [(f"t{j + 1} = {number(float(t))}", 0) for j, t in enumerate(scene.targets)]
    probe += [(caption, 1) for caption in scene.output_captions]
    return probe


def output_room(
    scene: Scene, fp: float, width: float, avail_h: float, measure: Measure, number: Numbers = FOUR
) -> float:
    """The width the labels right of the output units take (none where no line
    fits between the units; at most :data:`MAX_ROOM` of ``width``)."""
    small = text_px(0.8 * fp)
    sizes = [measure(text, small, bool(bold)) for text, bold in _output_lines(scene, number)]
    if avail_h / scene.sizes[-1] < 1.05 * max(h for _, h in sizes):
        return 0.0
    return min(max(w for w, _ in sizes) + 0.5 * fp, MAX_ROOM * width)


def _input_room(scene: Scene, px: int, width: float, measure: Measure) -> float:
    """The width the input units' captions (column names) take left of them."""
    if not scene.input_captions:
        return 0.0
    widest = max(measure(text, px, False)[0] for text in scene.input_captions)
    return min(widest, MAX_INPUT_ROOM * width)


def _geometry_at(
    scene: Scene,
    width: float,
    height: float,
    fp: float,
    measure: Measure,
    legend: bool,
    number: Numbers,
    slot_digits: int = SLOT_DIGITS,
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
    # a slot holds a number of at most SLOT_DIGITS digits (longer ones are shortened)
    slot = Numbers(min(number.digits, slot_digits), number.decimals)
    right = 1.4 * fp + output_room(scene, fp, width, avail_h, measure, slot)
    # the input units' captions: as small as a dense input layer asks, never under MIN_TEXT_PX
    input_px = max(MIN_TEXT_PX, min(small_px, int((avail_h / sizes[0] - 3.0) / LINE)))
    input_room = _input_room(scene, input_px, width, measure)
    left = 1.0 * fp + (input_room + 0.6 * fp + 2.0 if input_room else 0.0)
    margins = (left, top, right, bottom)
    avail_w = max(width - margins[0] - right, 1.0)

    ring_max = max(1.5, 0.2 * fp)  # a highlight ring's width at most
    name_gap = max(0.15 * fp, 1.4 * ring_max + 1.5)
    name_room = name_gap + LINE * name_px + 1.5
    bias_gap = 1.4 * ring_max + 1.0
    # dense layers set their biases (and names beside them) smaller, not under MIN_TEXT_PX
    boxed_line = LINE + BOX  # a line in a box (as a bias or a name beside a unit)
    bias_px = max(MIN_TEXT_PX, min(small_px, int((avail_h / max(sizes) - 3.0) / boxed_line)))
    side_px = max(MIN_TEXT_PX, min(name_px, int((avail_h / max(sizes) - 3.0) / boxed_line)))
    bias_h = measure("b = 0", bias_px, False)[1]
    bias_room = bias_gap + bias_h + 1.5
    bias_w = measure(f"b = {slot.probe}", bias_px, False)[0] + 0.6 * bias_px
    delta_w = measure(f"δ = {slot.probe}", text_px(0.8 * fp), True)[0] + 0.6 * fp
    name_w = measure("h2_8", name_px, True)[0]

    n_max = max(sizes)
    dense = avail_h / n_max
    pitch_x = avail_w / max(len(sizes) - 1, 1)
    r0 = min(0.36 * dense, 0.14 * pitch_x, 3.0 * fp)
    r_min = max(0.45 * fp, 0.5 * small_h)
    above = True
    if (dense - name_room - bias_room) / 2 >= r_min:  # name above, bias under
        r = min(r0, (dense - name_room - bias_room) / 2)
    elif (dense - name_room) / 2 >= r_min:  # name above, bias left of the unit
        r = min(r0, (dense - name_room) / 2)
    else:  # no room above the units of the densest layer: names beside them
        above = False
        r = max(min(r0, (dense - 2.0) / 2), 1.5)
    lay = layout_network(sizes, width, height, margins=margins, radius=r)
    pitches = [float(min(ys[1:] - ys[:-1])) if len(ys) > 1 else float("inf") for ys in lay.ys]
    last = len(sizes) - 1
    name_side = tuple(
        ABOVE
        if (above and r >= r_min) or p - 2 * r >= name_room or n == 1
        else (LEFT if layer == last else RIGHT)  # right of the output units are their lines
        for layer, (p, n) in enumerate(zip(pitches, sizes, strict=True))
    )
    texts = ["b = −0.000", *(f"b = {number(float(b))}" for b in scene.biases[-1])]
    out_bias_w = max(measure(text, bias_px, False)[0] for text in texts)
    sides = []
    for layer, p in enumerate(pitches):
        room = p - 2 * r - (name_room if name_side[layer] == ABOVE else 0.0)
        # under several output units, a wide bias would run into the lines right of them
        crowded = layer == last and sizes[-1] > 1 and out_bias_w / 2 > r + 0.5 * fp
        below = room >= bias_room and not crowded and name_side[layer] == ABOVE
        sides.append("" if layer == 0 else BELOW if below else LEFT)
    # a bias left of its unit ends left of the names (of the units below it
    # too, or beside it) and stays clear of the layer before
    name_widths = [
        max(measure(name, name_px if side == ABOVE else side_px, True)[0] for name in names_of)
        + (0.0 if side == ABOVE else 0.6 * side_px)  # beside: in a box
        for names_of, side in zip(scene.unit_names, name_side, strict=True)
    ]
    bias_dx = tuple(
        max(r + bias_gap, 0.5 * w + 3.0)
        if side == ABOVE
        else r + bias_gap + (w + bias_gap if side == LEFT else 0.0)
        for w, side in zip(name_widths, name_side, strict=True)
    )
    # what the layer before puts right of its units: names beside them
    before = [0.0] + [
        w + bias_gap if side == RIGHT else 0.0
        for w, side in zip(name_widths[:-1], name_side[:-1], strict=True)
    ]
    show_bias = tuple(
        side == BELOW
        or (
            side == LEFT
            and pitch_x - bias_dx[layer] - r - before[layer]
            >= (1.0 if before[layer] else 1.25) * bias_w + fp
            and pitches[layer] >= bias_h + BOX * bias_px + 3.0
        )
        for layer, side in enumerate(sides)
    )
    beside_ok = all(
        side == ABOVE or p >= boxed_line * side_px + 3.0
        for p, side in zip(pitches, name_side, strict=True)
    )
    comfortable = r >= COMFORT * fp or r >= 0.95 * r0  # units not dwarfed by their names
    fits = (
        all(shown for shown, side in zip(show_bias, sides, strict=True) if side)
        and beside_ok
        and r >= 3.0
        and avail_h >= 0.45 * height
        # names above: a delta beside a name; beside: the names right of the layer before
        and pitch_x
        >= (bias_w + max(before) if any(before) else max(bias_w, name_w / 2 + delta_w)) + 2 * r + fp
    )
    return ViewGeometry(
        width=float(width),
        height=float(height),
        font_px=fp,
        name_px=name_px,
        small_px=small_px,
        bias_px=bias_px,
        bias_h=bias_h,
        bias_w=bias_w - 0.6 * bias_px,
        caption_px=caption_px,
        tag_px=tag_px,
        margins=margins,
        layout=lay,
        ring_w=max(1.5, min(0.2 * fp, 0.35 * r)),
        name_gap=name_gap,
        bias_gap=bias_gap,
        bias_side=tuple(sides),
        name_side=name_side,
        side_px=side_px,
        input_px=input_px,
        input_room=input_room,
        show_bias=show_bias,
        bias_dx=bias_dx,
        small_h=small_h,
        captions_h=captions_h,
        fits=fits,
        named=beside_ok and r >= r_min,
        comfortable=comfortable,
        number=number,
    )


def fit_geometry(
    scene: Scene,
    width: float,
    height: float,
    scale: float,
    measure: Measure,
    *,
    legend: bool = True,
    number: Numbers = FOUR,
) -> ViewGeometry:
    """The largest type, up to what ``scale`` asks for, at which ``scene``'s
    network fits a ``width`` × ``height`` view (see the module's description),
    with numbers written by ``number`` (slots for numbers of
    :data:`SLOT_DIGITS` digits, or of four where those do not fit)."""
    geo = _fit(scene, width, height, scale, measure, legend, number, SLOT_DIGITS)
    if geo.fits or min(number.digits, SLOT_DIGITS) <= DEFAULT_DIGITS:
        return geo
    return _fit(scene, width, height, scale, measure, legend, number, DEFAULT_DIGITS)


def _fit(
    scene: Scene,
    width: float,
    height: float,
    scale: float,
    measure: Measure,
    legend: bool,
    number: Numbers,
    slot_digits: int,
) -> ViewGeometry:
    fp = font_px_for(width, height, scale)

    def good(g: ViewGeometry) -> bool:
        return g.fits and g.named and g.comfortable

    def at(px: float) -> ViewGeometry:
        return _geometry_at(scene, width, height, px, measure, legend, number, slot_digits)

    geo = at(fp)
    if good(geo) or fp <= MIN_FONT_PX:
        return geo
    # not monotonic (names go above the units or beside them): scan down, then refine
    hi, low = fp, None
    for k in range(1, SCAN + 1):
        px = fp * (MIN_FONT_PX / fp) ** (k / SCAN)
        g = at(px)
        if good(g):
            low = g
            break
        hi = px
    if low is None:  # smaller type would not help the names (a very large layer)
        smallest = g
        return geo if geo.fits else smallest
    lo = low.font_px  # the largest type that fits lies between lo and hi
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2
        g = at(mid)
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
