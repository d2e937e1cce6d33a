"""Weight decay with torch.optim's meaning for every optimizer, and AdamW's decoupled decay: whole
training trajectories of an MLP (the gradients come from the run itself) against torch."""

import numpy as np
import pytest

from gradviz import core

from .problems import make_problem

torch = pytest.importorskip("torch", reason="torch (the bench extra) is not installed")

CASES = [
    ("sgd", {"lr": 0.2, "weight_decay": 0.05}, "SGD", {}),
    ("momentum", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.05}, "SGD", {}),
    ("nesterov", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.05}, "SGD", {"nesterov": True}),
    ("adagrad", {"lr": 0.1, "weight_decay": 0.05}, "Adagrad", {}),
    ("rmsprop", {"lr": 0.01, "weight_decay": 0.05}, "RMSprop", {}),
    ("adam", {"lr": 0.02, "weight_decay": 0.05}, "Adam", {}),
    ("adamw", {"lr": 0.02, "weight_decay": 0.05}, "AdamW", {}),
    ("adamw", {"lr": 0.02}, "AdamW", {}),  # AdamW's own default decay, 0.01, as torch's
]


def _torch_loss(t, X, Y):
    z = torch.tanh(X @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    return -(Y * torch.log_softmax(z, dim=1)).sum(dim=1).mean()


@pytest.mark.parametrize("name,kwargs,torch_cls,extra", CASES)
def test_a_50_step_run_with_weight_decay_equals_torch_optim(name, kwargs, torch_cls, extra):
    model, loss, params, X, Y = make_problem("mlp", "softmax", "ce", n=40, hidden=5)
    opt = core.make_optimizer(name, **kwargs)
    t = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params.items()}
    torch_kwargs = {**kwargs, **extra}
    torch_opt = getattr(torch.optim, torch_cls)(list(t.values()), **torch_kwargs)
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    state = opt.init(params)
    for _ in range(50):
        _, grads = model.loss_and_grad(params, X, Y, loss)
        params, state = opt.step(params, grads, state)
        torch_opt.zero_grad()
        _torch_loss(t, Xt, Yt).backward()
        torch_opt.step()
    for key in params:
        np.testing.assert_allclose(params[key], t[key].detach().numpy(), rtol=1e-9, atol=1e-12, err_msg=key)
    assert opt.hyperparams["weight_decay"] == kwargs.get("weight_decay", 0.01)


def test_adamw_shrinks_the_weights_itself_and_adam_through_the_gradient():
    p = {"w": np.array([2.0, -3.0])}
    g = {"w": np.zeros(2)}
    adamw = core.make_optimizer("adamw", lr=0.1, weight_decay=0.5)
    new, _ = adamw.step(p, g, adamw.init(p))
    np.testing.assert_allclose(new["w"], p["w"] * (1 - 0.1 * 0.5))  # no gradient: only the decay moves θ
    adam = core.make_optimizer("adam", lr=0.1, weight_decay=0.5)
    new, _ = adam.step(p, g, adam.init(p))
    np.testing.assert_allclose(new["w"], p["w"] - 0.1 * np.sign(p["w"]), rtol=1e-6)  # λθ scaled away: a step of η
