import pytest
import shiboken6
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gradviz.cli import parse_args
from gradviz.gui import create_window
from gradviz.session_options import session_data_from_args


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
def window(make_window):
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
def opened(shared_window):
    """`opened(*argv)`: the module's shared window showing the session the command line `argv` describes
    (its data, settings, runs and steps, the view it puts in front), as a window built from it would."""

    def open_session(*argv: str):
        window = shared_window()
        data, _ = session_data_from_args(parse_args(list(argv)))
        window.session.apply_session(data)
        window.bring_to_front(data.extra.get("front"))
        window.flush()
        return window

    return open_session
