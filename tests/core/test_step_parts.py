"""The optimizer's step in parts: the parts add up to the step it takes, and each is what its rule says."""

import numpy as np
import pytest

from gradviz import core
from gradviz.core.params import ParamSpec
from gradviz.core.step_parts import step_parts

SPEC = ParamSpec((("xy", (2,)),))
CASES = {
    "sgd": {"lr": 0.01},
    "momentum": {"lr": 0.01, "momentum": 0.9},
    "nesterov": {"lr": 0.01, "momentum": 0.9},
    "adagrad": {"lr": 0.1},
    "rmsprop": {"lr": 0.01},
    "adam": {"lr": 0.05},
    "adamw": {"lr": 0.05, "weight_decay": 0.1},
}


def _walk(name, hp, steps=6, **extra):
    """Steps of the optimizer on the ill-conditioned bowl; (params, grads, state) before the last one."""
    f = core.make_function("ill-conditioned")
    opt = core.make_optimizer(name, **{**hp, **extra})
    params = {"xy": np.array(f.start)}
    state = opt.init(params)
    for _ in range(steps):
        grads = {"xy": np.array(f.grad(*params["xy"]))}
        before = (params, grads, state)
        params, state = opt.step(params, grads, state)
    return opt, before


@pytest.mark.parametrize("name, hp", list(CASES.items()))
@pytest.mark.parametrize("steps", [1, 6])
def test_the_chain_adds_up_to_the_step_the_optimizer_takes(name, hp, steps):
    opt, (params, grads, state) = _walk(name, hp, steps)
    parts = step_parts(opt, params, grads, state, SPEC)
    taken = opt.update(params, grads, state)["xy"]
    np.testing.assert_allclose(parts.step, taken, rtol=1e-14)
    np.testing.assert_allclose(sum(p.vector for p in parts.chain), taken, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(parts.plain, -hp["lr"] * parts.gradient)


def test_momentum_is_the_velocity_carried_over_plus_this_gradient():
    opt, (params, grads, state) = _walk("momentum", CASES["momentum"])
    parts = step_parts(opt, params, grads, state, SPEC)
    carried, fresh = parts.chain
    np.testing.assert_allclose(carried.vector, -0.01 * 0.9 * state["momentum_buffer"]["xy"])
    np.testing.assert_allclose(fresh.vector, -0.01 * grads["xy"])


def test_adam_steps_about_eta_per_coordinate_whatever_the_gradient_size():
    opt, (params, grads, state) = _walk("adam", CASES["adam"], steps=1)
    parts = step_parts(opt, params, grads, state, SPEC)
    g = parts.gradient
    assert abs(g[1]) > 30 * abs(g[0])  # a steep and a flat direction …
    np.testing.assert_allclose(np.abs(parts.normalised), 1.0, rtol=1e-6)  # … the same step: m̂/√v̂ = ±1 at t = 1
    np.testing.assert_allclose(np.abs(parts.step), 0.05, rtol=1e-6)
    plain = np.abs(parts.plain)
    assert plain[1] > 30 * plain[0]  # gradient descent's does not
    np.testing.assert_allclose(parts.averaged, 0.1 * g / (1 - 0.9))  # m̂ = g at the first step


def test_adagrad_and_rmsprop_scale_each_coordinate_by_its_own_history():
    opt, (params, grads, state) = _walk("adagrad", CASES["adagrad"], steps=3)
    parts = step_parts(opt, params, grads, state, SPEC)
    total = state["sum"]["xy"] + grads["xy"] ** 2
    np.testing.assert_allclose(parts.scale, 0.1 / (np.sqrt(total) + 1e-10))
    np.testing.assert_allclose(parts.step, -parts.scale * parts.gradient, rtol=1e-14)
    opt, (params, grads, state) = _walk("rmsprop", {"lr": 0.01, "momentum": 0.5}, steps=3)
    parts = step_parts(opt, params, grads, state, SPEC)
    assert [p.key for p in parts.chain] == ["carried", "scaled"]


@pytest.mark.parametrize(
    "name, hp",
    [
        ("rmsprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
        ("momentum", {"lr": 0.01, "momentum": 0.9, "dampening": 0.3}),
        ("sgd", {"lr": 0.01, "weight_decay": 0.1}),
        ("nesterov", {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.2}),
        ("adagrad", {"lr": 0.1, "lr_decay": 0.01}),
    ],
)
def test_the_chain_adds_up_with_every_option(name, hp):
    opt, (params, grads, state) = _walk(name, hp, steps=5)
    parts = step_parts(opt, params, grads, state, SPEC)
    taken = opt.update(params, grads, state)["xy"]
    np.testing.assert_allclose(sum(p.vector for p in parts.chain), taken, rtol=1e-12, atol=1e-15)
