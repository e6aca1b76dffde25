"""Kept for scripts written against the old layout: the module moved to
:mod:`bpsim.model.data.datasets`."""

from bpsim.model.data.dataset import Dataset, Task
from bpsim.model.data.datasets import (
    DATASETS,
    IRIS_SAMPLES,
    dataset_parameters,
    make_circle,
    make_dataset,
    make_gaussians,
    make_iris,
    make_moons,
    make_sine,
    make_spiral,
    make_worked_example,
    make_xor,
)

__all__ = [
    "DATASETS",
    "IRIS_SAMPLES",
    "Dataset",
    "Task",
    "dataset_parameters",
    "make_circle",
    "make_dataset",
    "make_gaussians",
    "make_iris",
    "make_moons",
    "make_sine",
    "make_spiral",
    "make_worked_example",
    "make_xor",
]
