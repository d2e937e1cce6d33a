"""Opening files in the window: what the views draw is the session's, whatever the file did."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state import Session

SHARED_WINDOW = True  # one window for the module's `window` tests, each from a first start's session


def _drawn_points(window) -> int:
    return sum(len(item.data) for item in window.data_view.class_points if item.isVisible())


def _saved(tmp_path, preset="logistic-blobs", steps=5):
    s = Session()
    s.apply_session(load_preset(preset))
    s.step(steps)
    path = tmp_path / f"{preset}.gradviz.json"
    assert s.save(path)
    return path


def test_a_refused_file_leaves_every_view_on_the_session(window, tmp_path):
    s = window.session
    path = _saved(tmp_path, "mlp-moons")
    doc = json.loads(path.read_text())
    doc["dataset"]["n_classes"] = "@@"
    path.write_text(json.dumps(doc).replace('"@@"', "1e400"))
    before = s.source_dataset.n_samples
    window.files.open_file(str(path))
    window.flush()
    assert s.source_dataset.n_samples == before == _drawn_points(window)
    assert "n_classes" in window.message_bar.text and window.message_bar.isVisible()


def test_a_file_whose_slice_is_skipped_still_draws_its_own_data(window, tmp_path):
    path = _saved(tmp_path, "softmax-blobs")
    doc = json.loads(path.read_text())
    doc["extra"]["slice"]["seed"] = "@@"
    path.write_text(json.dumps(doc).replace('"@@"', "1e400"))
    window.files.open_file(str(path))
    window.flush()
    assert window.session.source_dataset.n_samples == 90 == _drawn_points(window)


def test_a_190000_point_session_shows_its_size(make_window, tmp_path):
    data = core.generate("moons", n_samples=190_000, noise=0.1, seed=0)
    path = tmp_path / "big.gradviz.json"
    core.save_session(path, core.SessionData(data, core.Settings(model="logistic", loss="bce")))
    window = make_window("--load", str(path))
    spin = window.findChild(QSpinBox, "datasetSizeSpin")
    assert spin.value() == 190_000 and spin.maximum() >= 200_000


def test_a_million_step_file_opens_in_slices_and_esc_keeps_the_session(window, tmp_path, qtbot):
    path = _saved(tmp_path)
    doc = json.loads(path.read_text())
    doc.pop("run")  # a version 1 file: it replays its steps
    doc["version"], doc["step"] = 1, 1_000_000
    path.write_text(json.dumps(doc))
    s = window.session
    s.step(3)
    before = s.source_dataset
    window.setFocus()
    qtbot.waitUntil(window.hasFocus, timeout=2000)
    window.files.open_file(str(path))
    qtbot.wait(50)
    assert window.jobs.running and window.jobs.bar.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.jobs.running
    assert s.source_dataset is before and s.current_step == 3


def test_a_large_file_is_read_in_another_process_while_the_window_answers(window, tmp_path, qtbot, monkeypatch):
    """Parsing holds the interpreter lock: a large file is read by a worker process (here: any file over
    100 bytes), then replayed in slices; what opens is what reading it here gives, and a large file that is
    wrong says so in the same words and changes nothing."""
    from gradviz.state import file_read

    monkeypatch.setattr(file_read, "BIG_FILE_BYTES", 100)
    path = _saved(tmp_path, "softmax-blobs", steps=7)
    expected = core.load_session(path)
    reads = []
    monkeypatch.setattr(
        file_read.FileRead, "wait", lambda self, s, w=file_read.FileRead.wait: (reads.append(s), w(self, s))[1]
    )
    s = window.session
    window.files.open_file(str(path))
    assert window.jobs.running  # the window is back before the file is read
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=30_000)
    window.flush()
    assert reads and max(reads) <= 0.05  # each wait for the worker is one slice of the event loop
    assert s.current_step == 7 and s.source_dataset.n_samples == expected.dataset.n_samples == _drawn_points(window)
    np.testing.assert_array_equal(s.source_dataset.X, expected.dataset.X)
    before = s.source_dataset
    doc = json.loads(path.read_text())
    doc["dataset"]["n_classes"] = "@@"
    path.write_text(json.dumps(doc).replace('"@@"', "1e400"))
    window.files.open_file(str(path))
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=30_000)
    assert s.source_dataset is before and "n_classes" in window.message_bar.text
    assert "Could not open the session" in window.message_bar.text


def test_cancelling_a_large_files_reading_stops_its_worker(window, tmp_path, qtbot, monkeypatch):
    from gradviz.state import file_read

    monkeypatch.setattr(file_read, "BIG_FILE_BYTES", 100)
    started = []
    monkeypatch.setattr(
        file_read.FileRead, "cancel", lambda self, c=file_read.FileRead.cancel: (started.append(self), c(self))
    )
    path = _saved(tmp_path)
    s = window.session
    before = s.source_dataset
    window.files.open_file(str(path))
    window.jobs.cancel()
    assert started and s.source_dataset is before and not window.jobs.running


@pytest.mark.parametrize("case", ["read-only folder", "a folder", "disk full"])
def test_a_failed_save_says_so_and_the_old_file_stays(window, tmp_path, monkeypatch, case):
    import os

    path = tmp_path / "lecture.gradviz.json"
    assert window.session.save(path)
    old = path.read_bytes()
    window.session.step(4)
    target = path
    if case == "read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        tmp_path.chmod(0o500)
    elif case == "a folder":
        target = tmp_path / "a-folder.json"
        target.mkdir()
    else:

        def full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
    try:
        assert not window.session.save(target)
    finally:
        tmp_path.chmod(0o700)
    window.flush()
    assert "Could not save" in window.message_bar.text
    assert path.read_bytes() == old
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no half-written file left
