import subprocess
from dataclasses import asdict

import pytest
import shiboken6
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gradviz.cli import parse_args
from gradviz.gui import create_window
from gradviz.session_options import session_data_from_args
from gradviz.start import main
from gradviz.state.view_options import ViewOptions
from gradviz.state.window_model import WindowModel


@pytest.fixture
def make_window(qtbot):
    """Build a window from command-line options, registered with qtbot for clean-up."""

    def make(*argv: str):
        window = create_window(list(argv))
        qtbot.addWidget(window)
        window.resize(1600, 1000)  # the roomy desk layout: every view but the derivation in sight
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(10)  # let the plots lay out their axes before tests map coordinates
        return window

    return make


@pytest.fixture
def window(request, make_window):
    """A default window: a new one, or in a module that sets `SHARED_WINDOW = True` (its tests drive the
    session and the keys, not the window's shape) the module's one, reset to a first start (`fresh_window`)."""
    if getattr(request.module, "SHARED_WINDOW", False):
        return request.getfixturevalue("fresh_window")
    return make_window()


@pytest.fixture(scope="module")
def shared_window(qapp):
    """`shared_window(*argv)`: one window per command line for all of a module's tests that ask for it, for
    tests that open what they check (a scenario, a model) over whatever the one before left: building a
    window is most of a GUI test's time. Closed after the module."""
    windows = {}

    def get(*argv: str):
        window = windows.get(argv)
        if window is None or not shiboken6.isValid(window) or not window.isVisible():  # (closed by another test)
            window = create_window(list(argv))
            if window.model.rehearsal_size is None:  # a rehearsal (`--size`) keeps its screen's size
                window.resize(1600, 1000)
            window.show()
            QTest.qWaitForWindowExposed(window)
            QApplication.processEvents()
            windows[argv] = window
        return windows[argv]

    yield get
    for window in windows.values():
        if shiboken6.isValid(window):
            window.close()
            window.deleteLater()


@pytest.fixture(scope="module")
def opened(shared_window, qapp):
    """`opened(*argv)`: the module's shared window showing the session the command line `argv` describes
    (its data, settings, runs and steps, view options, the view it puts in front), playback paused at its
    first speed, the keys with the window, as a window built from it would start."""
    first_start, _ = session_data_from_args(parse_args([]))

    def open_session(*argv: str):
        window = shared_window()
        window.playback.pause()
        first = WindowModel()
        window.playback.set_speed(first.speed)
        window.playback_bar.run_spin.setValue(first.run_steps)
        # what the last test left: its view options and, under the file's, a function (a function opened
        # anew chooses its colours, one already open keeps them)
        window.session.set_view(**asdict(ViewOptions()))
        window.session.apply_session(first_start)
        if argv:
            data, _ = session_data_from_args(parse_args(list(argv)))
            window.session.apply_session(data)
            window.bring_to_front(data.extra.get("front"))
        window.session.set_new_point_class(0)  # a click adds class 1
        window.message_bar.hide()
        window.activateWindow()
        window.setFocus()
        window.flush()
        for _ in range(200):  # the window manager's focus arrives as an event (at most 2 s)
            if window.hasFocus():
                break
            QTest.qWait(10)
        return window

    return open_session


@pytest.fixture
def fresh_window(opened):
    """The module's shared default window as a first start shows it (`opened()`). For tests that drive the
    session and the keys but not the window's own shape (docks, modes, closing)."""
    return opened()


@pytest.fixture
def gradviz_command(capfd, qapp):
    """`gradviz_command(*argv)`: what `python -m gradviz ARGV` does, run in this process (a new Python would
    import Qt and pyqtgraph again, ~1.5 s a command): its exit status and what it wrote to stdout and stderr,
    as `subprocess.run` returns them. Qt's warnings fail the test here as everywhere in the suite. (Whether
    a command needs no display, or exits cleanly, is a matter for a process of its own.)"""

    def run(*argv: str) -> subprocess.CompletedProcess:
        capfd.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's refusals
            code = exc.code
        out, err = capfd.readouterr()
        return subprocess.CompletedProcess(["gradviz", *argv], code, out, err)

    return run
