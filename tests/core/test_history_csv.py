"""A run's history as CSV reads back to the same floats, with η as it was at each step."""

import csv
import io

import numpy as np
import pytest

from gradviz import core


def _trainer():
    data = core.generate("blobs", n_samples=40, seed=0)
    settings = core.Settings(model="logistic", loss="bce", hyperparams={"lr": 0.5}, batch_size=8, seed=2)
    t = settings.make_trainer(data)
    t.run(6)
    t.set_learning_rate(0.05)  # η from step 6 on
    t.run(5)
    return t


def test_every_recorded_step_reads_back_to_the_same_floats():
    t = _trainer()
    rows = list(csv.reader(io.StringIO(core.history_csv([("run 1", t)]))))
    header, body = rows[0], rows[1:]
    assert header[:7] == list(core.HISTORY_COLUMNS) and header[7:] == t.spec.labels()
    h = t.history()
    assert [int(r[1]) for r in body] == list(h.steps)
    table = np.array([[float(x) for x in r[2:]] for r in body])
    np.testing.assert_array_equal(table[:, 0], h.loss)  # bit for bit: repr round-trips
    np.testing.assert_array_equal(table[:, 1], h.batch_loss)
    np.testing.assert_array_equal(table[:, 2], h.metric)
    np.testing.assert_array_equal(table[:, 3], h.grad_norm)
    np.testing.assert_array_equal(table[:, 5:], h.params)
    assert list(table[:, 4]) == [0.5] * 6 + [0.05] * 6  # η in force at each step


def test_regression_leaves_accuracy_empty_and_several_runs_follow_each_other(tmp_path):
    data = core.generate("line", n_samples=20, seed=0)
    a = core.Settings(model="linear", loss="mse").make_trainer(data)
    b = core.Settings(model="linear", loss="mse", hyperparams={"lr": 0.01}).make_trainer(data)
    a.run(3)
    b.run(2)
    path = tmp_path / "h.csv"
    core.save_history_csv(path, [("a", a), ("b", b)])
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert [r["run"] for r in rows] == ["a"] * 4 + ["b"] * 3
    assert all(r["accuracy"] == "" for r in rows)
    with pytest.raises(ValueError):
        core.history_csv([])
