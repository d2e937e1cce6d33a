"""Shared test set-up. Qt must be told to render off screen before it is first imported."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Window layouts saved with QSettings go to a throw-away folder, not the developer's config.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="gradviz-test-config-")
# ... and autosaves (gui.autosave, in the app's data folder) to another
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="gradviz-test-data-")

import gc

import pytest


@pytest.fixture(autouse=True)
def _collect_between_tests():
    """The app collects cycles from a timer on the GUI thread (gui/app.py): between tests, once more
    here, so nothing a test left behind is freed later on a worker thread."""
    yield
    gc.collect()
