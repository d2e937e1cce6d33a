"""The training keys work again after any field is edited, with real key events (in one window, each
test starting from a first start's session: `fresh_window`)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

FIELDS = {  # objectName → text typed into it (a valid value)
    "learningRateSpin": "0.2",
    "batchSizeSpin": "10",
    "seedSpin": "11",
    "speedSpin": "40",
    "datasetSizeSpin": "80",
    "datasetNoiseSpin": "0.5",
    "runStepsSpin": "7",
}
COMBOS = ("modelCombo", "lossCombo", "optimizerCombo", "datasetCombo", "newClassCombo")


def _keys_work(window, qtbot):
    s = window.session
    target = QApplication.focusWidget() or window
    before = s.current_step
    qtbot.keyClick(target, Qt.Key.Key_Right)
    assert s.current_step == before + 1
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Left)
    assert s.current_step == before
    speed = window.playback.speed
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Plus)
    assert window.playback.speed == speed * 2
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Space)
    assert window.playback.playing
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Space)
    assert not window.playback.playing
    s.step(3)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Home)
    assert s.current_step == 0


@pytest.mark.parametrize("name", list(FIELDS))
def test_enter_after_typing_applies_the_value_and_gives_the_keys_back(fresh_window, qtbot, name):
    window = fresh_window
    field = window.findChild(QAbstractSpinBox, name)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, FIELDS[name])
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not field.hasFocus(), timeout=2000)
    assert field.value() == pytest.approx(float(FIELDS[name]))
    _keys_work(window, qtbot)


def test_escape_discards_the_typing(fresh_window, qtbot):
    window = fresh_window
    field = window.findChild(QAbstractSpinBox, "seedSpin")
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "99")
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not field.hasFocus(), timeout=2000)
    assert field.value() == window.session.settings.seed != 99
    _keys_work(window, qtbot)


@pytest.mark.parametrize("name", [*FIELDS, *COMBOS])
def test_the_keys_act_from_a_focused_field_that_is_not_being_typed_in(fresh_window, qtbot, name):
    window = fresh_window
    widget = window.findChild(QWidget, name)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    before = window.session.settings
    _keys_work(window, qtbot)
    if isinstance(widget, QComboBox):
        assert window.session.settings == before  # the keys did not change the combo's choice
