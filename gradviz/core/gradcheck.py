"""Finite-difference gradient checks: the numbers every analytic gradient is tested against."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .params import Params, ParamSpec

__all__ = ["numerical_gradient", "gradcheck", "GradCheckResult"]


def numerical_gradient(f: Callable[[Params], float], params: Mapping[str, np.ndarray], eps: float = 1e-6) -> Params:
    """Central differences (f(θ + εeᵢ) − f(θ − εeᵢ)) / 2ε for every scalar of θ."""
    spec = ParamSpec.from_params(params)
    theta = spec.flatten(params)
    grad = np.empty_like(theta)
    for i in range(theta.size):
        step = eps * max(1.0, abs(theta[i]))
        up, down = theta.copy(), theta.copy()
        up[i] += step
        down[i] -= step
        grad[i] = (f(spec.unflatten(up)) - f(spec.unflatten(down))) / (2 * step)
    return spec.unflatten(grad)


@dataclass(frozen=True)
class GradCheckResult:
    analytic: Params
    numeric: Params
    max_abs_error: float
    max_rel_error: float
    ok: bool

    def __bool__(self) -> bool:
        return self.ok


def gradcheck(
    model, loss, params, X, Y, *, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7
) -> GradCheckResult:
    """Compare `model.loss_and_grad` with central differences of `model.loss_value`."""
    _, analytic = model.loss_and_grad(params, X, Y, loss)
    numeric = numerical_gradient(lambda p: model.loss_value(p, X, Y, loss), params, eps)
    spec = ParamSpec.from_params(params)
    a, n = spec.flatten(analytic), spec.flatten(numeric)
    abs_err = np.abs(a - n)
    rel_err = abs_err / np.maximum(np.maximum(np.abs(a), np.abs(n)), 1e-12)
    ok = bool(np.all(abs_err <= atol + rtol * np.abs(n)))
    return GradCheckResult(analytic, numeric, float(abs_err.max(initial=0)), float(rel_err.max(initial=0)), ok)
