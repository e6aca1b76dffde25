"""A fully connected network in float64, with its loss and exact gradients.

All parameters live in one flat vector; ``weights[l]`` and ``biases[l]`` are
views into it, so that an optimizer updates every parameter with one
vectorised operation and checks the result for divergence in one call.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, SupportsIndex, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.model.engine.activations import Activation, get_activation, ones
from bpsim.model.engine.divergence import NO_LIMITS, DivergenceLimits
from bpsim.model.engine.init import get_initialiser
from bpsim.model.engine.losses import REQUIRED_OUTPUT, Loss, get_loss
from bpsim.model.engine.optimizers import SGD, Optimizer
from bpsim.model.engine.threads import blas_threads_for
from bpsim.model.engine.update_order import (
    Propose,
    backward_in_place,
    check_update_order,
    sgd_proposer,
)
from bpsim.model.errors import quiet_fp

if TYPE_CHECKING:
    from bpsim.model.trace.frames import Trace

Array = NDArray[np.float64]
_NO_STATE: Mapping[str, Array] = {}


class ParameterList(list[Array]):
    """A list of views into the network's parameter vector.

    Assigning an element copies the new values into the existing view (the
    shape must match), so ``net.weights[0] = w`` and ``net.weights[0][...] = w``
    both change the network.
    """

    @overload
    def __setitem__(self, index: SupportsIndex, value: Array, /) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Iterable[Array], /) -> None: ...
    def __setitem__(self, index: SupportsIndex | slice, value: object, /) -> None:
        if isinstance(index, slice):
            raise TypeError("assign parameters one layer at a time")
        target = self[index]
        new = np.asarray(value, dtype=np.float64)
        if new.shape != target.shape:
            raise ValueError(f"expected shape {target.shape}, got {new.shape}")
        target[...] = new


class Network:
    """A fully connected feed-forward network.

    ``sizes`` lists the units per layer, the input layer first. ``activations``
    is one name for every layer or one name per non-input layer. ``loss`` is
    ``"mse"``, ``"bce"`` (sigmoid output) or ``"cross_entropy"`` (softmax
    output). ``l1`` and ``l2`` add λ·Σ|w| and ½λ·Σw² over the weights (not the
    biases) to the loss. With ``train_biases=False`` updates leave the biases
    as they are, as the classic worked example does. ``params``, a flat vector
    laid out as :attr:`params`, gives explicit starting values instead of
    drawing them with ``init``.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activations: str | Sequence[str] = "sigmoid",
        loss: str = "mse",
        seed: int | None = None,
        *,
        init: str = "xavier",
        l1: float = 0.0,
        l2: float = 0.0,
        train_biases: bool = True,
        params: ArrayLike | None = None,
    ) -> None:
        self.sizes: tuple[int, ...] = tuple(int(s) for s in sizes)
        if len(self.sizes) < 2 or any(s < 1 for s in self.sizes):
            raise ValueError("sizes needs at least two layers, each with one unit or more")
        n_layers = len(self.sizes) - 1
        names = [activations] * n_layers if isinstance(activations, str) else list(activations)
        if len(names) != n_layers:
            raise ValueError(f"expected {n_layers} activation names (one per non-input layer)")
        self.activation_names: tuple[str, ...] = tuple(names)
        self.activations: tuple[Activation, ...] = tuple(get_activation(n) for n in names)
        for act in self.activations[:-1]:
            if act.output_only:
                raise ValueError(f"{act.name} is allowed on the output layer only")
        self.loss_name = loss
        self._loss: Loss = get_loss(loss)
        needed = REQUIRED_OUTPUT.get(loss)
        if needed is not None and self.activation_names[-1] != needed:
            raise ValueError(f"the {loss} loss needs a {needed} output layer")
        if needed is None and self.activation_names[-1] == "softmax" and self.sizes[-1] < 2:
            raise ValueError("a softmax output layer needs two units or more")
        if l1 < 0 or l2 < 0:
            raise ValueError("regularization strengths must be non-negative")
        self.l1 = float(l1)
        self.l2 = float(l2)
        self.train_biases = bool(train_biases)
        self.seed = seed
        self.init_name = init

        self._w_slices: list[slice] = []
        self._b_slices: list[slice] = []
        offset = 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            self._w_slices.append(slice(offset, offset + n_in * n_out))
            offset += n_in * n_out
            self._b_slices.append(slice(offset, offset + n_out))
            offset += n_out
        self.params: Array = np.zeros(offset)
        self.weights = ParameterList(self._weight_views(self.params))
        self.biases = ParameterList(self._bias_views(self.params))
        self._scratch = np.empty(offset)
        self._scratch_w = self._weight_views(self._scratch)
        self._scratch_b = self._bias_views(self._scratch)
        self._bias_mask = np.ones(offset)
        for s in self._b_slices:
            self._bias_mask[s] = 0.0
        self._zeros = np.zeros(offset)  # new · 0 is finite iff every entry of new is
        self._l2_cache: tuple[float, Array] = (0.0, self._zeros)
        self._largest_product = max(a * b for a, b in itertools.pairwise(self.sizes))
        if params is None:
            self.initialise(seed, init)
        else:
            get_initialiser(init)  # still a valid name, for copies and session files
            self.set_params(params)

    # -- parameters ---------------------------------------------------------

    def _weight_views(self, flat: Array) -> list[Array]:
        shapes = zip(self.sizes[:-1], self.sizes[1:], strict=True)
        return [flat[s].reshape(shape) for s, shape in zip(self._w_slices, shapes, strict=True)]

    def _bias_views(self, flat: Array) -> list[Array]:
        return [flat[s] for s in self._b_slices]

    def initialise(self, seed: int | None = None, init: str | None = None) -> None:
        """Draw new weights with the named initialiser; biases start at zero."""
        make = get_initialiser(init or self.init_name)
        rng = np.random.default_rng(seed)
        for w in self.weights:
            w[...] = make(rng, *w.shape)
        for b in self.biases:
            b[...] = 0.0

    @property
    def n_layers(self) -> int:
        """Number of weight layers (the input layer does not count)."""
        return len(self.sizes) - 1

    def copy(self) -> Network:
        """An independent network with the same settings and parameters."""
        other = Network(
            self.sizes,
            self.activation_names,
            self.loss_name,
            self.seed,
            init=self.init_name,
            l1=self.l1,
            l2=self.l2,
            train_biases=self.train_biases,
            params=self.params,
        )
        return other

    def set_params(self, flat: ArrayLike) -> None:
        """Replace every parameter from a flat vector (as in ``params``)."""
        new = np.asarray(flat, dtype=np.float64)
        if new.shape != self.params.shape:
            raise ValueError(f"expected {self.params.size} parameters, got {new.size}")
        self.params[...] = new

    # -- computation --------------------------------------------------------

    def _check_input(self, X: ArrayLike) -> Array:
        arr = np.asarray(X, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != self.sizes[0]:
            raise ValueError(f"inputs must have shape (n, {self.sizes[0]}), got {arr.shape}")
        return arr

    def _check_target(self, Y: ArrayLike, n: int) -> Array:
        arr = np.asarray(Y, dtype=np.float64)
        if arr.ndim == 1 and self.sizes[-1] == 1:
            arr = arr[:, None]
        if arr.shape != (n, self.sizes[-1]):
            raise ValueError(f"targets must have shape ({n}, {self.sizes[-1]}), got {arr.shape}")
        return arr

    def forward_cache(self, X: Array) -> tuple[list[Array], list[Array]]:
        """Pre-activations ``zs`` (one per weight layer) and activations
        ``acts`` (the input first, then one per weight layer)."""
        acts = [X]
        zs = []
        a = X
        for w, b, act in zip(self.weights, self.biases, self.activations, strict=True):
            z = a @ w + b
            a = act.function(z)
            zs.append(z)
            acts.append(a)
        return zs, acts

    def forward(self, X: ArrayLike) -> Array:
        """The network's outputs for inputs of shape ``(n, sizes[0])``."""
        x = self._check_input(X)
        with quiet_fp(), self.blas_threads(len(x)):
            return self.forward_cache(x)[1][-1]

    def _l2_mask(self) -> Array:
        """λ₂ on the weights, 0 on the biases (kept while λ₂ stays)."""
        if self._l2_cache[0] != self.l2:
            self._l2_cache = (self.l2, self.l2 * self._bias_mask)
        return self._l2_cache[1]

    def _regularization(self) -> float:
        total = 0.0
        if self.l1:
            total += self.l1 * sum(float(np.abs(w).sum()) for w in self.weights)
        if self.l2:
            total += 0.5 * self.l2 * sum(float(np.vdot(w, w)) for w in self.weights)
        return total

    def loss(self, X: ArrayLike, Y: ArrayLike) -> float:
        """Mean loss over the batch, plus the regularization terms."""
        x = self._check_input(X)
        y = self._check_target(Y, len(x))
        with quiet_fp(), self.blas_threads(len(x)):
            zs, acts = self.forward_cache(x)
            return self._loss.value(zs[-1], acts[-1], y) + self._regularization()

    def backward(
        self, zs: list[Array], acts: list[Array], y: Array, *, scratch: bool = False,
        propose: Propose | None = None,
    ) -> tuple[list[Array], Array]:  # fmt: skip
        """The deltas dE/dz of every layer and the flat gradient vector.

        With ``scratch`` the gradient is written into a buffer the network
        reuses (valid until the next call): the training loop's fast path.
        With ``propose``, the in-place order (see :mod:`.update_order`).
        """
        if propose is not None:
            return backward_in_place(self, zs, acts, y, propose, scratch)
        if scratch:
            grad, gw, gb = self._scratch, self._scratch_w, self._scratch_b
        else:
            grad = np.empty_like(self.params)
            gw = self._weight_views(grad)
            gb = self._bias_views(grad)
        delta = self._loss.output_delta(zs[-1], acts[-1], y, self.activations[-1])
        deltas = [delta]
        column_sums = ones(len(y))  # one BLAS call, not a slower sum(axis=0)
        for layer in range(self.n_layers - 1, -1, -1):
            np.dot(acts[layer].T, delta, out=gw[layer])
            np.dot(column_sums, delta, out=gb[layer])
            if layer == 0:
                break
            g = delta @ self.weights[layer].T
            act = self.activations[layer - 1]
            assert act.derivative is not None  # softmax is output-only
            delta = g * act.derivative(zs[layer - 1], acts[layer])
            deltas.append(delta)
        deltas.reverse()
        if self.l2:  # λ₂·w on every weight at once (the mask is 0 on the biases)
            grad += self._l2_mask() * self.params
        if self.l1:
            for w, g_w in zip(self.weights, gw, strict=True):
                g_w += self.l1 * np.sign(w)
        return deltas, grad

    def loss_and_gradient(self, X: Array, Y: Array) -> tuple[float, Array]:
        """Loss and flat gradient vector for already validated arrays.

        Overflow on the way (a diverging network) raises no warning: the
        result is then not finite, and ``apply_update`` refuses it.
        """
        with quiet_fp():
            return self._loss_and_gradient(X, Y)

    def _loss_and_gradient(
        self, X: Array, Y: Array, scratch: bool = False, propose: Propose | None = None
    ) -> tuple[float, Array]:
        zs, acts = self.forward_cache(X)
        loss = self._loss.value(zs[-1], acts[-1], Y)
        if self.l1 or self.l2:
            loss += self._regularization()
        return loss, self.backward(zs, acts, Y, scratch=scratch, propose=propose)[1]

    def gradients(self, X: ArrayLike, Y: ArrayLike) -> tuple[list[Array], list[Array]]:
        """The exact gradient of ``loss(X, Y)``, shaped like ``weights`` and ``biases``."""
        x = self._check_input(X)
        grad = self.loss_and_gradient(x, self._check_target(Y, len(x)))[1]
        return self._weight_views(grad), self._bias_views(grad)

    def apply_update(
        self,
        update: Array,
        loss: float,
        limits: DivergenceLimits = NO_LIMITS,
        state: Mapping[str, Array] | None = None,
    ) -> None:
        """Subtract ``update`` from the parameters, unless that diverges.

        Bias entries of the update are ignored when ``train_biases`` is off.
        Raises :class:`DivergedError` (and changes nothing) when the loss,
        any updated parameter or the optimizer's new ``state`` is not finite
        or beyond ``limits`` (see :mod:`bpsim.model.engine.divergence`).
        """
        with quiet_fp():
            self._apply_update(update, loss, limits, state)

    def _apply_update(
        self,
        update: Array,
        loss: float,
        limits: DivergenceLimits = NO_LIMITS,
        state: Mapping[str, Array] | None = None,
    ) -> None:
        if not self.train_biases:
            update = update * self._bias_mask
        new = self.params - update
        limits.check(loss, new, state or _NO_STATE)
        self.params[...] = new

    def blas_threads(self, batch: int) -> blas_threads_for:
        """A context running this network's products on the BLAS threads that
        suit their size at ``batch`` samples (see :mod:`.threads`)."""
        return blas_threads_for(batch * self._largest_product)

    def step(
        self, X: ArrayLike, Y: ArrayLike, lr: float, update_order: str = "simultaneous"
    ) -> float:
        """One plain SGD step on the batch; returns the loss before the update.
        ``update_order``: ``"simultaneous"`` or ``"in_place"`` (:mod:`.update_order`)."""
        x = self._check_input(X)
        y = self._check_target(Y, len(x))
        propose = sgd_proposer(lr) if check_update_order(update_order) == "in_place" else None
        with quiet_fp(), self.blas_threads(len(x)):
            loss, grad = self._loss_and_gradient(x, y, scratch=True, propose=propose)
            grad *= lr
            self._apply_update(grad, loss)
        return loss

    def trace(
        self,
        x: ArrayLike,
        y: ArrayLike,
        lr: float = 0.0,
        *,
        optimizer: Optimizer | None = None,
        update_order: str = "simultaneous",
    ) -> Trace:
        """Trace one training step on one sample, frame by frame, and apply it.

        The step is plain SGD with learning rate ``lr`` unless an
        ``optimizer`` is given (then its own learning rate counts);
        ``update_order`` as in :meth:`step`.
        """
        xs = self._check_input(np.atleast_2d(np.asarray(x, dtype=np.float64)))
        if len(xs) != 1:
            raise ValueError("trace takes one sample; use trace_batch for a mini-batch")
        return self.trace_batch(
            xs, np.atleast_2d(y), lr, optimizer=optimizer, update_order=update_order
        )

    def trace_batch(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        lr: float = 0.0,
        *,
        optimizer: Optimizer | None = None,
        limits: DivergenceLimits = NO_LIMITS,
        update_order: str = "simultaneous",
    ) -> Trace:
        """Trace one training step on a mini-batch (each sample's share of the
        gradient, then their mean) and apply it, unless it diverges (beyond
        ``limits``); ``update_order`` as in :meth:`step`."""
        from bpsim.model.trace.step import trace_step

        xs = self._check_input(X)
        ys = self._check_target(Y, len(xs))
        with self.blas_threads(len(xs)):
            opt = optimizer or SGD(lr)
            return trace_step(self, xs, ys, opt, limits, check_update_order(update_order))

    def __repr__(self) -> str:
        layers = "-".join(map(str, self.sizes))
        return f"Network({layers}, {'/'.join(self.activation_names)}, loss={self.loss_name})"
