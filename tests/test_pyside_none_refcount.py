"""Regression test for the PySide6 6.12.0 crash on Python 3.11 (GUIDE.md §4).

That release drops a reference to None on every call of a Qt method that
returns nothing; a long-running app then aborts with "none_dealloc". The
dependency pins exclude it; this test fails if a broken build comes back.
"""

from __future__ import annotations

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_qt_calls_keep_the_refcount_of_none() -> None:
    from PySide6.QtGui import QColor, QImage, QPen

    pen = QPen()
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    color = QColor(10, 20, 30)
    before = sys.getrefcount(None)
    for k in range(10_000):
        pen.setWidthF(1.0 + (k % 7))
        image.fill(color)
    after = sys.getrefcount(None)
    # A healthy build leaves the count about where it was (the interpreter
    # takes a few hundred references meanwhile); the broken one loses 20,000.
    assert before - after < 1_000, (before, after)
