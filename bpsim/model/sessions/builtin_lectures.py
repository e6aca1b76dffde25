"""The lectures that ship with the presets: the moments a lecturer shows, in order.

Frames are counted from 0 in the preset's first training step; steps from 0
(step ``n`` starts from the weights after ``n`` updates).
"""

from __future__ import annotations

from bpsim.model.sessions.lecture import Bookmark, Lecture, ViewSetting

_GRADIENTS = ViewSetting(edge_mode="gradients")
_WEIGHTS = ViewSetting(edge_mode="weights")

MAZUR = Lecture(
    "Backpropagation, step by step",
    (
        Bookmark(
            0,
            0,
            "The inputs",
            "Two inputs, 0.05 and 0.10; the targets 0.01 and 0.99.\n"
            "Every weight is on an edge: w1…w4 into the hidden layer, w5…w8 into the output.\n"
            "The biases 0.35 and 0.60 stay fixed in this example.",
            _WEIGHTS,
        ),
        Bookmark(
            0,
            1,
            "Forward: the weighted sum",
            "net_h1 = w1·i1 + w2·i2 + b1 = 0.3775.\n"
            "Each unit first adds up its inputs, each times the weight of its edge.",
        ),
        Bookmark(
            0,
            2,
            "Forward: the activation",
            "out_h1 = σ(0.3775) = 0.5933: the logistic function squashes the sum into 0…1.\n"
            "The same two operations, sum then squash, happen at every unit.",
        ),
        Bookmark(
            0,
            11,
            "The error",
            "E = ½(t − o)² summed over both outputs: 0.2748 + 0.0236 = 0.2984.\n"
            "Training means making this number smaller.",
        ),
        Bookmark(
            0,
            12,
            "The output delta",
            "δ_o1 = ∂E/∂out_o1 × ∂out_o1/∂net_o1 = 0.7414 × 0.1868 = 0.1385.\n"
            "The first two factors of the chain rule: how the error changes with the output, "
            "and how the output changes with its sum.",
            _GRADIENTS,
        ),
        Bookmark(
            0,
            14,
            "Three chain-rule factors",
            "∂E/∂w5 = 0.7414 × 0.1868 × 0.5933 = 0.0822.\n"
            "The third factor, ∂net_o1/∂w5, is out_h1: what came in along the edge.",
            _GRADIENTS,
        ),
        Bookmark(
            0,
            18,
            "The hidden delta uses the old weights",
            "δ_h1 gathers the output deltas back along w5 and w7: the weights as they were "
            "before this step (0.40 and 0.50), not the updated ones.\n"
            "Then times σ′(net_h1) = out_h1(1 − out_h1).",
            _GRADIENTS,
        ),
        Bookmark(
            0,
            28,
            "The updates",
            "w5⁺ = w5 − η·∂E/∂w5 = 0.40 − 0.5 × 0.0822 = 0.3589.\n"
            "All eight weights change at once, from the same gradients.",
            _WEIGHTS,
        ),
        Bookmark(
            10_000,
            11,
            "After 10,000 steps",
            "The same step repeated 10,000 times: the outputs are now 0.0159 and 0.9841 "
            "(targets 0.01 and 0.99) and the error is 0.0000351, down from 0.2984.\n"
            "The loss plot shows the way: steep at first, then ever flatter.",
            _WEIGHTS,
        ),
    ),
)

XOR = Lecture(
    "Why XOR needs a hidden layer",
    (
        Bookmark(
            0,
            0,
            "Four points no line separates",
            "XOR: output 1 when exactly one input is 1.\n"
            "A single neuron draws one straight line; no line puts (0,1) and (1,0) on one side "
            "and (0,0) and (1,1) on the other.",
            ViewSetting(panels=("formula", "data", "loss")),
        ),
        Bookmark(
            0,
            6,
            "Why a hidden layer",
            "Each hidden unit draws a line of its own; the output unit combines them.\n"
            "Three lines are enough to fence in the two classes.",
        ),
        Bookmark(
            0,
            138,
            "One step: four samples, one update",
            "Each sample's gradient was computed in turn; the update uses their mean.",
            _GRADIENTS,
        ),
        Bookmark(
            600,
            0,
            "The plateau",
            "600 steps in, the loss has barely moved: the hidden units still draw nearly the "
            "same line. Many networks sit on such a plateau before they find the way down.",
            _WEIGHTS,
        ),
        Bookmark(
            1_100,
            0,
            "The boundary forming",
            "The hidden units have split up: the data panel's boundary bends around the "
            "classes and every point is on its right side.",
            _WEIGHTS,
        ),
        Bookmark(
            2_000,
            0,
            "Solved",
            "After 2,000 steps the loss is 0.0055: XOR is learnt. The hidden layer turned a "
            "problem no line can solve into one a line can.",
            _WEIGHTS,
        ),
    ),
)

BUILTIN_LECTURES: dict[str, Lecture] = {"mazur": MAZUR, "xor": XOR}


def builtin_lecture(preset: str) -> Lecture | None:
    """The lecture that ships with ``preset``, if any."""
    return BUILTIN_LECTURES.get(preset)
