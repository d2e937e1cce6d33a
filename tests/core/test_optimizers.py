"""Optimizers: torch.optim's update rules, pure steps, validated hyper-parameters."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gradviz import core

ALL = core.OPTIMIZERS


def _params(rng):
    return {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}


def test_sgd_is_theta_minus_lr_grad():
    opt = core.make_optimizer("sgd", lr=0.5)
    p = {"w": np.array([1.0, -2.0])}
    g = {"w": np.array([0.2, 0.4])}
    new, state = opt.step(p, g, opt.init(p))
    np.testing.assert_allclose(new["w"], [0.9, -2.2])
    assert state["step"] == 1


def test_momentum_follows_the_velocity_recursion():
    opt = core.make_optimizer("momentum", lr=0.1, momentum=0.9)
    p = {"w": np.array([0.0])}
    g = {"w": np.array([1.0])}
    state = opt.init(p)
    positions = []
    for _ in range(3):
        p, state = opt.step(p, g, state)
        positions.append(p["w"][0])
    # v1 = 1, v2 = 1.9, v3 = 2.71 (torch: the first buffer is the gradient itself)
    np.testing.assert_allclose(positions, [-0.1, -0.29, -0.561])


def test_nesterov_looks_ahead():
    opt = core.make_optimizer("nesterov", lr=0.1, momentum=0.9)
    p = {"w": np.array([0.0])}
    g = {"w": np.array([1.0])}
    p, s = opt.step(p, g, opt.init(p))
    np.testing.assert_allclose(p["w"], [-0.1 * (1 + 0.9 * 1)])


def test_adam_first_step_moves_lr_against_the_gradient_sign():
    opt = core.make_optimizer("adam", lr=0.01)
    p = {"w": np.array([1.0, 1.0, 1.0])}
    g = {"w": np.array([3.0, -0.002, 50.0])}
    new, _ = opt.step(p, g, opt.init(p))
    np.testing.assert_allclose(new["w"], 1.0 - 0.01 * np.sign(g["w"]), rtol=1e-6)


def test_update_differs_from_minus_lr_grad_for_adam_but_not_sgd():
    rng = np.random.default_rng(0)
    p, g = _params(rng), _params(rng)
    sgd = core.make_optimizer("sgd", lr=0.1)
    up = sgd.update(p, g, sgd.init(p))
    np.testing.assert_allclose(up["W"], -0.1 * g["W"])
    adam = core.make_optimizer("adam", lr=0.1)
    assert not np.allclose(adam.update(p, g, adam.init(p))["W"], -0.1 * g["W"])


torch = None
try:  # the `bench` extra; CI runs without it
    import torch
except ImportError:
    pass


@pytest.mark.skipif(torch is None, reason="torch (the bench extra) is not installed")
@pytest.mark.parametrize(
    "name,kwargs,torch_cls,torch_kwargs",
    [
        ("sgd", {"lr": 0.1}, "SGD", {"lr": 0.1}),
        ("sgd", {"lr": 0.1, "weight_decay": 0.01}, "SGD", {"lr": 0.1, "weight_decay": 0.01}),
        ("momentum", {"lr": 0.05, "momentum": 0.8}, "SGD", {"lr": 0.05, "momentum": 0.8}),
        (
            "momentum",
            {"lr": 0.05, "momentum": 0.8, "dampening": 0.3},
            "SGD",
            {"lr": 0.05, "momentum": 0.8, "dampening": 0.3},
        ),
        ("nesterov", {"lr": 0.05, "momentum": 0.9}, "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
        ("adagrad", {"lr": 0.3, "lr_decay": 0.01}, "Adagrad", {"lr": 0.3, "lr_decay": 0.01}),
        ("rmsprop", {"lr": 0.01}, "RMSprop", {"lr": 0.01}),
        (
            "rmsprop",
            {"lr": 0.01, "momentum": 0.5, "centered": True},
            "RMSprop",
            {"lr": 0.01, "momentum": 0.5, "centered": True},
        ),
        ("adam", {"lr": 0.02, "betas": (0.8, 0.99)}, "Adam", {"lr": 0.02, "betas": (0.8, 0.99)}),
        ("adam", {"lr": 0.02, "weight_decay": 0.1}, "Adam", {"lr": 0.02, "weight_decay": 0.1}),
    ],
)
def test_matches_torch_optim_over_many_steps(name, kwargs, torch_cls, torch_kwargs):
    rng = np.random.default_rng(7)
    p = _params(rng)
    tp = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in p.items()}
    topt = getattr(torch.optim, torch_cls)(list(tp.values()), **torch_kwargs)
    opt = core.make_optimizer(name, **kwargs)
    state = opt.init(p)
    for _ in range(25):
        g = {k: rng.normal(size=v.shape) for k, v in p.items()}
        p, state = opt.step(p, g, state)
        for k, t in tp.items():
            t.grad = torch.tensor(g[k])
        topt.step()
    for k in p:
        np.testing.assert_allclose(p[k], tp[k].detach().numpy(), rtol=1e-12, atol=1e-14)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(ALL),
    arrays(np.float64, (4,), elements=st.floats(-1e3, 1e3)),
    arrays(np.float64, (4,), elements=st.floats(-1e3, 1e3)),
    st.integers(1, 4),
)
def test_steps_never_mutate_their_inputs(name, theta, grad, n):
    opt = core.make_optimizer(name)
    p = {"w": theta.copy()}
    state = opt.init(p)
    for _ in range(n):
        p_before = {k: v.copy() for k, v in p.items()}
        state_copy = {
            k: ({kk: vv.copy() for kk, vv in v.items()} if isinstance(v, dict) else v) for k, v in state.items()
        }
        g = {"w": grad.copy()}
        new_p, new_state = opt.step(p, g, state)
        np.testing.assert_array_equal(p["w"], p_before["w"])
        np.testing.assert_array_equal(g["w"], grad)
        assert state["step"] == state_copy["step"]
        for k, v in state.items():
            if isinstance(v, dict):
                np.testing.assert_array_equal(v["w"], state_copy[k]["w"])
        assert new_p["w"] is not p["w"]
        p, state = new_p, new_state


@pytest.mark.parametrize(
    "kwargs",
    [{"lr": 0}, {"lr": -1}, {"lr": float("nan")}, {"lr": float("inf")}, {"lr": 1e9}, {"lr": "fast"}],
)
def test_absurd_learning_rates_raise(kwargs):
    with pytest.raises(ValueError, match="learning rate"):
        core.make_optimizer("sgd", **kwargs)


def test_bad_hyperparameters_raise():
    with pytest.raises(ValueError, match="momentum"):
        core.make_optimizer("momentum", momentum=1.5)
    with pytest.raises(ValueError, match="β"):
        core.make_optimizer("adam", betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="betas"):
        core.make_optimizer("adam", betas=0.9)
    with pytest.raises(ValueError, match="no hyper-parameter"):
        core.make_optimizer("sgd", beta=0.9)
    with pytest.raises(ValueError, match="unknown optimizer"):
        core.make_optimizer("lbfgs")


def test_replace_keeps_the_rest_and_adopt_keeps_buffers():
    opt = core.make_optimizer("adam", lr=0.01, betas=(0.8, 0.9))
    faster = opt.replace(lr=0.1)
    assert faster.lr == 0.1 and faster.hyperparams["betas"] == (0.8, 0.9)
    p = {"w": np.ones(2)}
    _, state = opt.step(p, {"w": np.ones(2)}, opt.init(p))
    carried = faster.adopt(state, p)
    assert carried["step"] == 1
    np.testing.assert_array_equal(carried["exp_avg"]["w"], state["exp_avg"]["w"])
    to_sgd = core.make_optimizer("sgd").adopt(state, p)
    assert set(to_sgd) == {"step"}
