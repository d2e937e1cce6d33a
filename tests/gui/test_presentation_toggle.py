"""F5 switches between the desk and the presentation at any moment, losing nothing."""

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gradviz.gui import create_window


@pytest.fixture
def windows():
    """Windows made here close at the end, the ones a switch already deleted excepted."""
    made = []
    yield made
    for window in made + _main_windows():
        if shiboken6.isValid(window):
            window.close()


def _main_windows():
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == "gradvizMainWindow"]


def _shown():
    (window,) = [w for w in _main_windows() if w.isVisible()]
    return window


def test_f5_switches_mode_with_the_same_session_and_back(qtbot, windows):
    window = create_window(["--preset", "softmax-blobs", "--steps", "12"])
    windows.append(window)
    window.show()
    qtbot.waitExposed(window)
    s = window.session
    s.seek(7)  # a scrubbed-back timeline must survive the switch
    s.select(3)
    window.playback.set_speed(80)
    window.playback_bar.run_spin.setValue(250)
    window.setFocus()
    qtbot.waitUntil(window.hasFocus, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
    present = _shown()
    assert present.theme.present and present.session is s
    assert (s.current_step, s.last_step, s.selected) == (7, 12, 3)
    assert present.playback_bar.step_label.text() == "step 7 / 12"
    assert present.playback.speed == 80 and present.playback_bar.run_spin.value() == 250
    assert not present.docks["controlsDock"].isVisible()
    assert present.playback_bar.step_label.font().pointSizeF() > 1.2 * window.font().pointSizeF()
    assert QApplication.font().pointSizeF() == present.font().pointSizeF()  # dialogs read it
    present.flush()
    assert present.residuals_view is not None and present.surface_view.session is s
    # the keys drive the new window, and the old one no longer listens
    present.setFocus()
    qtbot.waitUntil(present.hasFocus, timeout=2000)
    qtbot.keyClick(present, Qt.Key.Key_Right)
    assert s.current_step == 8
    qtbot.keyClick(present, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not present.isVisible(), timeout=2000)
    desk = _shown()
    assert not desk.theme.present and desk.session is s and s.current_step == 8
    assert desk.docks["controlsDock"].isVisible()


def test_playing_keeps_playing_across_the_switch(qtbot, windows):
    window = create_window(["--preset", "linear-line"])
    windows.append(window)
    window.show()
    window.playback.play()
    other = window.toggle_presentation()
    assert other.playback.playing
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=2000)  # the old window is gone
    assert other.session.followers == 1  # and no longer follows the session
    before = other.session.current_step
    qtbot.waitUntil(lambda: other.session.current_step > before, timeout=3000)
    other.playback.pause()


def test_the_switch_never_asks_about_unsaved_work_and_the_new_window_will(qtbot, windows, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = create_window(["--preset", "linear-line"])
    windows.append(window)
    window.show()
    window.ask_before_closing = True  # as the app's own window has it
    window.session.step(3)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel)
    other = window.toggle_presentation()
    windows.append(other)
    assert not asked and other.ask_before_closing and other.session.current_step == 3
    assert not other.close() and asked  # the new window asks; Cancel keeps it
    other.ask_before_closing = False
