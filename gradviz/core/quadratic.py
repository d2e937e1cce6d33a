"""Gradient descent on a quadratic loss, exactly: the error along each Hessian eigenvector.

Linear regression with MSE has L(θ) = ½(θ − θ*)ᵀH(θ − θ*) + const with a constant Hessian
H = X̃ᵀX̃/N (per output). In H's eigenbasis the coordinates of the error e = Vᵀ(θ − θ*) do not
mix: plain gradient descent multiplies eᵢ by 1 − ηλᵢ at every step, momentum and Nesterov follow
a two-term recurrence per eigenvalue. `predicted_errors` runs the optimizer's own update rule on
that diagonal problem (the same code as training, so torch's first momentum step included);
`measured_errors` projects a run's recorded θ onto the eigenvectors. They agree to rounding for
any rotation-invariant optimizer (GD, momentum, Nesterov); the adaptive ones rescale each
coordinate of θ, not of e, and have no such prediction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .curvature import has_step_bound, hessian
from .optimizers import make_optimizer

__all__ = ["Quadratic", "quadratic_of", "predicted_errors"]


@dataclass(frozen=True)
class Quadratic:
    """A quadratic objective's eigenvalues λ (largest first), eigenvectors V (P, P) and minimiser θ*
    (of L + ½λ_wd‖θ‖² where weight decay is added to the gradient: then λ includes λ_wd)."""

    values: np.ndarray
    vectors: np.ndarray
    optimum: np.ndarray

    def measured_errors(self, thetas: np.ndarray) -> np.ndarray:
        """(T, P) eᵢ = vᵢᵀ(θ − θ*) of each flat θ (rows)."""
        return (np.atleast_2d(np.asarray(thetas, dtype=float)) - self.optimum) @ self.vectors


def quadratic_of(model, loss, params, X: np.ndarray, Y: np.ndarray, weight_decay: float = 0.0) -> Quadratic:
    """The quadratic of a linear model with MSE (the only pair whose loss is one); ValueError otherwise."""
    if model.kind != "linear" or loss.name != "mse":
        raise ValueError("only linear regression with MSE has a quadratic loss (a constant Hessian)")
    H = hessian(model, loss, params, X, Y) + weight_decay * np.eye(model.spec.size)
    spec = model.spec
    theta = spec.flatten(params)
    g = spec.flatten(model.loss_and_grad(params, X, Y, loss)[1]) + weight_decay * theta
    optimum = theta - np.linalg.lstsq(H, g, rcond=None)[0]  # one Newton step lands on the minimiser
    values, vectors = np.linalg.eigh(H)
    order = np.argsort(values)[::-1]
    vectors = vectors[:, order]
    vectors *= np.where(vectors[np.abs(vectors).argmax(axis=0), np.arange(vectors.shape[1])] < 0, -1.0, 1.0)
    return Quadratic(values[order], vectors, optimum)


def predicted_errors(
    optimizer: str, hyperparams: dict, values: np.ndarray, e0: np.ndarray, steps: np.ndarray
) -> np.ndarray:
    """(len(steps), P) the error along each eigenvector `steps` steps after e0, predicted by the
    optimizer's own rule on ½Σλᵢeᵢ² (weight decay already in λ); ValueError for the adaptive ones.

    The first step is the rule's own (torch's momentum starts its buffer at g); from then on each
    step is a fixed linear map of (e, buffer) per eigenvalue, read off the rule by applying it to
    unit states, and its n-th power is taken by squaring: any step of a long run in O(log n).
    """
    if not has_step_bound(optimizer):
        raise ValueError(f"{optimizer} rescales each parameter's step: its errors along eigenvectors mix")
    rule = make_optimizer(optimizer, **{**hyperparams, "weight_decay": 0.0})
    lam = np.asarray(values, dtype=float)
    e0 = np.asarray(e0, dtype=float)
    steps = np.asarray(steps, dtype=np.int64)
    buffers = rule.buffers()

    def apply(e: np.ndarray, bufs: list[np.ndarray], count: int) -> np.ndarray:
        state = {"step": count, **{name: {"e": b} for name, b in zip(buffers, bufs, strict=True)}}
        new, state = rule.step({"e": e}, {"e": lam * e}, state)
        return np.stack([new["e"], *(state[name]["e"] for name in buffers)], axis=-1)  # (P, m)

    m = 1 + len(buffers)
    first = apply(e0, [np.zeros_like(e0) for _ in buffers], 0)  # s₁ = (e₁, buffers after step 1)
    unit = np.eye(m)
    A = np.stack(
        [
            apply(unit[j, 0] * np.ones_like(e0), [unit[j, 1 + i] * np.ones_like(e0) for i in range(len(buffers))], 1)
            for j in range(m)
        ],
        axis=-1,
    )  # (P, m, m): column j is the image of unit state j
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.empty((len(steps), len(e0)))
        out[steps <= 0] = e0
        later = steps > 0
        n = steps[later] - 1  # s_n = A^(n − 1) s₁
        power = np.broadcast_to(np.eye(m), (len(n), len(e0), m, m)).copy()
        square = np.broadcast_to(A, (len(n), len(e0), m, m)).copy()
        while n.size and n.max() > 0:
            odd = (n & 1).astype(bool)
            power[odd] = power[odd] @ square[odd]
            square = square @ square
            n = n >> 1
        out[later] = (power @ first[None, :, :, None])[..., 0, 0]
    return out
