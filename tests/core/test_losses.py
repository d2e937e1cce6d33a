"""One definition of each loss: every entry point agrees with it, and it is never negative."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz import core

from .problems import PAIRS, make_problem


def test_every_entry_point_computes_the_same_loss(problem):
    model, loss, params, X, Y = problem
    fwd = model.forward(params, X)
    per = model.per_sample_losses(params, X, Y, loss)
    assert per.shape == (len(X),) and np.all(per >= 0)
    value = model.loss_value(params, X, Y, loss)
    assert value == pytest.approx(per.mean(), rel=1e-12)
    assert model.loss_and_grad(params, X, Y, loss)[0] == pytest.approx(value, rel=1e-12)
    assert loss.value_from_logits(fwd.Z, Y, model.output) == pytest.approx(value, rel=1e-10)
    assert loss.value(fwd.P, Y) == pytest.approx(value, rel=1e-8)


@pytest.mark.parametrize("kind,output,name", PAIRS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grid_totals_are_the_per_sample_sum(kind, output, name, dtype):
    model, loss, params, X, Y = make_problem(kind, output, name)
    spec = model.spec
    d1, d2 = core.random_directions(params, seed=1)
    alphas, betas = np.linspace(-1, 1, 4), np.linspace(-2, 2, 3)
    S = core.loss_surface(model, loss, X, Y, params, d1, d2, alphas, betas, dtype=dtype)
    c, u, v = spec.flatten(params), spec.flatten(d1), spec.flatten(d2)
    for i, a in enumerate(alphas):
        for j, b in enumerate(betas):
            expected = model.loss_value(spec.unflatten(c + a * u + b * v), X, Y, loss)
            assert S[i, j] == pytest.approx(expected, rel=2e-5 if dtype == np.float32 else 1e-10)


@settings(max_examples=60, deadline=None)
@given(z=st.floats(-1e3, 1e3), y=st.sampled_from([0.0, 1.0]))
def test_bce_is_never_negative_however_large_the_logit(z, y):
    model = core.make_model("logistic", 1)
    params = {"W": np.array([[z]]), "b": np.zeros(1)}
    X = np.ones((3, 1))
    Y = np.full((3, 1), y)
    loss = core.make_loss("bce")
    assert model.loss_value(params, X, Y, loss) >= 0.0
    assert np.all(model.per_sample_losses(params, X, Y, loss) >= 0.0)


def test_a_confident_right_model_has_zero_loss_not_a_negative_one():
    """Sums of softplus(z) − yz over many samples used to cancel below zero (−1e−10 at η = 10⁶)."""
    rng = np.random.default_rng(0)
    z = rng.uniform(30, 800, size=(5000, 1))
    Y = np.ones_like(z)
    bce = core.make_loss("bce")
    value, delta = bce.value_and_delta_t(z.T, core.sigmoid(z).T, None, Y.T, "sigmoid")
    assert 0.0 <= value < 1e-12
    Z = np.column_stack([z[:, 0], -z[:, 0], np.zeros(len(z))])
    Yc = np.eye(3)[np.zeros(len(z), dtype=int)]
    lse = core.logsumexp(Z, axis=1)
    ce = core.make_loss("ce")
    assert 0.0 <= ce.value_and_delta_t(Z.T, core.softmax(Z).T, lse, Yc.T, "softmax")[0] < 1e-12


def test_trainer_loss_stays_non_negative_in_a_diverging_run():
    data = core.generate("blobs", n_samples=60, seed=0)
    t = core.Settings(hyperparams={"lr": 1e6}).make_trainer(data)
    t.run(50)
    h = t.history()
    assert np.all(h.loss >= 0) and np.all(h.batch_loss >= 0)


def test_sample_output_grads_say_where_they_are_undefined():
    ce, bce = core.make_loss("ce"), core.make_loss("bce")
    g = ce.sample_output_grads(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]]))
    np.testing.assert_array_equal(g, [[0.0, -1.0]])  # the zero target removes the 0/0 term
    g = bce.sample_output_grads(np.array([[0.0]]), np.array([[1.0]]))
    assert np.isinf(g[0, 0])
    np.testing.assert_allclose(bce.sample_output_grads(np.array([[0.25]]), np.array([[1.0]])), [[-4.0]])


def test_backprop_trace_averages_to_the_batch_gradient(problem):
    model, loss, params, X, Y = problem
    traces = [core.backprop_trace(model, params, X[i], Y[i], loss) for i in range(len(X))]
    value, grads = model.loss_and_grad(params, X, Y, loss)
    for key in params:
        np.testing.assert_allclose(np.mean([t[key] for t in traces], axis=0), grads[key], rtol=1e-10, atol=1e-14)
    assert np.mean([float(t["loss"]) for t in traces]) == pytest.approx(value, rel=1e-12)
    t = traces[0]
    dz = t["dz2"] if model.kind == "mlp" else t["dz"]
    np.testing.assert_allclose(dz, t["dyhat"] @ t["jacobian"], rtol=1e-10, atol=1e-14)  # the chain rule
    if loss.is_canonical(model.output):
        np.testing.assert_allclose(dz, t["yhat"] - Y[0] * (Y[0].sum() if loss.name == "ce" else 1), atol=1e-12)
    if model.kind == "mlp":
        g_prime = 1 - t["a1"] ** 2  # tanh
        np.testing.assert_allclose(t["dz1"], (t["dz2"] @ params["W2"].T) * g_prime, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(t["W1"], np.outer(X[0], t["dz1"]), rtol=1e-10, atol=1e-14)
