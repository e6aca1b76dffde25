"""Kept for scripts written against the old layout: the module moved to
:mod:`bpsim.model.data.presets`."""

from bpsim.model.data.presets import (
    DEFAULT_PRESET,
    OPTIMIZER_NAMES,
    PRESETS,
    DatasetArg,
    Matrix,
    OptimizerName,
    Preset,
    build_preset,
    get_preset,
)

__all__ = [
    "DEFAULT_PRESET",
    "OPTIMIZER_NAMES",
    "PRESETS",
    "DatasetArg",
    "Matrix",
    "OptimizerName",
    "Preset",
    "build_preset",
    "get_preset",
]
