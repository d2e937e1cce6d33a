"""Long runs never freeze the window: they go in slices, show how far they got, and Esc stops them."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from gradviz.gui import create_window


def _window(qtbot, preset="mlp-moons", *argv):
    window = create_window(["--preset", preset, *argv])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_run_n_steps_takes_exactly_n_in_slices_with_a_progress_bar(qtbot):
    window = _window(qtbot)
    bar = window.playback_bar
    window.run_steps(3000)
    assert window.jobs.running  # 3000 MLP steps are more than one slice
    assert window.jobs.bar.isVisible() and window.jobs.cancel_button.isVisible()
    assert not bar.timeline.isVisible()  # the bar takes the timeline's place
    assert "3,000 steps" in window.jobs.bar.format()
    slices_seen = set()
    while window.jobs.running:
        slices_seen.add(window.session.last_step)
        qtbot.wait(5)
    assert window.session.last_step == 3000 and window.session.current_step == 3000
    assert len(slices_seen) > 2  # the window painted between slices
    assert bar.timeline.isVisible() and not window.jobs.bar.isVisible()
    assert bar.timeline.value() == 3000


@pytest.mark.parametrize("focus", ["gradvizMainWindow", "learningRateSpin"])
def test_esc_cancels_a_long_run_and_keeps_the_steps_taken(qtbot, focus):
    window = _window(qtbot)
    target = window if focus == window.objectName() else window.findChild(QWidget, focus)
    target.setFocus()
    qtbot.waitUntil(target.hasFocus, timeout=2000)
    window.run_steps(10**6)
    qtbot.waitUntil(lambda: window.session.last_step > 0)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert not window.jobs.running
    taken = window.session.last_step
    assert 0 < taken < 10**6
    qtbot.wait(100)
    assert window.session.last_step == taken  # stopped means stopped
    assert window.session.current_step == taken  # and what was done stays
    assert window.playback_bar.timeline.isVisible()


def test_a_run_that_diverges_stops_with_the_message(qtbot):
    window = _window(qtbot, "linear-line", "--lr", "1e6")
    window.run_steps(10**6)
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=10000)
    assert window.session.diverged
    assert window.session.last_step < 10**6
    assert window.message_bar.isVisible() and "diverged" in window.message_bar.text


def test_the_windows_process_keeps_blas_to_one_thread(qapp):
    """The GUI thread and the surface's worker thread take the two cores: OpenBLAS's pool beside them
    doubled the window's longest turn at 100,000 points."""
    from threadpoolctl import threadpool_info

    from gradviz.gui.app import ensure_app

    ensure_app()
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
