"""Looking at rendered pictures in tests."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage, QPalette


def has_color(image: QImage, color: str, tolerance: int = 40) -> bool:
    """True when some pixel (on a grid of every second pixel) is within
    ``tolerance`` (sum of channel differences) of ``color``."""
    target = QColor(color)
    for yy in range(0, image.height(), 2):
        for xx in range(0, image.width(), 2):
            c = image.pixelColor(xx, yy)
            distance = (
                abs(c.red() - target.red())
                + abs(c.green() - target.green())
                + abs(c.blue() - target.blue())
            )
            if distance < tolerance:
                return True
    return False


def dark_palette() -> QPalette:
    """A dark palette, as a system in dark mode gives one."""
    pal = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#23262b"),
        (QPalette.ColorRole.Base, "#1b1d21"),
        (QPalette.ColorRole.Text, "#eceff3"),
        (QPalette.ColorRole.WindowText, "#eceff3"),
    ):
        pal.setColor(role, QColor(color))
    return pal
