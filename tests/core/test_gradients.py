"""Every model × admitted loss against finite differences, and the seeds' closed forms."""

import numpy as np
import pytest

from gradviz import core

from .problems import make_problem


def test_loss_and_grad_matches_central_differences(problem):
    model, loss, params, X, Y = problem
    result = core.gradcheck(model, loss, params, X, Y, eps=1e-6, rtol=1e-5, atol=1e-8)
    assert result.ok, f"max abs error {result.max_abs_error:g}, rel {result.max_rel_error:g}"


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output,loss", [("softmax", "ce"), ("sigmoid", "bce"), ("identity", "mse")])
def test_mlp_every_hidden_activation(act, output, loss):
    model, loss_fn, params, X, Y = make_problem("mlp", output, loss, hidden_activation=act, seed=3)
    assert core.gradcheck(model, loss_fn, params, X, Y).ok


def test_grads_have_the_params_keys_and_shapes(problem):
    model, loss, params, X, Y = problem
    value, grads = model.loss_and_grad(params, X, Y, loss)
    assert isinstance(value, float)
    assert set(grads) == set(params)
    for key in params:
        assert grads[key].shape == params[key].shape


@pytest.mark.parametrize(
    "kind,loss_name",
    [("linear", "mse"), ("logistic", "bce"), ("softmax", "ce")],
)
def test_canonical_pairs_give_logit_delta_yhat_minus_y_over_n(kind, loss_name):
    """Seed 001: dL/dz = (ŷ − y)/N for MSE+identity, BCE+sigmoid, CE+softmax."""
    output = {"linear": "identity", "logistic": "sigmoid", "softmax": "softmax"}[kind]
    model, loss, params, X, Y = make_problem(kind, output, loss_name)
    P = model.predict(params, X)
    delta = model.logit_delta(params, X, Y, loss)
    np.testing.assert_allclose(delta, (P - Y) / len(X), rtol=1e-12, atol=1e-15)
    # and so dL/dW = Xᵀ(ŷ − y)/N, dL/db = Σ(ŷ − y)/N
    _, grads = model.loss_and_grad(params, X, Y, loss)
    np.testing.assert_allclose(grads["W"], X.T @ (P - Y) / len(X), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads["b"], (P - Y).sum(0) / len(X), rtol=1e-12, atol=1e-15)


def test_mse_with_sigmoid_is_not_yhat_minus_y():
    """Seed 001's closing warning: for MSE + sigmoid, dL/dz = (ŷ − y)ŷ(1 − ŷ)/N, not (ŷ − y)/N."""
    model, loss, params, X, Y = make_problem("logistic", "sigmoid", "mse")
    P = model.predict(params, X)
    delta = model.logit_delta(params, X, Y, loss)
    np.testing.assert_allclose(delta, (P - Y) * P * (1 - P) / len(X), rtol=1e-12)
    assert not np.allclose(delta, (P - Y) / len(X))


def test_per_sample_contributions_are_x_times_residual_and_sum_to_gradient(problem):
    """Seed 002: ∇ℓᵢ = xᵢ(pᵢ − yᵢ); the batch gradient is the mean of them."""
    model, loss, params, X, Y = problem
    per = model.per_sample_grads(params, X, Y, loss)
    _, grads = model.loss_and_grad(params, X, Y, loss)
    for key in grads:
        assert per[key].shape == (len(X),) + grads[key].shape
        np.testing.assert_allclose(per[key].sum(axis=0), grads[key], rtol=1e-10, atol=1e-14)
    if model.kind == "logistic" and loss.name == "bce":
        P = model.predict(params, X)
        np.testing.assert_allclose(per["W"][:, :, 0] * len(X), X * (P - Y), rtol=1e-12)


def test_seed_003_two_layer_backprop_formulas():
    """dL/dW² = aᵀ(ŷ − y)/N, dL/db² = Σ(ŷ − y)/N, dL/dz¹ = (ŷ − y)W²ᵀ ⊙ a(1 − a)/N."""
    model, loss, params, X, Y = make_problem("mlp", "softmax", "ce", hidden_activation="sigmoid")
    N = len(X)
    A = model.hidden_activations(params, X)
    P = model.predict(params, X)
    _, g = model.loss_and_grad(params, X, Y, loss)
    np.testing.assert_allclose(g["W2"], A.T @ (P - Y) / N, rtol=1e-12)
    np.testing.assert_allclose(g["b2"], (P - Y).sum(0) / N, rtol=1e-12)
    dz1 = ((P - Y) / N @ params["W2"].T) * A * (1 - A)
    np.testing.assert_allclose(g["W1"], X.T @ dz1, rtol=1e-12)
    np.testing.assert_allclose(g["b1"], dz1.sum(0), rtol=1e-12)


def test_seed_000_loss_values_and_output_gradients():
    rng = np.random.default_rng(1)
    N = 7
    y = rng.normal(size=(N, 1))
    yhat = rng.normal(size=(N, 1))
    mse = core.make_loss("mse")
    assert mse.value(yhat, y) == pytest.approx(np.sum((y - yhat) ** 2) / (2 * N))
    np.testing.assert_allclose(mse.grad_output(yhat, y), (yhat - y) / N)
    p = rng.uniform(0.05, 0.95, size=(N, 1))
    t = rng.integers(0, 2, size=(N, 1)).astype(float)
    bce = core.make_loss("bce")
    assert bce.value(p, t) == pytest.approx(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
    np.testing.assert_allclose(bce.grad_output(p, t), -(t / p - (1 - t) / (1 - p)) / N)
    P = core.softmax(rng.normal(size=(N, 4)))
    Y = np.eye(4)[rng.integers(0, 4, N)]
    ce = core.make_loss("ce")
    assert ce.value(P, Y) == pytest.approx(-np.sum(Y * np.log(P)) / N)
    np.testing.assert_allclose(ce.grad_output(P, Y), -(Y / P) / N)


def test_loss_from_logits_equals_loss_from_probabilities(problem):
    model, loss, params, X, Y = problem
    P = model.predict(params, X)
    assert model.loss_value(params, X, Y, loss) == pytest.approx(loss.value(P, Y), rel=1e-12)


def test_per_sample_losses_average_to_the_loss(problem):
    model, loss, params, X, Y = problem
    per = model.per_sample_losses(params, X, Y, loss)
    assert per.shape == (len(X),)
    assert per.mean() == pytest.approx(model.loss_value(params, X, Y, loss), rel=1e-12)


@pytest.mark.parametrize("kind,k,loss_name", [("logistic", 1, "bce"), ("softmax", 3, "ce")])
def test_losses_and_gradients_stay_finite_for_logits_of_1e3(kind, k, loss_name):
    model = core.make_model(kind, 1, k)
    X = np.array([[1.0], [-1.0], [1.0]])
    Y = np.eye(max(k, 2))[[0, 1, 1]][:, :k] if k > 1 else np.array([[0.0], [1.0], [1.0]])
    params = {"W": np.full((1, k), 1e3) * (np.arange(k) + 1 if k > 1 else 1), "b": np.zeros(k)}
    value, grads = model.loss_and_grad(params, X, Y, core.make_loss(loss_name))
    assert np.isfinite(value) and value > 100  # confidently wrong on some samples: a large loss, not inf
    assert all(np.all(np.isfinite(g)) for g in grads.values())


def test_invalid_pairs_raise_a_clear_value_error():
    X, Y = np.zeros((3, 2)), np.zeros((3, 1))
    lin = core.make_model("linear", 2)
    with pytest.raises(ValueError, match="softmax"):
        lin.loss_and_grad(lin.init(), X, Y, core.make_loss("ce"))
    with pytest.raises(ValueError, match="sigmoid"):
        lin.loss_and_grad(lin.init(), X, Y, core.make_loss("bce"))
    sm = core.make_model("softmax", 2, 3)
    with pytest.raises(core.IncompatibleLossError):
        sm.loss_and_grad(sm.init(), X, np.zeros((3, 3)), core.make_loss("bce"))


def test_wrong_shapes_and_empty_data_raise_value_errors():
    m = core.make_model("softmax", 2, 3)
    p = m.init()
    with pytest.raises(ValueError, match="shape"):
        m.loss_and_grad(p, np.zeros((4, 3)), np.zeros((4, 3)), core.make_loss("ce"))
    with pytest.raises(ValueError, match="shape"):
        m.loss_and_grad(p, np.zeros((4, 2)), np.zeros((4, 2)), core.make_loss("ce"))
    with pytest.raises(ValueError, match="empty"):
        m.loss_and_grad(p, np.zeros((0, 2)), np.zeros((0, 3)), core.make_loss("ce"))


def test_make_model_contract_shapes():
    assert {k: v.shape for k, v in core.make_model("linear", n_features=3, n_outputs=2).init(0).items()} == {
        "W": (3, 2),
        "b": (2,),
    }
    assert core.make_model("logistic", n_features=2).n_outputs == 1
    mlp = core.make_model("mlp", n_features=2, n_outputs=3, hidden=5, hidden_activation="relu", output="softmax")
    assert {k: v.shape for k, v in mlp.init(seed=0).items()} == {"W1": (2, 5), "b1": (5,), "W2": (5, 3), "b2": (3,)}
    X = np.zeros((4, 2))
    assert mlp.logits(mlp.init(), X).shape == (4, 3)
    assert mlp.predict(mlp.init(), X).shape == (4, 3)
    with pytest.raises(ValueError):
        core.make_model("softmax", n_features=2, n_outputs=1)
    with pytest.raises(ValueError):
        core.make_model("logistic", n_features=2, n_outputs=3)
    with pytest.raises(ValueError):
        core.make_model("perceptron", n_features=2)
    with pytest.raises(ValueError):
        core.make_model("mlp", n_features=2, hidden=0)


def test_init_is_seeded():
    m = core.make_model("mlp", 2, 3, hidden=6)
    a, b, c = m.init(seed=4), m.init(seed=4), m.init(seed=5)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["W1"], c["W1"])
