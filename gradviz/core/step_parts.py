"""What an optimizer makes of the gradient at one step, in parts a student can see.

Momentum's step is the velocity carried over plus this step's gradient; Nesterov's adds a
look-ahead; AdaGrad and RMSProp divide each coordinate by its own running gradient scale; Adam
divides the averaged gradient m̂ by √v̂, so each coordinate's step is about η long, whatever the
size of its gradient. `step_parts` returns those pieces as displacements in parameter space (flat,
in ParamSpec order), read off the optimizer's own state after the step, so that `chain` adds up
to the step Δθ the optimizer takes (tested for every optimizer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .optimizers import Optimizer, OptimizerState
from .params import ParamSpec

__all__ = ["StepPart", "StepParts", "step_parts"]


@dataclass(frozen=True)
class StepPart:
    key: str  # "gradient", "carried", "lookahead", "scaled", "normalised", "decay"
    label: str  # the legend's words
    vector: np.ndarray  # a displacement in parameter units, flat


@dataclass(frozen=True)
class StepParts:
    """See the module docstring. `plain` is −ηg, the step plain gradient descent would take;
    `scale` the adaptive optimizers' per-coordinate step size (η/(√Σ + ε), η/(√s + ε)); `normalised`
    Adam's m̂/(√v̂ + ε), about ±1 in each coordinate; `averaged` Adam's m̂."""

    optimizer: str
    lr: float
    gradient: np.ndarray  # g as the rule uses it (weight decay added for the coupled ones)
    step: np.ndarray  # Δθ
    plain: np.ndarray  # −ηg
    chain: tuple[StepPart, ...]  # drawn tip to tail from θ, they end where the step does
    scale: np.ndarray | None = None
    normalised: np.ndarray | None = None
    averaged: np.ndarray | None = None


def step_parts(
    optimizer: Optimizer,
    params: Mapping[str, np.ndarray],
    grads: Mapping[str, np.ndarray],
    state: OptimizerState,
    spec: ParamSpec,
) -> StepParts:
    """The next step of `optimizer` from θ = `params` with gradient `grads` and its `state`, in parts."""
    new_params, new_state = optimizer.step(params, grads, state)
    h = optimizer.hyperparams
    lr, decay, name = h["lr"], h["weight_decay"], optimizer.name
    flat = spec.flatten
    theta = flat(params)
    step = flat(new_params) - theta
    g = flat(grads) + (decay * theta if decay and name != "adamw" else 0.0)
    plain = -lr * g
    t = int(new_state["step"])

    def buffer(which: OptimizerState, name_: str) -> np.ndarray:
        return flat(which[name_])

    if name in ("momentum", "nesterov"):
        mu, damp = h["momentum"], h.get("dampening", 0.0)
        v_new = buffer(new_state, "momentum_buffer")
        if name == "nesterov":
            chain = (
                StepPart("gradient", "−ηg: this step's gradient", -lr * g),
                StepPart("lookahead", "−ημv: the look-ahead along the velocity", -lr * mu * v_new),
            )
        else:
            carried = -lr * mu * buffer(state, "momentum_buffer") if t > 1 else np.zeros_like(g)
            fresh = -lr * (1.0 - damp) * g if t > 1 else -lr * g
            chain = (
                StepPart("carried", "−ημv: the velocity carried over", carried),
                StepPart("gradient", "−ηg: this step's gradient", fresh),
            )
        return StepParts(name, lr, g, step, plain, chain)
    if name in ("adagrad", "rmsprop"):
        if name == "adagrad":
            size = (lr / (1.0 + (t - 1) * h["lr_decay"])) / (np.sqrt(buffer(new_state, "sum")) + h["eps"])
            words = "Δθ = −ηg/(√Σ + ε): each coordinate by its own scale"
        else:
            sq = buffer(new_state, "square_avg")
            if h["centered"]:
                sq = np.maximum(sq - buffer(new_state, "grad_avg") ** 2, 0.0)
            size = lr / (np.sqrt(sq) + h["eps"])
            words = "Δθ = −ηg/(√s + ε): each coordinate by its own scale"
        if name == "rmsprop" and h["momentum"] > 0:
            mu = h["momentum"]
            carried = -lr * mu * buffer(state, "momentum_buffer") if t > 1 else np.zeros_like(g)
            chain = (
                StepPart("carried", "−ημb: the scaled velocity carried over", carried),
                StepPart("scaled", "−ηg/(√s + ε): this step's scaled gradient", -size * g),
            )
        else:
            chain = (StepPart("scaled", words, step),)
        return StepParts(name, lr, g, step, plain, chain, scale=size)
    if name in ("adam", "adamw"):
        b1, b2 = h["betas"]
        m_hat = buffer(new_state, "exp_avg") / (1.0 - b1**t)
        adam = step + (lr * decay * theta if name == "adamw" and decay else 0.0)
        normalised = -adam / lr  # exactly the rule's m̂/(√v̂ + ε), read off the step it took
        chain = (StepPart("normalised", "−ηm/(√v + ε): about η per coordinate", adam),)
        if name == "adamw" and decay:
            chain += (StepPart("decay", "−ηλθ: decoupled weight decay", -lr * decay * theta),)
        return StepParts(name, lr, g, step, plain, chain, normalised=normalised, averaged=m_hat)
    return StepParts(name, lr, g, step, plain, (StepPart("gradient", "−ηg: the gradient step", step),))
