"""A session with points held out: which points, their loss at each step, edits, files."""

import numpy as np
import pytest

from gradviz.presets import load_preset
from gradviz.state import Session


def _session(fraction=0.25, preset="mlp-moons"):
    d = load_preset(preset)
    return Session(d.dataset, d.settings.replace(val_fraction=fraction))


def test_the_held_out_points_and_their_loss_at_every_step():
    s = _session()
    train, val = s.train_indices, s.val_indices
    assert np.array_equal(np.union1d(train, val), np.arange(s.source_dataset.n_samples)) and val.size > 10
    s.step(15)
    X, Y = s.dataset.X, s.dataset.Y
    assert np.isclose(s.validation_loss(), s.model.loss_value(s.params, X[val], Y[val], s.loss_fn), rtol=1e-12)
    assert np.isclose(s.frame.loss, s.model.loss_value(s.params, X[train], Y[train], s.loss_fn), rtol=1e-12)
    curve = s.frame.validation_curve
    assert curve.shape == (16, 2) and np.isclose(curve[-1, 0], s.validation_loss())
    s.seek(4)  # the curve's earlier rows are the loss at those steps' parameters
    assert np.isclose(s.validation_loss(), curve[4, 0], rtol=1e-12)
    assert _session(0.0).validation_loss() is None and _session(0.0).frame.validation_curve is None


def test_a_point_added_keeps_the_others_where_they_were_and_the_share_restarts_the_run():
    s = _session()
    before, n = s.val_indices.copy(), s.source_dataset.n_samples
    s.step(5)
    s.add_point([0.5, 0.5], 1)
    assert s.source_dataset.n_samples == n + 1 and np.array_equal(s.val_indices[s.val_indices < n], before)
    s.set_value("val_fraction", 0.4)
    assert s.current_step == 0 and s.val_indices.size > before.size


def test_a_saved_session_with_a_split_reopens_the_same(tmp_path):
    s = _session(0.3)
    s.step(40)
    path = tmp_path / "held.gradviz.json"
    assert s.save(path)
    t = _session(0.0, "linear-line")
    t.load(path)
    assert t.settings.val_fraction == 0.3 and np.array_equal(t.val_indices, s.val_indices)
    for key in s.params:
        np.testing.assert_array_equal(t.params[key], s.params[key])
    np.testing.assert_array_equal(t.frame.validation_curve, s.frame.validation_curve)


def _trained(preset: str, steps: int = 2000) -> Session:
    d = load_preset(preset)
    s = Session(d.dataset, d.settings)
    s.apply_session(d)
    s.step(steps)
    return s


def test_the_overfit_lesson_overfits_and_weight_decay_tames_it():
    over = _trained("overfit")
    steps, train, val = over.frame.curves.steps, over.frame.curves.loss, over.frame.validation_curve[:, 0]
    last_quarter = [int(np.searchsorted(steps, t)) for t in (1500, 1625, 1750, 1875, 2000)]
    assert np.all(np.diff(val[last_quarter]) > 0)  # the validation loss rises through the last quarter …
    assert np.all(np.diff(train[last_quarter]) < 0)  # … while the training loss keeps falling
    assert val.min() < 0.2 and val[-1] > 2.5 and train[-1] < 1e-3  # measured: 0.175 at step 164, 2.84; 6.5e-4
    tamed = _trained("weight-decay")
    assert tamed.settings.optimizer == "adamw" and tamed.settings.get("weight_decay") == 0.3
    assert tamed.validation_loss() < over.validation_loss() / 3  # measured: 0.57 against 2.84
    assert tamed.frame.validation[1] > over.frame.validation[1]  # and more held-out points right (0.875, 0.75)
    # the weight-decay lesson races the overfit net beside it, on the same held-out points
    assert len(tamed.runs) == 2 and tamed.runs[1].settings.optimizer == "adam"
    n = tamed.source_dataset.n_samples
    np.testing.assert_array_equal(tamed.runs[0].trainer.split(n)[1], tamed.runs[1].trainer.split(n)[1])
    raced = tamed.frame.race_validation
    assert raced[1][0] == pytest.approx(over.validation_loss(), rel=1e-9) and raced[0][0] < raced[1][0] / 3


def test_the_held_out_curve_follows_a_branch_and_a_long_thinned_run():
    s = _session(0.3)
    s.step(30)
    s.seek(10)
    s.set_value("lr", 0.2)  # a branch from step 10: the steps after it are new parameters
    s.step(20)
    curve = s.frame.validation_curve
    X, Y, val = s.dataset.X, s.dataset.Y, s.val_indices
    for k in (12, 20, 30):
        s.seek(k)
        assert np.isclose(curve[k, 0], s.model.loss_value(s.params, X[val], Y[val], s.loss_fn), rtol=1e-12)
    s.seek(30)
    s.step(3000)  # the curve thins its rows: the kept ones keep their values, each still right
    steps, curve = s.frame.curves.steps, s.frame.validation_curve
    assert len(steps) < 1500 and curve.shape == (len(steps), 2)
    for k in (0, len(steps) // 2, len(steps) - 1):
        s.seek(int(steps[k]))
        assert np.isclose(curve[k, 0], s.validation_loss(), rtol=1e-12)
