"""Regression test for the PySide6 6.12.0 crash on Python 3.11 (GUIDE.md §4).

That release drops a reference to None on every call of a Qt method that
returns nothing; a long-running app then aborts with "none_dealloc". The
dependency pins exclude it; this test fails if a broken build comes back.
The calls run in a child process, since the broken build kills the process
that makes them (seen here with 6.12.0: "Fatal Python error: none_dealloc").
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CALLS = """
import sys
from PySide6.QtGui import QColor, QImage, QPen

pen = QPen()
image = QImage(4, 4, QImage.Format.Format_ARGB32)
color = QColor(10, 20, 30)
before = sys.getrefcount(None)
for k in range(10_000):
    pen.setWidthF(1.0 + (k % 7))
    image.fill(color)
print(before - sys.getrefcount(None))
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_qt_calls_keep_the_refcount_of_none() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", CALLS], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"the Qt calls crashed Python: {result.stderr[-500:]}"
    # A healthy build leaves the count about where it was (the interpreter
    # takes a few hundred references meanwhile); the broken one loses 20,000.
    lost = int(result.stdout.strip())
    assert lost < 1_000, f"{lost} references to None lost in 20,000 Qt calls"
