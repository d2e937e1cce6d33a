"""Optimizers as pure functions: `step(params, grads, state) -> (params, state)`.

Update rules and hyper-parameter names are torch.optim's (SGD with momentum / Nesterov,
Adagrad, RMSprop, Adam), so what a student sees here is what PyTorch would do. A step
never mutates its inputs: the trainer keeps every state for the timeline, and the views
can ask "what would the next update be?" without committing to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .limits import LIMITS, MAX_LR
from .params import Params

__all__ = [
    "Optimizer",
    "OptimizerState",
    "OPTIMIZERS",
    "OPTIMIZER_TITLES",
    "OPTIMIZER_RULES",
    "make_optimizer",
    "default_hyperparams",
    "HYPERPARAMETER_HELP",
    "MAX_LR",
]

OptimizerState = dict[str, Any]  # {"step": int, <buffer name>: Params}

# name -> (default hyper-parameters, buffers kept per parameter)
_DEFAULTS: dict[str, dict[str, Any]] = {
    "sgd": {"lr": 0.1, "weight_decay": 0.0},
    "momentum": {"lr": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0},
    "nesterov": {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.0},
    "adagrad": {"lr": 0.1, "lr_decay": 0.0, "eps": 1e-10, "weight_decay": 0.0},
    "rmsprop": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False, "weight_decay": 0.0},
    "adam": {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
    "adamw": {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01},
}

HYPERPARAMETER_HELP = {
    "lr": "learning rate η: how far each step moves along the update direction",
    "momentum": "μ: the fraction of the previous velocity kept (v ← μv + g)",
    "dampening": "scales the new gradient's share of the velocity: v ← μv + (1 − dampening)g",
    "weight_decay": "weight decay λ: the L2 penalty's gradient added to g (g ← g + λθ); AdamW instead shrinks θ "
    "itself each step (θ ← θ(1 − ηλ)), outside the adaptive scaling",
    "lr_decay": "Adagrad's learning-rate decay: η / (1 + (t − 1)·lr_decay)",
    "eps": "ε added to the denominator so it is never zero",
    "alpha": "RMSprop's smoothing constant for the running mean of g²",
    "centered": "RMSprop divides by the estimated variance of g instead of its second moment",
    "betas": "Adam's (β₁, β₂): decay rates of the running means of g and g²",
    "beta1": "Adam's β₁: decay rate of the running mean of g (the momentum-like term)",
    "beta2": "Adam's β₂: decay rate of the running mean of g² (the per-parameter scale)",
}
OPTIMIZER_TITLES = {
    "sgd": "Gradient descent (SGD)",
    "momentum": "Momentum",
    "nesterov": "Nesterov momentum",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
}
OPTIMIZER_RULES = {
    "sgd": "θ ← θ − η g",
    "momentum": "v ← μv + g;  θ ← θ − η v  (torch.optim.SGD with momentum)",
    "nesterov": "v ← μv + g;  θ ← θ − η (g + μv)",
    "adagrad": "Σ ← Σ + g²;  θ ← θ − η g / (√Σ + ε)",
    "rmsprop": "s ← αs + (1 − α)g²;  θ ← θ − η g / (√s + ε)",
    "adam": "m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η m/(√v + ε), m and v bias-corrected (÷ 1 − βᵗ)",
    "adamw": "θ ← θ(1 − ηλ);  then Adam's step with g alone (decoupled weight decay)",
}

_BUFFERS = {
    "sgd": (),
    "momentum": ("momentum_buffer",),
    "nesterov": ("momentum_buffer",),
    "adagrad": ("sum",),
    "rmsprop": ("square_avg", "grad_avg", "momentum_buffer"),
    "adam": ("exp_avg", "exp_avg_sq"),
    "adamw": ("exp_avg", "exp_avg_sq"),
}


@dataclass(frozen=True)
class Optimizer:
    name: str
    hyperparams: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.name not in _DEFAULTS:
            raise ValueError(f"unknown optimizer {self.name!r}; choose one of {', '.join(_DEFAULTS)}")
        merged = dict(_DEFAULTS[self.name])
        unknown = set(self.hyperparams) - set(merged)
        if unknown:
            raise ValueError(
                f"{self.name} has no hyper-parameter {', '.join(sorted(unknown))}; it takes {', '.join(merged)}"
            )
        merged.update(self.hyperparams)
        object.__setattr__(self, "hyperparams", _validated(self.name, merged))

    @property
    def lr(self) -> float:
        return self.hyperparams["lr"]

    def replace(self, **changes: Any) -> Optimizer:
        """The same optimizer with some hyper-parameters changed (the run goes on)."""
        return Optimizer(self.name, {**self.hyperparams, **changes})

    def buffers(self) -> tuple[str, ...]:
        names = _BUFFERS[self.name]
        if self.name == "rmsprop":
            names = ("square_avg",)
            if self.hyperparams["centered"]:
                names += ("grad_avg",)
            if self.hyperparams["momentum"] > 0:
                names += ("momentum_buffer",)
        return names

    def init(self, params: Mapping[str, np.ndarray]) -> OptimizerState:
        state: OptimizerState = {"step": 0}
        for buf in self.buffers():
            state[buf] = {k: np.zeros_like(v, dtype=float) for k, v in params.items()}
        return state

    def adopt(self, state: OptimizerState, params: Mapping[str, np.ndarray]) -> OptimizerState:
        """Carry a state over after a hyper-parameter change: keep the buffers that still apply."""
        fresh = self.init(params)
        fresh["step"] = int(state.get("step", 0))
        for buf in self.buffers():
            if buf in state:
                fresh[buf] = state[buf]
        return fresh

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], state: OptimizerState):
        """One update. Returns new (params, state); the arguments are left untouched."""
        h = self.hyperparams
        t = int(state["step"]) + 1
        new_state: OptimizerState = {"step": t}
        new_params: Params = {}
        for buf in self.buffers():
            new_state[buf] = {}
        decay = h["weight_decay"]
        decoupled = self.name == "adamw"  # AdamW shrinks θ itself; the others add λθ to the gradient
        for key, p in params.items():
            g = grads[key]
            if decay and not decoupled:
                g = g + decay * p
            update = self._direction(key, g, state, new_state, t)
            new_params[key] = (p * (1.0 - h["lr"] * decay) if decoupled and decay else p) - update
        return new_params, new_state

    def update(self, params, grads, state) -> Params:
        """The displacement a step would apply, Δθ = θₜ₊₁ − θₜ (compare it with −lr·∇L)."""
        new_params, _ = self.step(params, grads, state)
        return {k: new_params[k] - params[k] for k in params}

    # -- one rule per optimizer, each a transcription of torch.optim's -----------------
    def _direction(self, key: str, g: np.ndarray, old: OptimizerState, new: OptimizerState, t: int) -> np.ndarray:
        h = self.hyperparams
        lr = h["lr"]
        name = self.name
        if name == "sgd":
            return lr * g
        if name in ("momentum", "nesterov"):
            mu = h["momentum"]
            damp = h.get("dampening", 0.0)
            if t == 1:
                buf = g.copy()
            else:
                buf = mu * old["momentum_buffer"][key] + (1.0 - damp) * g
            new["momentum_buffer"][key] = buf
            return lr * (g + mu * buf) if name == "nesterov" else lr * buf
        if name == "adagrad":
            clr = lr / (1.0 + (t - 1) * h["lr_decay"])
            acc = old["sum"][key] + g * g
            new["sum"][key] = acc
            return clr * g / (np.sqrt(acc) + h["eps"])
        if name == "rmsprop":
            a = h["alpha"]
            sq = a * old["square_avg"][key] + (1.0 - a) * g * g
            new["square_avg"][key] = sq
            if h["centered"]:
                ga = a * old["grad_avg"][key] + (1.0 - a) * g
                new["grad_avg"][key] = ga
                avg = np.sqrt(np.maximum(sq - ga * ga, 0.0)) + h["eps"]
            else:
                avg = np.sqrt(sq) + h["eps"]
            if h["momentum"] > 0:
                buf = h["momentum"] * old["momentum_buffer"][key] + g / avg
                new["momentum_buffer"][key] = buf
                return lr * buf
            return lr * g / avg
        # adam, adamw
        b1, b2 = h["betas"]
        m = b1 * old["exp_avg"][key] + (1.0 - b1) * g
        v = b2 * old["exp_avg_sq"][key] + (1.0 - b2) * g * g
        new["exp_avg"][key] = m
        new["exp_avg_sq"][key] = v
        bc1 = 1.0 - b1**t
        bc2 = 1.0 - b2**t
        denom = np.sqrt(v) / math.sqrt(bc2) + h["eps"]
        return (lr / bc1) * m / denom


def _validated(name: str, h: dict[str, Any]) -> dict[str, Any]:
    out = dict(h)
    for key in ("lr", "weight_decay", "momentum", "dampening", "eps", "lr_decay", "alpha"):
        if key in h:
            out[key] = float(LIMITS[key].check(h[key]))
    if "centered" in h:
        if not isinstance(h["centered"], (bool, np.bool_)):
            raise ValueError(f"centered must be true or false, got {h['centered']!r}")
        out["centered"] = bool(h["centered"])
    if "betas" in h:
        betas = h["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (β₁, β₂), got {betas!r}")
        out["betas"] = (float(LIMITS["beta1"].check(betas[0])), float(LIMITS["beta2"].check(betas[1])))
    return out


OPTIMIZERS = tuple(_DEFAULTS)


def make_optimizer(name: str, **hyperparams: Any) -> Optimizer:
    """`make_optimizer("adam", lr=0.01, betas=(0.9, 0.999))`; names as in torch.optim."""
    return Optimizer(str(name).lower(), hyperparams)


def default_hyperparams(name: str) -> dict[str, Any]:
    if name not in _DEFAULTS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(_DEFAULTS)}")
    return dict(_DEFAULTS[name])
