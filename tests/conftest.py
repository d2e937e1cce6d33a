"""Shared test set-up. Qt must be told to render off screen before it is first imported."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Window layouts saved with QSettings go to a throw-away folder, not the developer's config.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="gradviz-test-config-")
# ... and autosaves (gui.autosave, in the app's data folder) to another
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="gradviz-test-data-")

import gc
import sys

import pytest


def _windows_left() -> bool:
    """Whether Qt still holds top-level widgets (windows a test closed, not yet deleted, and theirs)."""
    if "PySide6.QtWidgets" not in sys.modules:
        return False
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() is not None and bool(QApplication.topLevelWidgets())


def _free_what_tests_left() -> None:
    """Windows closed by pytest-qt are deleted later (deleteLater), which an event loop only does when it
    returns to the level the deletion was asked at: here, at once, or they pile up and keep their timers
    and threads going through the tests that follow. A window a test made itself and closed (not through
    pytest-qt: `create_window(...)`, then `.close()`) is only hidden: it is deleted here too, or every one
    of its objects stays alive for the rest of the run and each collection walks them. Then Python's
    cycles (the app collects them from a timer on the GUI thread: once more here, so nothing is freed
    later on a worker thread)."""
    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication, QMainWindow

        if QApplication.instance() is not None:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QMainWindow) and not widget.isVisible():
                    widget.deleteLater()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def _forget_settings() -> None:
    """Each test starts as a fresh user: no layout an earlier test's window saved on closing (a 1024 × 768
    desk's, restored into the next window), no recent files. Which tests ran before in the same process
    depends on how they were shared out among the workers."""
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QSettings

        QSettings().clear()


def pytest_collection_finish(session):
    """Everything imported so far (numpy, Qt, pyqtgraph, gradviz, the tests) lives as long as the process:
    frozen out of the cycle collector's way, a collection between tests looks only at what tests made
    (5 ms instead of 70 ms; once per test, 1,300 tests)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _collect_between_tests():
    """Cycles are collected here, on the GUI thread, before each test once Qt has made widgets in this
    process (the app turns the automatic collector off: pyqtgraph's GarbageCollector); a process that
    never made one (core and state tests alone) skips the walk. (Once per test: a collection after the
    test, with its windows still open, freed nothing the next one would not.)"""
    if _windows_left():
        _free_what_tests_left()  # the last test's windows, closed after its fixtures were torn down
    _forget_settings()
