"""The window at every type step on the screens a lecture uses: it keeps its
size, the plots keep a usable plot area, their captions and axis titles lie
inside them, and the Controls scroll rather than being cut."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QRectF, QSettings
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from bpsim.model.sessions.session import new_session
from bpsim.ui.window.dock_layout import CHROME_MAX_SCALE
from bpsim.ui.window.main_window import MainWindow
from bpsim.viewmodel.network.fit import TYPE_STEPS

USABLE = 80  # px: the least a plot area keeps, across and down


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):  # type: ignore[no-untyped-def]
    QCoreApplication.setOrganizationName("bpsim-tests")
    QCoreApplication.setApplicationName("bpsim-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield


def settle() -> None:
    for _ in range(2):
        QApplication.processEvents()


def open_at(qtbot, preset: str, size: tuple[int, int]) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(new_session(preset))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    for _ in TYPE_STEPS:  # down to the smallest type
        window.actions_by_name["zoom_out"].trigger()
    settle()
    return window


def inside(inner: QRectF, outer: QRectF, slack: float = 1.0) -> bool:
    return outer.adjusted(-slack, -slack, slack, slack).contains(inner)


def check_loss_plot(window: MainWindow, where: str) -> None:
    plot = window.loss_plot
    vb = plot.plot_item.vb
    assert vb.width() >= USABLE and vb.height() >= USABLE, (where, vb.size())
    widget = plot._plot_widget
    shown = QRectF(0, 0, widget.width(), widget.height())  # the scene is the widget's
    for side in ("left", "bottom", "right"):
        axis = plot.plot_item.getAxis(side)
        if axis.isVisible():
            # (a text item's rect includes its document's 4 px margin)
            assert inside(axis.label.sceneBoundingRect(), shown, 4.0), (where, side)
    caption = plot._caption.item
    if caption.isVisible():
        assert inside(caption.sceneBoundingRect(), vb.sceneBoundingRect(), 2.0), where


def check_data_view(window: MainWindow, where: str) -> None:
    vb = window.data_view.plot_item.vb
    assert vb.width() >= USABLE and vb.height() >= USABLE, (where, vb.size())


def check_controls(window: MainWindow, where: str) -> None:
    area, controls = window.controls_scroll, window.controls
    assert controls.height() >= controls.minimumSizeHint().height(), where  # never squeezed
    description = window.controls.description
    assert description.geometry().bottom() <= controls.height(), where
    if controls.height() > area.viewport().height():  # taller than the dock: it scrolls
        assert area.verticalScrollBar().maximum() > 0, where


CASES = [  # each screen with one or two presets; each preset on two screens
    ("mazur", (1280, 720)),
    ("spiral", (1280, 720)),
    ("iris", (1280, 800)),
    ("mazur", (1920, 1080)),
    ("iris", (1920, 1080)),
]


@pytest.mark.parametrize(("preset", "size"), CASES, ids=[f"{p}-{w}x{h}" for p, (w, h) in CASES])
def test_every_type_step_keeps_the_window_and_its_panels_usable(
    qtbot,  # type: ignore[no-untyped-def]
    preset: str,
    size: tuple[int, int],
) -> None:
    window = open_at(qtbot, preset, size)
    column = window.right_column
    width = window.loss_dock.width()
    for step, scale in enumerate(TYPE_STEPS):
        if step:
            window.actions_by_name["zoom_in"].trigger()
        settle()
        where = f"{preset} {size} x{scale:.2f}"
        assert window.controller.view_settings.font_scale == pytest.approx(scale)
        assert window.size().toTuple() == size, where
        assert window.loss_dock.width() == width, where  # the type leaves the column's width
        hint = window.minimumSizeHint()
        assert hint.width() <= size[0] and hint.height() <= size[1], (where, hint)
        arrangement = column.arrangement()
        assert arrangement in ("stacked", "tabbed"), where
        if arrangement == "stacked":
            window.data_dock.raise_()
            settle()
            check_loss_plot(window, where)
            check_data_view(window, where)
            window.controls_dock.raise_()
            settle()
            check_controls(window, where)
        else:
            for dock, check in (
                (window.loss_dock, check_loss_plot),
                (window.data_dock, check_data_view),
                (window.controls_dock, check_controls),
            ):
                dock.raise_()
                settle()
                check(window, where)
    assert column.arrangement() == "tabbed"  # the largest type on any of these screens


def test_the_column_stacks_again_when_the_type_gets_smaller(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_at(qtbot, "mazur", (1280, 800))
    a = window.actions_by_name
    a["zoom_reset"].trigger()
    settle()
    assert window.right_column.arrangement() == "stacked"
    for _ in TYPE_STEPS:
        a["zoom_in"].trigger()
    settle()
    assert window.right_column.arrangement() == "tabbed"
    assert window.loss_dock.isVisible()  # the loss plot comes first
    a["zoom_reset"].trigger()
    settle()
    assert window.right_column.arrangement() == "stacked"
    below = window.data_dock if window.data_dock.isVisible() else window.controls_dock
    assert window.loss_dock.isVisible() and below.isVisible()
    assert window.loss_dock.geometry().bottom() < below.y()  # loss above, data | controls below


def test_a_taller_window_stacks_the_column_again(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_at(qtbot, "mazur", (1280, 720))
    window.actions_by_name["zoom_reset"].trigger()
    for _ in range(4):
        window.actions_by_name["zoom_in"].trigger()
    settle()
    assert window.right_column.arrangement() == "tabbed"
    window.resize(1280, 1080)
    qtbot.waitUntil(lambda: window.right_column.arrangement() == "stacked")
    assert window.size().toTuple() == (1280, 1080)


def test_the_users_own_arrangement_is_left_alone(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_at(qtbot, "mazur", (1280, 720))
    window.data_dock.setFloating(True)  # the user pulls the data panel out
    settle()
    for _ in TYPE_STEPS:
        window.actions_by_name["zoom_in"].trigger()
    settle()
    assert window.data_dock.isFloating()
    assert window.tabifiedDockWidgets(window.loss_dock) == []
    assert window.size().toTuple() == (1280, 720)


def test_the_chrome_grows_with_the_type_only_so_far(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_at(qtbot, "mazur", (1280, 720))
    settings = window.controller.view_settings
    base = settings._base_point_size
    for _ in TYPE_STEPS:
        window.actions_by_name["zoom_in"].trigger()
    settle()
    assert window.font().pointSizeF() == pytest.approx(base * TYPE_STEPS[-1])
    for widget in (window.statusBar(), window.menuBar(), window.toolbar, window.controls):
        assert widget.font().pointSizeF() == pytest.approx(base * CHROME_MAX_SCALE), widget
    bar = window.statusBar()
    line = QFontMetricsF(bar.font()).height()
    assert bar.sizeHint().width() <= window.width() and bar.height() < 2.5 * line


def test_full_screen_keeps_the_screens_size_at_every_type_step(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_at(qtbot, "mazur", (1280, 720))
    window.actions_by_name["fullscreen"].trigger()
    qtbot.waitUntil(window.isFullScreen)
    settle()
    size = window.size().toTuple()
    screen = window.screen().geometry().size().toTuple()
    assert size == screen
    for _ in TYPE_STEPS:
        window.actions_by_name["zoom_in"].trigger()
        settle()
        assert window.size().toTuple() == screen
        hint = window.minimumSizeHint()
        assert hint.width() <= screen[0] and hint.height() <= screen[1]
