"""Kept for scripts written against the old layout: the module moved to
:mod:`bpsim.model.data.csvdata`."""

from bpsim.model.data.csvdata import (
    MAX_CLASSES,
    MAX_INTEGER_CLASSES,
    MISSING,
    Row,
    is_number,
    load_csv,
    parse_csv,
)

__all__ = [
    "MAX_CLASSES",
    "MAX_INTEGER_CLASSES",
    "MISSING",
    "Row",
    "is_number",
    "load_csv",
    "parse_csv",
]
