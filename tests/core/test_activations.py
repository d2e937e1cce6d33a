"""Activations and the softmax Jacobian (seeds 001, 003, 004), including property tests."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gradviz import core

finite = st.floats(-1e3, 1e3, allow_nan=False)
logit_rows = st.integers(1, 6).flatmap(
    lambda n: st.integers(2, 7).flatmap(lambda k: arrays(np.float64, (n, k), elements=finite))
)
prob_vectors = st.integers(1, 8).flatmap(
    lambda k: arrays(np.float64, (k,), elements=st.floats(1e-6, 1.0)).map(lambda v: v / v.sum())
)


@given(logit_rows)
def test_softmax_rows_are_distributions(Z):
    P = core.softmax(Z)
    assert np.all(np.isfinite(P)) and np.all(P >= 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)


@given(prob_vectors)
def test_softmax_jacobian_is_symmetric_with_zero_row_sums(p):
    J = core.softmax_jacobian(p)
    np.testing.assert_allclose(J, J.T, atol=0)
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.diag(J), p * (1 - p), rtol=1e-12, atol=1e-15)


def test_softmax_jacobian_entries_match_seed_formula_and_finite_differences():
    z = np.array([0.3, -1.2, 2.0, 0.1])
    p = core.softmax(z)
    J = core.softmax_jacobian(p)
    for i in range(4):
        for j in range(4):
            expected = p[i] * (1 - p[j]) if i == j else -p[i] * p[j]
            assert J[i, j] == pytest.approx(expected, rel=1e-12)
    eps = 1e-6
    numeric = np.column_stack(
        [(core.softmax(z + eps * np.eye(4)[j]) - core.softmax(z - eps * np.eye(4)[j])) / (2 * eps) for j in range(4)]
    )
    np.testing.assert_allclose(J, numeric, atol=1e-9)


def test_seed_004_ce_gradient_through_the_jacobian_is_yhat_minus_y():
    """(∂L/∂ŷ)ᵀ J = ŷ − y for y one-hot (with y one-hot)."""
    p = np.array([0.10, 0.20, 0.10, 0.40, 0.20])
    y = np.array([0, 0, 0, 1.0, 0])
    dL_dp = -y / p
    np.testing.assert_allclose(dL_dp @ core.softmax_jacobian(p), p - y, atol=1e-15)


def test_batched_jacobians_match_single():
    P = core.softmax(np.random.default_rng(0).normal(size=(5, 3)))
    J = core.softmax_jacobians(P)
    for i in range(5):
        np.testing.assert_allclose(J[i], core.softmax_jacobian(P[i]))
    with pytest.raises(ValueError):
        core.softmax_jacobian(P)


@given(arrays(np.float64, st.integers(1, 20), elements=finite))
def test_sigmoid_and_log_sigmoid_are_stable(z):
    s = core.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    ls = core.log_sigmoid(z)
    assert np.all(np.isfinite(ls)) and np.all(ls <= 0)
    np.testing.assert_allclose(core.softplus(z) - core.softplus(-z), z, atol=1e-9)


@pytest.mark.parametrize("name", ["identity", "sigmoid", "tanh", "relu"])
def test_elementwise_derivatives_match_finite_differences(name):
    act = core.get_activation(name)
    z = np.array([-3.0, -0.7, 0.2, 1.5, 4.0])
    eps = 1e-6
    numeric = (act.forward(z + eps) - act.forward(z - eps)) / (2 * eps)
    np.testing.assert_allclose(act.derivative(z), numeric, atol=1e-8)


def test_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation"):
        core.get_activation("swish")


@settings(max_examples=50)
@given(logit_rows, st.sampled_from(["bce", "ce"]))
def test_canonical_losses_finite_for_extreme_logits(Z, loss_name):
    loss = core.make_loss(loss_name)
    if loss_name == "bce":
        Z = Z[:, :1]
        Y = (np.arange(len(Z)) % 2)[:, None].astype(float)
        output = "sigmoid"
    else:
        Y = np.eye(Z.shape[1])[np.arange(len(Z)) % Z.shape[1]]
        output = "softmax"
    value = loss.value_from_logits(Z, Y, output)
    assert np.isfinite(value) and value >= 0
    P = core.get_activation(output).forward(Z)
    delta = loss.logit_delta(Z, P, Y, output)
    assert np.all(np.isfinite(delta))
