"""Ready-made lessons: a network, its training settings and its data.

Each :class:`Preset` is plain, immutable data; :func:`build_preset` turns one
into a :class:`~bpsim.model.engine.network.Network` and a
:class:`~bpsim.model.data.datasets.Dataset`. The settings were chosen so that
training visibly works: the tests train the xor, circle and sine presets and
check that the loss falls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bpsim.model.data.dataset import Dataset
from bpsim.model.data.datasets import DATASETS, dataset_parameters, make_dataset
from bpsim.model.engine.network import Network

OPTIMIZER_NAMES = ("sgd", "momentum", "adam")
DEFAULT_PRESET = "mazur"  # what the app opens with
OptimizerName = Literal["sgd", "momentum", "adam"]
DatasetArg = int | float | str | None
Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True, kw_only=True)
class Preset:
    """A named, complete set-up for a lesson.

    ``activations`` is one name for every layer or one per non-input layer.
    ``dataset_kwargs`` go to the data set's generator (a mapping is stored as
    sorted pairs); when they set no ``seed`` and the generator takes one, the
    preset's ``seed`` is used, so a preset always builds the same data.
    ``batch_size=None`` means the whole data set. ``weights`` and ``biases``,
    when given, replace the initial parameters: ``weights[l][i][j]`` is the
    weight from unit ``i`` of layer ``l`` to unit ``j`` of layer ``l + 1``.
    """

    name: str
    title: str
    description: str
    sizes: tuple[int, ...]
    activations: str | tuple[str, ...]
    loss: str
    dataset: str
    lr: float
    init: str = "xavier"
    seed: int | None = 0
    dataset_kwargs: tuple[tuple[str, DatasetArg], ...] | Mapping[str, DatasetArg] = ()
    optimizer: OptimizerName = "sgd"
    batch_size: int | None = None
    l1: float = 0.0
    l2: float = 0.0
    train_biases: bool = True
    standardize: bool = False
    weights: tuple[Matrix, ...] | None = None
    biases: Matrix | None = None

    def __post_init__(self) -> None:
        where = f"preset {self.name!r}"
        pairs = self.dataset_kwargs
        if isinstance(pairs, Mapping):
            pairs = tuple(sorted(pairs.items()))
        object.__setattr__(self, "dataset_kwargs", tuple((str(k), v) for k, v in pairs))
        object.__setattr__(self, "sizes", tuple(int(s) for s in self.sizes))
        if not isinstance(self.activations, str):
            object.__setattr__(self, "activations", tuple(self.activations))
        if self.dataset not in DATASETS:
            raise ValueError(f"{where}: unknown data set {self.dataset!r}")
        if self.optimizer not in OPTIMIZER_NAMES:
            valid = ", ".join(OPTIMIZER_NAMES)
            raise ValueError(
                f"{where}: unknown optimizer {self.optimizer!r}; choose one of: {valid}"
            )
        if not self.lr > 0:
            raise ValueError(f"{where}: the learning rate must be positive")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"{where}: the batch size must be at least 1")
        shapes = list(zip(self.sizes[:-1], self.sizes[1:], strict=True))
        if self.weights is not None:
            got = [np.shape(w) for w in self.weights]
            if got != shapes:
                raise ValueError(f"{where}: weights of shapes {got} do not fit sizes {self.sizes}")
        if self.biases is not None:
            got_b = [np.shape(b) for b in self.biases]
            if got_b != [(n,) for _, n in shapes]:
                raise ValueError(f"{where}: biases of shapes {got_b} do not fit {self.sizes}")

    @property
    def dataset_options(self) -> dict[str, DatasetArg]:
        """The keyword arguments :func:`build_preset` passes to the generator."""
        options: dict[str, DatasetArg] = dict(self.dataset_kwargs)
        if "seed" not in options and "seed" in dataset_parameters(self.dataset):
            options["seed"] = self.seed
        return options


def build_preset(preset: Preset | str) -> tuple[Network, Dataset]:
    """A fresh network and its data set, as the preset describes them."""
    p = get_preset(preset) if isinstance(preset, str) else preset
    net = Network(
        p.sizes,
        p.activations,
        p.loss,
        p.seed,
        init=p.init,
        l1=p.l1,
        l2=p.l2,
        train_biases=p.train_biases,
    )
    if p.weights is not None:
        for layer, w in enumerate(p.weights):
            net.weights[layer] = np.array(w, dtype=np.float64)
    if p.biases is not None:
        for layer, b in enumerate(p.biases):
            net.biases[layer] = np.array(b, dtype=np.float64)
    data = make_dataset(p.dataset, **p.dataset_options)
    if p.standardize:
        data = data.standardized()
    if (data.n_features, data.n_outputs) != (p.sizes[0], p.sizes[-1]):
        raise ValueError(
            f"preset {p.name!r}: the data have {data.n_features} inputs and "
            f"{data.n_outputs} outputs, the network {p.sizes[0]} and {p.sizes[-1]}"
        )
    return net, data


def get_preset(name: str) -> Preset:
    """Look a preset up by name, with a message listing the valid names."""
    try:
        return PRESETS[name]
    except KeyError:
        valid = ", ".join(PRESETS)
        raise ValueError(f"unknown preset {name!r}; choose one of: {valid}") from None


_PRESETS = (
    Preset(
        name="mazur",
        title="The classic worked example (2-2-2)",
        description=(
            "One forward and backward pass through the famous 2-2-2 sigmoid network with "
            "hand-picked weights, so every number can be checked on the blackboard. "
            "As in the original, the biases stay fixed."
        ),
        sizes=(2, 2, 2),
        activations="sigmoid",
        loss="mse",
        dataset="worked_example",
        lr=0.5,
        batch_size=1,
        train_biases=False,
        weights=(((0.15, 0.25), (0.20, 0.30)), ((0.40, 0.50), (0.45, 0.55))),
        biases=((0.35, 0.35), (0.60, 0.60)),
    ),
    Preset(
        name="xor",
        title="XOR needs a hidden layer",
        description=(
            "No single line separates the XOR classes, so a network without a hidden layer "
            "must fail; three sigmoid hidden units learn it after a long plateau."
        ),
        sizes=(2, 3, 1),
        activations="sigmoid",
        loss="mse",
        dataset="xor",
        lr=1.0,
        batch_size=4,
    ),
    Preset(
        name="gaussians",
        title="A single neuron: two clouds",
        description=(
            "One sigmoid unit is logistic regression: it learns a straight boundary, "
            "which is all two well separated clouds need."
        ),
        sizes=(2, 1),
        activations="sigmoid",
        loss="bce",
        dataset="gaussians",
        lr=0.3,
        batch_size=10,
    ),
    Preset(
        name="circle",
        title="A circle inside a ring",
        description=(
            "Four tanh hidden units each draw a line; together they enclose the inner "
            "disc and separate it from the ring around it."
        ),
        sizes=(2, 4, 1),
        activations=("tanh", "sigmoid"),
        loss="bce",
        dataset="circle",
        lr=0.3,
        batch_size=10,
    ),
    Preset(
        name="moons",
        title="Two half moons",
        description=(
            "Two hooked half circles need a curved boundary; a small tanh hidden layer "
            "bends one out of straight lines."
        ),
        sizes=(2, 4, 1),
        activations=("tanh", "sigmoid"),
        loss="bce",
        dataset="moons",
        lr=0.3,
        batch_size=10,
    ),
    Preset(
        name="spiral",
        title="Two spirals: depth and Adam",
        description=(
            "Two interleaved spirals are hard: two tanh layers of ten, trained with Adam, "
            "untangle them in a few thousand steps. Train on much longer and the test loss "
            "creeps up while the training loss falls (overfitting): a star on the plot marks "
            "its lowest point."
        ),
        sizes=(2, 10, 10, 1),
        activations=("tanh", "tanh", "sigmoid"),
        loss="bce",
        dataset="spiral",
        dataset_kwargs=(("n_samples", 400),),  # enough points that the test loss falls too
        lr=0.01,
        optimizer="adam",
        batch_size=32,
        l2=1e-4,
        standardize=True,
    ),
    Preset(
        name="iris",
        title="Iris flowers: three classes",
        description=(
            "Fisher's iris measurements, standardized; a softmax output layer gives a "
            "probability for each of the three species. A little weight decay (L2) keeps "
            "the network from learning the training flowers by heart (overfitting)."
        ),
        sizes=(4, 5, 3),
        activations=("tanh", "softmax"),
        loss="cross_entropy",
        dataset="iris",
        lr=0.1,
        batch_size=16,
        l2=5e-3,
        standardize=True,
    ),
    Preset(
        name="sine",
        title="Regression: fit a sine curve",
        description=(
            "Eight tanh units and a linear output unit approximate sin(x) from noisy "
            "samples: a network is a flexible curve, too."
        ),
        sizes=(1, 8, 1),
        activations=("tanh", "linear"),
        loss="mse",
        dataset="sine",
        lr=0.05,  # 0.1 made the loss jump near the noise floor
        batch_size=20,
    ),
    Preset(
        name="digits",
        title="Handwritten digits: 64 pixels, ten classes",
        description=(
            "8x8 pictures of handwritten digits: 64 pixel inputs, 16 tanh hidden units and a "
            "softmax over the ten digits. Adam, with a little weight decay (L2), gets more "
            "than 90 % of the test pictures right within a few hundred steps."
        ),
        sizes=(64, 16, 10),
        activations=("tanh", "softmax"),
        loss="cross_entropy",
        dataset="digits",
        lr=0.003,  # 0.01 made the training loss jump; batches of 8 keep a step ~13k frames
        optimizer="adam",
        batch_size=8,
        l2=1e-3,
    ),
)

PRESETS: dict[str, Preset] = {p.name: p for p in _PRESETS}
