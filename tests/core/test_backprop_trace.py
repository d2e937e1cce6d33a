"""core.backprop_trace: one sample forwards and back (every value, δ, ∂ℓ/∂ŷ, ∂ŷ/∂z and ∂ℓ/∂θ) against
torch autograd, and the samples' gradients against the batch gradient."""

import numpy as np
import pytest

from gradviz import core

from .problems import PAIRS, make_problem

torch = pytest.importorskip("torch", reason="torch (the bench extra) is not installed")

TORCH_ACT = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "identity": lambda z: z}


def _torch_loss(name, output, z, y, yhat):
    """ℓ of one sample, written from ŷ where the math is (so ∂ℓ/∂ŷ exists), from z where it is stable."""
    if name == "mse":
        return 0.5 * ((yhat - y) ** 2).sum()  # ℓ = ½‖ŷ − y‖²: ∂ℓ/∂z = ŷ − y for the identity
    if name == "bce":
        return -(y * torch.log(yhat) + (1 - y) * torch.log(1 - yhat)).sum()
    return -(y * torch.log(yhat)).sum()


def _torch_trace(kind, output, loss, hidden_activation, params, x, y):
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    xt, yt = torch.tensor(x), torch.tensor(y)
    if kind == "mlp":
        z1 = xt @ t["W1"] + t["b1"]
        z1.retain_grad()
        a1 = TORCH_ACT[hidden_activation](z1)
        z = a1 @ t["W2"] + t["b2"]
    else:
        z = xt @ t["W"] + t["b"]
    z.retain_grad()
    yhat = {"softmax": lambda: torch.softmax(z, dim=0), "sigmoid": lambda: torch.sigmoid(z)}.get(output, lambda: z)()
    yhat.retain_grad()
    ell = _torch_loss(loss, output, z, yt, yhat)
    ell.backward()
    out = {k: v.grad.numpy() for k, v in t.items()}
    out["loss"], out["yhat"], out["dyhat"] = ell.detach().numpy(), yhat.detach().numpy(), yhat.grad.numpy()
    out["jacobian"] = torch.autograd.functional.jacobian(
        lambda zz: {"softmax": lambda: torch.softmax(zz, dim=0), "sigmoid": lambda: torch.sigmoid(zz)}.get(
            output, lambda: zz
        )(),
        z.detach(),
    ).numpy()
    out["dz2" if kind == "mlp" else "dz"] = z.grad.numpy()
    if kind == "mlp":
        out["dz1"] = z1.grad.numpy()
        out["z1"], out["a1"], out["z2"] = z1.detach().numpy(), a1.detach().numpy(), z.detach().numpy()
    else:
        out["z"] = z.detach().numpy()
    return out


CASES = [(k, o, l, "tanh") for k, o, l in PAIRS] + [
    ("mlp", o, l, act) for _, o, l in PAIRS[5:] for act in ("sigmoid", "relu")
]


@pytest.mark.parametrize("kind,output,loss,hidden_activation", CASES)
def test_each_sample_forwards_and_back_equals_torch_autograd(kind, output, loss, hidden_activation):
    model, loss_fn, params, X, Y = make_problem(kind, output, loss, hidden_activation=hidden_activation, n=7)
    keys = {"loss", "dyhat", "jacobian", "yhat"} | (
        {"z1", "a1", "z2", "dz2", "dz1", "W1", "b1", "W2", "b2"} if kind == "mlp" else {"z", "dz", "W", "b"}
    )
    for i in range(len(X)):
        trace = core.backprop_trace(model, params, X[i], Y[i], loss_fn)
        assert set(trace) == keys and all(v.dtype == np.float64 for v in trace.values())
        expected = _torch_trace(kind, output, loss, hidden_activation, params, X[i], Y[i])
        for key, value in expected.items():
            np.testing.assert_allclose(trace[key], value, rtol=1e-10, atol=1e-13, err_msg=f"{key} of sample {i}")


@pytest.mark.parametrize("kind,output,loss", PAIRS)
def test_the_samples_gradients_averaged_are_the_batch_gradient(kind, output, loss):
    model, loss_fn, params, X, Y = make_problem(kind, output, loss, n=11)
    traces = [core.backprop_trace(model, params, X[i], Y[i], loss_fn) for i in range(len(X))]
    _, grads = model.loss_and_grad(params, X, Y, loss_fn)
    for key, g in grads.items():
        np.testing.assert_allclose(np.mean([t[key] for t in traces], axis=0), g, rtol=1e-12, atol=1e-15)


def test_the_canonical_pairs_pass_yhat_minus_y_back_and_mse_sigmoid_does_not():
    for kind, output, loss in (
        ("logistic", "sigmoid", "bce"),
        ("softmax", "softmax", "ce"),
        ("linear", "identity", "mse"),
    ):
        model, loss_fn, params, X, Y = make_problem(kind, output, loss, n=3)
        t = core.backprop_trace(model, params, X[0], Y[0], loss_fn)
        np.testing.assert_allclose(t["dz"], t["yhat"] - Y[0], rtol=1e-12)
    model, loss_fn, params, X, Y = make_problem("logistic", "sigmoid", "mse", n=3)
    t = core.backprop_trace(model, params, X[0], Y[0], loss_fn)
    p = t["yhat"]
    np.testing.assert_allclose(t["dz"], (p - Y[0]) * p * (1 - p), rtol=1e-12)  # the sigmoid's slope stays
    assert not np.allclose(t["dz"], p - Y[0])


def test_a_sample_of_the_wrong_shape_is_a_value_error():
    model, loss_fn, params, X, Y = make_problem("mlp", "softmax", "ce", n=3)
    with pytest.raises(ValueError, match="X must have shape"):
        core.backprop_trace(model, params, X[0][:2], Y[0], loss_fn)
    with pytest.raises(ValueError, match="Y must have shape"):
        core.backprop_trace(model, params, X[0], Y[0][:1], loss_fn)
