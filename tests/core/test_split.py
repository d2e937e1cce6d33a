"""Held-out points: core.split_indices, and a trainer that trains and measures on the training rows only."""

import numpy as np
import pytest

from gradviz import core
from gradviz.core.schedule import split_indices

from .problems import make_problem


@pytest.mark.parametrize("n,fraction,seed", [(1, 0.5, 0), (2, 0.1, 3), (10, 0.3, 1), (120, 0.25, 7), (1000, 0.5, 2)])
def test_the_split_is_disjoint_sorted_complete_and_the_same_for_the_same_seed(n, fraction, seed):
    train, val = split_indices(n, fraction, seed)
    assert np.array_equal(np.union1d(train, val), np.arange(n)) and np.intersect1d(train, val).size == 0
    assert np.all(np.diff(train) > 0) and np.all(np.diff(val) > 0)
    assert train.size >= 1 and (val.size >= 1 or n < 2)
    again = split_indices(n, fraction, seed)
    assert np.array_equal(again[0], train) and np.array_equal(again[1], val)
    if n >= 100:
        assert abs(val.size / n - fraction) < 0.1  # about the share asked for
        other = split_indices(n, fraction, seed + 1)[1]
        assert not np.array_equal(other, val)


def test_a_point_added_at_the_end_leaves_every_other_point_where_it_was():
    _, before = split_indices(60, 0.3, 5)
    _, after = split_indices(61, 0.3, 5)
    assert np.array_equal(after[after < 60], before)


def test_no_share_holds_nothing_out_and_a_share_over_a_half_is_refused():
    train, val = split_indices(10, 0.0, 0)
    assert val.size == 0 and train.size == 10
    with pytest.raises(ValueError, match="validation share"):
        split_indices(10, 0.7, 0)
    with pytest.raises(ValueError):
        core.Settings(val_fraction=-0.1)


@pytest.mark.parametrize("batch_size", [None, 5])
def test_a_split_trainer_trains_on_the_training_rows_exactly(batch_size):
    model, loss, params, X, Y = make_problem("mlp", "softmax", "ce", n=40, hidden=5)
    opt = core.make_optimizer("momentum", lr=0.1)
    split = core.Trainer(model, loss, opt, X, Y, batch_size=batch_size, seed=4, init_params=params, val_fraction=0.3)
    train, val = split.split(len(X))
    assert val.size > 0 and split.val_fraction == 0.3
    split.run(30)
    if batch_size is None:  # the whole training set each step: the same run as on those rows alone
        alone = core.Trainer(model, loss, opt, X[train], Y[train], seed=4, init_params=params)
        alone.run(30)
        for key in alone.params:
            np.testing.assert_array_equal(split.params[key], alone.params[key])
    for step in range(30):
        split.seek(step)
        batch = split.batch_indices
        assert np.isin(batch, train).all()  # a held-out point never trains
    split.seek(30)
    expected = model.loss_value(split.params, X[train], Y[train], loss)
    np.testing.assert_allclose(split.loss, expected, rtol=1e-12)
    acc = core.accuracy_from_predictions(model.predict(split.params, X[train]), Y[train])
    trainer_metric = core.Trainer(
        model,
        loss,
        opt,
        X,
        Y,
        seed=4,
        init_params=split.params,
        val_fraction=0.3,
        metric=core.accuracy_from_predictions,
    ).metric
    assert trainer_metric == acc


def test_settings_and_session_files_keep_the_share(tmp_path):
    s = core.Settings(model="mlp", loss="ce", val_fraction=0.2)
    assert core.Settings.from_dict(s.to_dict()) == s
    data = core.generate("moons", seed=0)
    path = tmp_path / "s.gradviz.json"
    core.save_session(path, core.SessionData(data, s.fitted(data)[0], 0))
    assert core.load_session(path).settings.val_fraction == 0.2
    text = path.read_text().replace('"val_fraction": 0.2', '"val_fraction": 0.9')
    path.write_text(text)
    with pytest.raises(core.SessionFileError, match="val_fraction"):
        core.load_session(path)
