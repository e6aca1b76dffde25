"""For each number a trace shows, the frame at which it becomes known.

Worked out from the trace's layout (:mod:`bpsim.model.trace.layout`), not by
building its frames, so a step of millions of frames is indexed at once: a
unit's sums, activations and deltas in each sample's block, the gradients
and the updates once per step. The values are the numbers the frames show:
each sample's own pass (:meth:`~bpsim.model.trace.frames.Trace.sample_rows`),
the loss frames of the sample shown; the scene at any frame is then a
handful of vectorised comparisons ``known_at <= k``.
"""

from __future__ import annotations

import weakref

import numpy as np
from numpy.typing import NDArray

from bpsim.model.trace.frames import Trace
from bpsim.model.trace.layout import Part

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]

NEVER = np.iinfo(np.int64).max  # "known at" for a value no frame of the trace shows


class SampleOfFrame:
    """``sample_of_frame[k]``: the sample frame ``k`` shows (the last one
    for the frames about the whole batch)."""

    def __init__(self, period: int, n_samples: int) -> None:
        self._period, self._last = period, n_samples - 1

    def __getitem__(self, k: int) -> int:
        return min(int(k) // self._period, self._last)


class SampleValues:
    """The numbers one sample's frames show, and the frames that show them."""

    def __init__(self, index: TraceIndex, trace: Trace, s: int) -> None:
        zs, acts, deltas = trace.sample_rows(s)
        nan = [np.full(n, np.nan) for n in index.sizes]
        base = s * index.period
        self.values = {
            "net": [nan[0], *zs],
            "out": list(acts),
            "delta": [nan[0], *deltas],
        }
        self.known_at = {
            name: [np.full(index.sizes[0], 0 if name == "out" else NEVER, dtype=np.int64)]
            + [at + base for at in index.unit_at[name]]
            for name in ("net", "out", "delta")
        }
        n_out = index.sizes[-1]
        self.loss_terms = np.full(n_out, np.nan)
        self.loss_terms_at = np.full(n_out, NEVER, dtype=np.int64)
        if index.loss_terms_at is not None:
            self.loss_terms_at = index.loss_terms_at + base
            for j, k in enumerate(self.loss_terms_at.tolist()):
                value = trace.frames[k].value
                self.loss_terms[j] = np.nan if value is None else value
        self.loss_at = index.loss_at + base
        loss = trace.frames[self.loss_at].value
        self.loss = np.nan if loss is None else loss
        self.target = trace.Y[s]


class TraceIndex:
    """When each number of a trace is shown, and the numbers themselves.

    Built once per trace from its layout; the numbers of a sample are read
    when a frame of that sample is first shown (:meth:`sample`).
    """

    def __init__(self, trace: Trace) -> None:
        layout = trace.layout
        sizes = trace.sizes
        self.trace_ref = weakref.ref(trace)
        self.sizes = sizes
        self.n_frames = len(trace)
        self.n_samples = len(trace.X)
        self.batched = self.n_samples > 1
        self.period = layout.period
        self.train_biases = layout.train_biases
        self.sample_of_frame = SampleOfFrame(layout.period, self.n_samples)
        last = len(sizes) - 1
        self.unit_at: dict[str, list[IntArray]] = {"net": [], "out": [], "delta": []}
        for layer in range(1, last + 1):
            net_at, out_at = layout.unit_frames(layer)
            self.unit_at["net"].append(net_at)
            self.unit_at["out"].append(out_at)
            self.unit_at["delta"].append(layout.delta_frames(layer))
        terms = [seg for seg in layout.block if seg.part is Part.LOSS_TERMS]
        self.loss_terms_at = (
            terms[0].start + np.arange(sizes[-1], dtype=np.int64) if terms else None
        )
        self.loss_at = layout.segment(Part.LOSS_TOTAL, last).start
        self.batch_loss_at = layout.samples_end if self.batched else NEVER
        gradients = Part.MEAN_GRADIENTS if self.batched else Part.GRADIENTS
        self.grad_at: list[IntArray] = []
        self.bias_grad_at: list[IntArray] = []
        self.update_at: list[IntArray] = []
        self.bias_update_at: list[IntArray] = []
        for layer in range(1, last + 1):
            never = np.full(sizes[layer], NEVER, dtype=np.int64)
            w_at, b_at = layout.parameter_frames(gradients, layer)
            self.grad_at.append(w_at)
            self.bias_grad_at.append(never if b_at is None else b_at)
            w_at, b_at = layout.parameter_frames(Part.UPDATES, layer)
            self.update_at.append(w_at)
            self.bias_update_at.append(never if b_at is None else b_at)
        self.grad_values = [np.asarray(g, dtype=np.float64) for g in trace.grad_weights]
        self.bias_grad_values = [np.asarray(g, dtype=np.float64) for g in trace.grad_biases]
        self.weights_before = [np.asarray(w) for w in trace.weights_before]
        self.weights_after = [np.asarray(w) for w in trace.weights_after]
        self.biases_before = [np.asarray(b) for b in trace.biases_before]
        self.biases_after = [np.asarray(b) for b in trace.biases_after]
        every = [*self.weights_before, *self.weights_after]
        self.weight_scale = max(float(np.abs(w).max()) for w in every)
        self.gradient_scale = max(float(np.abs(g).max()) for g in self.grad_values)
        self._samples: dict[int, SampleValues] = {}

    def sample(self, s: int) -> SampleValues:
        """Sample ``s``'s numbers and when its frames show them (kept)."""
        values = self._samples.get(s)
        if values is None:
            trace = self.trace_ref()
            if trace is None:
                raise ReferenceError("the trace of this index is gone")
            values = self._samples[s] = SampleValues(self, trace, s)
        return values

    def loss_at_frame(self, k: int, sample: int) -> float:
        """The loss shown at frame ``k``: the batch mean once known, else the sample's."""
        if self.batch_loss_at <= k:
            trace = self.trace_ref()
            if trace is not None:
                return float(trace.loss)
        values = self.sample(sample)
        return float(values.loss) if values.loss_at <= k else float("nan")
