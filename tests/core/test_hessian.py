"""core.hessian: the full-batch Hessian of every model × loss pair, against torch autograd, finite
differences of the gradient and the closed forms; Hessian-vector products; the top eigenvalues."""

import numpy as np
import pytest

from gradviz import core
from gradviz.core import curvature as hess

from .problems import PAIRS, make_problem

CASES = [(k, o, l, "tanh") for k, o, l in PAIRS] + [
    ("mlp", o, l, act) for _, o, l in PAIRS[5:] for act in ("sigmoid", "relu")
]


def _ids(case):
    return "-".join(case)


def _fd_hessian(model, loss, params, X, Y, h=1e-5):
    """Central differences of the exact gradient, column by column."""
    spec = model.spec
    theta = spec.flatten(params)

    def grad(t):
        return spec.flatten(model.loss_and_grad(spec.unflatten(t), X, Y, loss)[1])

    cols = []
    for j in range(spec.size):
        e = np.zeros(spec.size)
        e[j] = h
        cols.append((grad(theta + e) - grad(theta - e)) / (2 * h))
    return np.column_stack(cols)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_the_hessian_is_the_derivative_of_the_gradient(case):
    kind, output, loss_name, act = case
    model, loss, params, X, Y = make_problem(kind, output, loss_name, hidden_activation=act)
    H = core.hessian(model, loss, params, X, Y)
    assert H.shape == (model.spec.size,) * 2 and np.array_equal(H, H.T)
    np.testing.assert_allclose(H, _fd_hessian(model, loss, params, X, Y), rtol=1e-5, atol=1e-7 * np.abs(H).max())


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_the_hessian_equals_torch_autograd(case):
    torch = pytest.importorskip("torch", reason="torch (the bench extra) is not installed")
    kind, output, loss_name, act = case
    model, loss, params, X, Y = make_problem(kind, output, loss_name, hidden_activation=act)
    spec = model.spec
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    g = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}[act]

    def L(theta):
        p = {
            key: theta[sl].reshape(shape) for (key, shape), sl in zip(spec.shapes, spec.offsets().values(), strict=True)
        }
        z = g(Xt @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"] if kind == "mlp" else Xt @ p["W"] + p["b"]
        yhat = {"softmax": lambda: torch.softmax(z, dim=1), "sigmoid": lambda: torch.sigmoid(z)}.get(
            output, lambda: z
        )()
        if loss_name == "mse":
            return 0.5 * ((yhat - Yt) ** 2).sum(dim=1).mean()
        if loss_name == "bce":
            return (torch.nn.functional.softplus(z) - Yt * z).sum(dim=1).mean()
        return (Yt.sum(dim=1) * torch.logsumexp(z, dim=1) - (Yt * z).sum(dim=1)).mean()

    expected = torch.autograd.functional.hessian(L, torch.tensor(spec.flatten(params), dtype=torch.float64)).numpy()
    H = core.hessian(model, loss, params, X, Y)
    np.testing.assert_allclose(H, expected, rtol=1e-9, atol=1e-12 * np.abs(expected).max())
    # the product with vectors, without the matrix: one vector and several at once
    rng = np.random.default_rng(1)
    v, V = rng.normal(size=spec.size), rng.normal(size=(spec.size, 3))
    product = core.hessian_vector_product(model, loss, params, X, Y)
    np.testing.assert_allclose(product(v), expected @ v, rtol=1e-9, atol=1e-12 * np.abs(expected @ v).max())
    np.testing.assert_allclose(product(V), expected @ V, rtol=1e-9, atol=1e-12 * np.abs(expected @ V).max())


def test_linear_mse_is_the_gram_matrix_of_the_data_for_each_output():
    model, loss, params, X, Y = make_problem("linear", "identity", "mse")
    X = np.column_stack([X, X[:, :1] * 2.0])  # any data: the Hessian does not depend on θ or y
    model = core.make_model("linear", X.shape[1], 3)
    Y = np.random.default_rng(2).normal(size=(len(X), 3))
    Xt = np.column_stack([X, np.ones(len(X))])
    gram = Xt.T @ Xt / len(X)
    for params in (model.init(0), model.init(5)):
        H = core.hessian(model, loss, params, X, Y).reshape(len(gram), 3, len(gram), 3)
        for m in range(3):
            for n in range(3):
                np.testing.assert_allclose(H[:, m, :, n], gram if m == n else 0.0, rtol=1e-12, atol=1e-14)


def test_logistic_bce_is_the_weighted_gram_matrix():
    model, loss, params, X, Y = make_problem("logistic", "sigmoid", "bce")
    p = model.forward(params, X).Pt.ravel()
    Xt = np.column_stack([X, np.ones(len(X))])
    expected = Xt.T @ (Xt * (p * (1 - p))[:, None]) / len(X)  # X̃ᵀ diag(p(1 − p)) X̃ / N
    np.testing.assert_allclose(core.hessian(model, loss, params, X, Y), expected, rtol=1e-12)


def test_output_curvature_of_the_canonical_pairs():
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(4, 3))
    P = core.softmax(Z)
    Y = np.eye(3)[[0, 2, 1, 1]]
    H = hess.output_curvature("ce", "softmax", Z, P, Y)
    np.testing.assert_allclose(H, core.softmax_jacobians(P), rtol=1e-14)  # diag(p) − ppᵀ: the Jacobian
    np.testing.assert_allclose(hess.output_curvature("mse", "identity", Z, Z, Y), np.broadcast_to(np.eye(3), (4, 3, 3)))


def test_top_eigen_dense_and_by_lanczos_agree(monkeypatch):
    model, loss, params, X, Y = make_problem("mlp", "softmax", "ce", hidden=12, n=40)
    dense = core.top_eigen(model, loss, params, X, Y)
    assert dense.complete and len(dense.values) == model.spec.size
    assert np.all(np.diff(dense.values) <= 0)  # largest first
    H = core.hessian(model, loss, params, X, Y)
    v = dense.vectors[:, 0]
    np.testing.assert_allclose(H @ v, dense.top * v, atol=1e-10)
    assert dense.condition == pytest.approx(dense.top / dense.smallest_positive)
    monkeypatch.setattr(hess, "DENSE_UP_TO", 10)
    lanczos = core.top_eigen(model, loss, params, X, Y, count=2)
    assert not lanczos.complete and lanczos.smallest_positive is None and lanczos.condition is None
    np.testing.assert_allclose(lanczos.values, dense.values[:2], rtol=1e-9)
    for j in range(2):  # the same eigenvectors up to sign
        assert abs(lanczos.vectors[:, j] @ dense.vectors[:, j]) == pytest.approx(1.0, abs=1e-8)
    again = core.top_eigen(model, loss, params, X, Y, count=2)
    np.testing.assert_array_equal(again.values, lanczos.values)  # a fixed start: the same answer


def test_an_empty_data_set_has_no_hessian():
    model, loss, params, X, Y = make_problem("softmax", "softmax", "ce")
    with pytest.raises(ValueError, match="empty"):
        core.hessian(model, loss, params, X[:0], Y[:0])
