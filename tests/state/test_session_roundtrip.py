"""A saved session reopens exactly: every step the timeline reaches is what it was, bit for bit."""

import numpy as np
import pytest

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state import Session

from .timelines import assert_same_timeline


def _reopened(session, tmp_path):
    path = tmp_path / "s.gradviz.json"
    assert session.save(path)
    other = Session()
    assert other.load(path) is not None
    return other


def _session(preset="logistic-blobs"):
    s = Session()
    s.apply_session(load_preset(preset))
    return s


CHANGES = {
    "learning rate at step 10": lambda s: s.set_value("lr", 2.5),
    "a point added at step 10": lambda s: s.add_point((0.5, -2.0), 1),
    "batch size at step 10": lambda s: s.set_value("batch_size", 7),
    "optimizer at step 10": lambda s: s.set_value("optimizer", "adam"),
    "a point removed at step 10": lambda s: s.remove_point(3),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_mid_run_reopens_bit_for_bit(tmp_path, name):
    s = _session()
    s.step(10)
    CHANGES[name](s)
    s.step(10)
    s.select(4)
    s.seek(13)  # scrubbed back: the later steps are kept too
    assert_same_timeline(s, _reopened(s, tmp_path))


def test_a_run_started_from_a_clicked_point_reopens_bit_for_bit(tmp_path):
    s = _session()
    s.step(5)
    start = {n: v + 0.75 for n, v in s.params.items()}
    assert s.restart_from(start)
    s.step(20)
    assert_same_timeline(s, _reopened(s, tmp_path))


def test_every_change_together_and_a_branch_from_a_scrubbed_step(tmp_path):
    s = _session("mlp-moons")
    s.step(6)
    s.set_value("lr", 0.02)
    s.step(6)
    s.add_point((0.0, 0.3), 0)
    s.step(4)
    s.set_value("batch_size", 16)
    s.step(6)
    s.seek(14)  # back, then change: the run branches here
    s.set_value("optimizer", "momentum")
    s.step(9)
    s.seek(20)
    reopened = _reopened(s, tmp_path)
    assert_same_timeline(s, reopened)
    assert [r.start for r in reopened.trainer.regimes] == [r.start for r in s.trainer.regimes]


def test_saved_scrubbed_back_past_a_data_edit_reopens_with_the_data_as_they_are_now(tmp_path):
    """The views show the latest data at every step; reopened, they did not (found by the GUI fuzzer:
    the data had the added point, the targets did not, and four views raised)."""
    s = _session("linear-line")
    s.step(1)
    assert s.add_point((0.5,), 0.3)
    s.seek(0)
    reopened = _reopened(s, tmp_path)
    assert reopened.dataset.X.shape == reopened.dataset.Y.shape == (31, 1)
    assert_same_timeline(s, reopened)


def test_version_1_files_still_open_as_they_did(tmp_path):
    s = _session("softmax-blobs")
    s.step(12)
    data = s.session_data()
    doc = core.session_file.session_to_dict(core.SessionData(data.dataset, data.settings, 12, data.extra))
    doc["version"] = 1
    path = tmp_path / "old.json"
    import json

    path.write_text(json.dumps(doc))
    other = Session()
    assert other.load(path) is not None
    assert other.current_step == 12
    for name, v in s.params.items():
        assert np.array_equal(other.params[name], v)
