import pytest

from gradviz.gui import create_window


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
