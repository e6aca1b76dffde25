"""The chain-rule dock, the sample picture and the gradient check in the
window, driven as a user would; asserting on data."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt

from bpsim.model.sessions.session import new_session
from bpsim.ui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    QCoreApplication.setOrganizationName("bpsim-tests")
    QCoreApplication.setApplicationName("bpsim-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield


def open_window(qtbot, preset: str = "mazur") -> MainWindow:
    window = MainWindow(new_session(preset))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_the_chain_rule_dock_follows_the_frames(qtbot) -> None:
    window = open_window(qtbot)
    inside = window.see_inside
    assert not inside.chain_dock.isVisible()
    qtbot.keyClick(window.network_view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert inside.chain_dock.isVisible()
    tl = window.controller.timeline
    target = next(f.index for f in tl.trace.frames if f.label == "∂E/∂w5")
    while tl.cursor < target:
        qtbot.keyClick(window.network_view, Qt.Key.Key_Right)
    graph = inside.chain.graph()
    assert graph is not None and graph.result is not None
    assert graph.result.name == "∂E/∂w5"
    assert [round(f.value, 9) for f in graph.factors] == [0.74136507, 0.186815602, 0.593269992]
    assert round(graph.result.value, 9) == 0.082167041
    lines = inside.chain.header_lines()
    assert lines[0] == "∂E/∂w5 = ∂E/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5"
    assert lines[-1] == "∂E/∂w5 = 0.7414 · 0.1868 · 0.5933 = 0.08217"  # at the view's digits
    assert inside.chain.box_lines("w0") == ("w5 = 0.4", "grad 0.08217")
    qtbot.keyClick(window.network_view, Qt.Key.Key_D)  # one digit more, in the graph too
    assert inside.chain.box_lines("w0") == ("w5 = 0.4", "grad 0.082167")
    qtbot.keyClick(window.network_view, Qt.Key.Key_Right)
    assert inside.chain.graph().result.name == "∂E/∂w6"
    small = inside.chain.sizeHint()
    window.actions_by_name["zoom_in"].trigger()  # the graph's type follows the window's
    assert inside.chain.font().pointSizeF() == window.font().pointSizeF()
    assert inside.chain.sizeHint().width() > small.width()
    window.close()


def test_the_gradient_check_agrees_for_the_shown_step(qtbot) -> None:
    window = open_window(qtbot, "iris")
    window.actions_by_name["zoom_in"].trigger()  # the dialog takes the window's larger type
    window.actions_by_name["gradient_check"].trigger()
    dialog = window.see_inside.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.result.all_agree
    assert dialog.font().pointSizeF() == window.font().pointSizeF()
    assert dialog.table.rowCount() == window.controller.timeline.trainer.net.params.size
    assert dialog.summary.text().startswith("All 43 gradients agree")
    dialog.close()
    window.close()


def test_digits_show_the_sample_as_a_picture(qtbot) -> None:
    window = open_window(qtbot, "digits")
    inside = window.see_inside
    assert inside.data_stack.currentWidget() is inside.image
    title, answer = inside.image.texts()
    tl = window.controller.timeline
    assert title.startswith(f"Training sample {int(tl.batch_indices[0]) + 1}: a ")
    assert answer.startswith("The network says ")
    assert inside.image.unit_count() == 16  # each hidden unit's weights as a picture
    picture = inside.input_picture  # the input layer drawn as the sample's picture
    target = picture.target()
    assert picture.isVisible() and target is not None
    view = window.network_view
    first, last = view.unit_center(0, 0), view.unit_center(0, 63)
    assert target.left() <= first.x() <= target.right()
    assert target.top() < (first.y() + last.y()) / 2 < target.bottom()
    assert abs(target.width() - target.height()) < 1e-6  # square pixels
    before = inside.image.unit_weights()
    window.actions_by_name["train"].trigger()  # the unit pictures follow training
    qtbot.waitUntil(lambda: not np.array_equal(inside.image.unit_weights()[0], before[0]),
                    timeout=10000)  # fmt: skip
    window.actions_by_name["train"].trigger()  # paused on a step: its weights before it
    shown = window.controller.timeline.net_before_step()
    np.testing.assert_array_equal(inside.image.unit_weights()[3], shown.weights[0][:, 3])
    window.controller.load(new_session("xor"))
    assert inside.data_stack.currentWidget() is window.data_view
    assert not picture.isVisible() and picture.target() is None
    window.close()
