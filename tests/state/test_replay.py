"""Opening a session re-runs its steps off to the side; what is unsaved is known before it is lost."""

import numpy as np
import pytest

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state import Session


@pytest.fixture
def saved(tmp_path):
    """A session file saved at step 400 of the MLP preset, and the parameters it had."""
    source = Session()
    source.apply_session(load_preset("mlp-moons"))
    source.step(400)
    source.select(5)
    path = tmp_path / "mlp.gradviz.json"
    assert source.save(path)
    return path, {k: v.copy() for k, v in source.params.items()}


def test_a_replay_in_slices_ends_where_the_saved_session_was(saved):
    path, params = saved
    session = Session()
    changes = []
    session.subscribe(changes.append)
    before = {k: v.copy() for k, v in session.params.items()}
    replay = session.replay_file(path)
    fractions = []
    while (done := replay.advance(0.0)) is not None:  # one step per slice
        fractions.append(done)
    assert len(fractions) > 100 and fractions == sorted(fractions) and 0 < fractions[-1] < 1
    for k, v in before.items():  # all that time the session was the old one
        np.testing.assert_array_equal(session.params[k], v)
    assert changes == []
    replay.commit()
    assert len(changes) == 1  # the switch is one Change
    assert session.current_step == 400 and session.selected == 5
    for k, v in params.items():
        np.testing.assert_array_equal(session.params[k], v)


def test_a_dropped_replay_changes_nothing_and_an_unfinished_one_cannot_commit(saved):
    path, _ = saved
    session = Session()
    session.step(3)
    replay = session.replay_file(path)
    replay.advance(0.0)
    with pytest.raises(ValueError, match="not replayed"):
        replay.commit()
    del replay
    assert session.current_step == 3 and session.model.kind != "mlp"


def test_unsaved_says_what_opening_another_session_would_lose(saved, tmp_path):
    path, _ = saved
    session = Session()
    assert session.unsaved == ()  # a fresh start has nothing to lose
    session.select(2)
    session.set_view(surface_log=True)
    assert session.unsaved == ()  # how it is looked at is not work
    session.step(2)
    assert session.unsaved == ("the training step",)
    session.set_value("lr", 0.05)
    session.add_point((0.1, 0.2), 0)
    assert session.unsaved == ("the data", "the settings", "the training step")
    assert session.save(tmp_path / "mine.gradviz.json")
    assert session.unsaved == ()
    session.step(1)
    assert session.load(path) is not None
    assert session.unsaved == ()  # what was opened is what is in the file
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    session.step(1)
    assert session.load(bad) is None and session.unsaved == ("the training step",)


def test_apply_session_matches_a_fresh_run():
    data = load_preset("softmax-blobs")
    data = core.SessionData(data.dataset, data.settings, 37, data.extra)
    session = Session()
    session.apply_session(data)
    trainer = data.settings.fitted(data.dataset)[0].make_trainer(data.dataset)
    trainer.run(37)
    for k, v in trainer.params.items():
        np.testing.assert_array_equal(session.params[k], v)
