"""Painting that never raises: under PySide6 an exception raised in a paint
override aborts the whole process, so it is logged instead."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget


def paint_safely(widget: QWidget, paint: Callable[[QPainter], None]) -> None:
    """Run ``paint`` on a painter of ``widget``; log whatever it raises."""
    painter = QPainter(widget)
    try:
        paint(painter)
    except Exception:  # raised in paint, it would abort the process (PySide6)
        logging.getLogger(type(widget).__module__).exception("could not paint %s", widget)
    finally:
        painter.end()
