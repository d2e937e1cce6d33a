"""A saved session reopens exactly: every step the timeline reaches is what it was, bit for bit."""

import numpy as np
import pytest

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state import Session


def _timeline(session):
    """Every step's parameters, loss and gradient, read by seeking (which replays thinned steps)."""
    here = session.current_step
    rows = []
    for k in range(session.last_step + 1):
        session.seek(k)
        rows.append(
            (k, {n: v.copy() for n, v in session.params.items()}, session.trainer.loss, session.frame.grad_norm)
        )
    session.seek(here)
    return rows


def _reopened(session, tmp_path):
    path = tmp_path / "s.gradviz.json"
    assert session.save(path)
    other = Session()
    assert other.load(path) is not None
    return other


def _assert_same(a, b):
    assert (a.current_step, a.last_step, a.selected) == (b.current_step, b.last_step, b.selected)
    for (k, pa, la, ga), (_, pb, lb, gb) in zip(_timeline(a), _timeline(b), strict=True):
        for name in pa:
            assert np.array_equal(pa[name], pb[name]), (k, name)
        assert la == lb and ga == gb, k


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
    _assert_same(s, _reopened(s, tmp_path))


def test_a_run_started_from_a_clicked_point_reopens_bit_for_bit(tmp_path):
    s = _session()
    s.step(5)
    start = {n: v + 0.75 for n, v in s.params.items()}
    assert s.restart_from(start)
    s.step(20)
    _assert_same(s, _reopened(s, tmp_path))


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
    _assert_same(s, reopened)
    assert [r.start for r in reopened.trainer.regimes] == [r.start for r in s.trainer.regimes]


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
