"""The Trainer: determinism, the timeline (seek), regimes, divergence, bounded history."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz import core


def _trainer(opt="adam", batch_size=None, seed=0, n=40, **kw):
    ds = core.generate("blobs", n_samples=n, seed=1)
    model = core.make_model("logistic", 2)
    return core.Trainer(
        model,
        core.make_loss("bce"),
        core.make_optimizer(opt, lr=0.1),
        ds.X,
        ds.encode_targets(1),
        batch_size=batch_size,
        seed=seed,
        **kw,
    )


def _same_history(a, b):
    ha, hb = a.history(), b.history()
    np.testing.assert_array_equal(ha.steps, hb.steps)
    np.testing.assert_array_equal(ha.params, hb.params)
    np.testing.assert_array_equal(ha.loss, hb.loss)
    np.testing.assert_array_equal(ha.grads, hb.grads)


def test_steps_record_params_loss_and_gradients():
    t = _trainer()
    assert t.step_index == 0
    assert t.run(10) == 10
    h = t.history()
    assert list(h.steps) == list(range(11))
    np.testing.assert_array_equal(h.params[-1], t.model.spec.flatten(t.params))
    assert h.loss[-1] == pytest.approx(t.loss)
    assert h.loss[-1] < h.loss[0]
    np.testing.assert_allclose(h.grad_norm, np.linalg.norm(h.grads, axis=1))
    value, grads = t.model.loss_and_grad(t.params, t.X, t.Y, t.loss_fn)
    assert value == t.loss
    np.testing.assert_array_equal(grads["W"], t.grads["W"])


def test_same_seed_same_run_and_reset_returns_to_the_same_init():
    a, b = _trainer(batch_size=7, seed=3), _trainer(batch_size=7, seed=3)
    a.run(30)
    b.run(30)
    _same_history(a, b)
    a.reset()
    assert a.step_index == 0
    np.testing.assert_array_equal(a.params["W"], b.history().params[0][:2].reshape(2, 1))
    c = _trainer(batch_size=7, seed=4)
    c.run(30)
    assert not np.array_equal(c.history().params, b.history().params)


def test_scrub_then_step_is_the_same_as_stepping_from_reset():
    """Issue 3's timeline test: step 20, scrub to 5, step: the same as stepping 6 from reset."""
    t = _trainer(opt="adam", batch_size=8)
    t.run(20)
    t.seek(5)
    assert t.step_index == 5 and t.last_step == 20  # the future stays until the next step
    t.step()
    assert t.last_step == 6  # ... and is then discarded
    fresh = _trainer(opt="adam", batch_size=8)
    fresh.run(6)
    _same_history(t, fresh)
    for key in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_array_equal(t.opt_state[key]["W"], fresh.opt_state[key]["W"])


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(core.OPTIMIZERS),
    st.sampled_from([None, 1, 5, 13]),
    st.integers(1, 70),
    st.data(),
)
def test_seek_then_stepping_reproduces_the_history(opt, batch, n, data):
    t = _trainer(opt=opt, batch_size=batch, n=30)
    t.run(n)
    reference = t.history()
    k = data.draw(st.integers(0, n))
    t.seek(k)
    np.testing.assert_array_equal(t.model.spec.flatten(t.params), reference.params[k])
    t.run(n - k)
    _same_history_arrays(t.history(), reference)


def _same_history_arrays(h, ref):
    np.testing.assert_array_equal(h.steps, ref.steps)
    np.testing.assert_array_equal(h.params, ref.params)
    np.testing.assert_array_equal(h.grads, ref.grads)


def test_seek_replays_from_checkpoints_when_rows_were_thinned():
    t = _trainer(opt="momentum", max_rows=50)
    t.run(300)
    h = t.history()
    assert len(h) <= 50 and t.history_store.stride > 1
    assert h.steps[-1] == 300 and h.steps[0] == 0
    missing = next(s for s in range(300) if s not in set(h.steps.tolist()))
    full = _trainer(opt="momentum")
    full.run(300)
    np.testing.assert_array_equal(t.model.spec.flatten(t.params_at(missing)), full.history().params[missing])
    t.seek(missing)
    np.testing.assert_array_equal(t.model.spec.flatten(t.params), full.history().params[missing])
    t.run(300 - missing)
    np.testing.assert_array_equal(t.model.spec.flatten(t.params), full.history().params[300])


def test_changing_the_learning_rate_midrun_does_not_reset_and_is_replayed():
    t = _trainer(opt="adam")
    t.run(10)
    t.set_learning_rate(0.01)
    assert t.step_index == 10 and t.optimizer.lr == 0.01
    t.run(10)
    ref = t.history()
    t.seek(3)  # seeking replays with the settings in force back then
    np.testing.assert_array_equal(t.model.spec.flatten(t.params), ref.params[3])
    t.seek(14)
    t.run(6)
    _same_history_arrays(t.history(), ref)
    # a new branch from a scrubbed step trains with the latest settings (what the controls show)
    t.seek(3)
    assert t.optimizer.lr == 0.1
    t.step()
    assert t.last_step == 4 and t.optimizer.lr == 0.01
    expected = core.make_optimizer("adam", lr=0.01).step(
        t.model.spec.unflatten(ref.params[3]), t.model.spec.unflatten(ref.grads[3]), _adam_state_at(3)
    )[0]
    np.testing.assert_allclose(t.params["W"], expected["W"], rtol=1e-12)
    # settings changed at a scrubbed point drop the future recorded with the old ones
    t.run(5)
    t.seek(5)
    t.set_learning_rate(0.5)
    assert t.last_step == 5


def _adam_state_at(k):
    u = _trainer(opt="adam")
    u.run(k)
    return u.opt_state


def test_optimizer_switch_midrun_and_back_keeps_state_consistent():
    t = _trainer(opt="adam")
    t.run(5)
    t.set_optimizer(core.make_optimizer("sgd", lr=0.1))
    t.set_optimizer(core.make_optimizer("adam", lr=0.1))  # back at the same step: buffers survive
    t.run(5)
    u = _trainer(opt="adam")
    u.run(10)
    _same_history_arrays(t.history(), u.history())


def test_batch_size_and_data_changes_midrun():
    t = _trainer(opt="sgd")
    t.run(5)
    t.set_batch_size(1)
    assert t.batch_indices is not None and t.batch_indices.size == 1
    t.run(5)
    ds = core.generate("blobs", n_samples=40, seed=1).with_point_added([0.0, 0.0], 1)
    t.set_data(ds.X, ds.encode_targets(1))
    assert t.X.shape[0] == 41 and t.step_index == 10
    value, _ = t.model.loss_and_grad(t.params, ds.X, ds.encode_targets(1), t.loss_fn)
    assert t.loss == pytest.approx(value)
    t.run(5)
    ref = t.history()
    t.seek(12)
    t.run(3)
    _same_history_arrays(t.history(), ref)
    t.seek(2)  # a branch from before the edit trains on the edited data
    t.step()
    assert t.X.shape[0] == 41 and t.batch_size == 1
    with pytest.raises(ValueError):
        t.set_batch_size(0)


def test_minibatches_cover_each_epoch_once():
    t = _trainer(opt="sgd", batch_size=7, n=20)
    seen = []
    for _ in range(3):  # ceil(20 / 7) = 3 batches per epoch
        seen.append(t.batch_indices.copy())
        t.step()
    assert sorted(np.concatenate(seen).tolist()) == list(range(20))


def test_divergence_stops_and_keeps_the_last_finite_state():
    ds = core.generate("line", n_samples=30)
    model = core.make_model("linear", 1)
    t = core.Trainer(model, core.make_loss("mse"), core.make_optimizer("sgd", lr=1e3), ds.X, ds.encode_targets(1))
    taken = t.run(500)
    assert taken < 500 and t.diverged
    assert "smaller learning rate" in t.divergence_message
    assert t.step_index == taken
    assert all(np.all(np.isfinite(v)) for v in t.params.values())
    assert np.isfinite(t.loss)
    t.set_learning_rate(0.01)  # fixing the lr clears the flag and training goes on
    assert not t.diverged and t.step()


def test_history_memory_is_bounded():
    t = _trainer(opt="sgd", max_rows=128)
    t.run(2000)
    assert len(t.history()) <= 128
    assert len(t.checkpoint_steps) <= 64 + 1


def test_next_update_is_what_the_step_applies():
    t = _trainer(opt="momentum")
    t.run(3)
    up = t.next_update()
    before = t.params
    t.step()
    np.testing.assert_allclose(t.params["W"], before["W"] + up["W"])


def test_seek_out_of_range_and_bad_arguments():
    t = _trainer()
    t.run(3)
    with pytest.raises(ValueError):
        t.seek(4)
    with pytest.raises(ValueError):
        t.seek(-1)
    with pytest.raises(ValueError):
        _trainer(seed=-1)
    with pytest.raises(ValueError):
        _trainer(batch_size=0)


def test_gd_on_linear_mse_converges_to_the_normal_equation():
    """Seed 003: gradient descent walks to the closed-form optimum."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 2))
    y = X @ np.array([1.5, -0.5]) + 0.3 + 0.1 * rng.normal(size=60)
    model = core.make_model("linear", 2)
    t = core.Trainer(model, core.make_loss("mse"), core.make_optimizer("sgd", lr=0.3), X, y[:, None])
    t.run(600)
    W, b = core.normal_equation(X, y)
    np.testing.assert_allclose(t.params["W"], W, atol=1e-9)
    np.testing.assert_allclose(t.params["b"], b, atol=1e-9)
    assert t.grad_norm < 1e-9


@pytest.mark.parametrize("batch", [None, 9])
def test_accuracy_metric_is_recorded_from_the_same_forward_pass(batch):
    ds = core.generate("spiral", n_samples=45, classes=3, seed=2)
    settings = core.Settings(model="softmax", loss="ce", optimizer="adam", hyperparams={"lr": 0.1}, batch_size=batch)
    t = settings.make_trainer(ds)
    t.run(12)
    Y = ds.encode_targets(3)
    assert t.metric == pytest.approx(core.accuracy(t.model, t.params, ds.X, Y))
    acc = t.history().metric
    assert acc[0] == pytest.approx(core.accuracy(t.model, t.params_at(0), ds.X, Y))
    t.seek(4)
    assert t.metric == pytest.approx(acc[4])
    regression = core.Settings(model="linear", loss="mse").make_trainer(core.generate("line", n_samples=10))
    assert np.isnan(regression.metric)


def test_history_store_tells_appends_from_rewrites():
    t = _trainer()
    store = t.history_store
    serial, version, n = store.serial, store.version, len(store)
    t.run(5)
    assert (store.serial, store.version, len(store)) == (serial, version, n + 5)  # appended only
    t.seek(2)
    t.set_learning_rate(0.01)  # a branch: rows after step 2 are gone
    assert store.version != version
    t.reset()
    assert t.history_store.serial != serial


def test_the_trainers_forward_pass_is_the_current_steps():
    data = core.generate("blobs", n_samples=50, seed=0, classes=3)
    t = core.Settings(model="softmax", loss="ce", batch_size=16).make_trainer(data)
    for action in (lambda: t.run(7), lambda: t.seek(3), lambda: t.params_at(6), lambda: t.set_batch_size(None)):
        action()
        fwd = t.forward
        np.testing.assert_allclose(fwd.P, t.model.predict(t.params, t.X), rtol=1e-12)
    t.set_data(t.X[:40], t.Y[:40])  # an edit at step 3; scrubbing before it, the step's data are older
    t.run(2)
    t.seek(1)
    assert t.forward is None
    bad = core.Settings(model="linear", loss="mse", hyperparams={"lr": 1e6})
    t2 = bad.make_trainer(core.generate("line", seed=0))
    t2.run(100)
    assert t2.diverged and (t2.forward is None or np.allclose(t2.forward.P, t2.model.predict(t2.params, t2.X)))
