"""A function f(x, y) dressed as a model, so the playground trains with everything a model trains
with: the trainer and its timeline, every optimizer, races, the loss surface and the curvature.

θ is {"xy": [x, y]}; the "loss" is f(θ) and its gradient ∇f, exact. The data set, the loss
function and the batch are not used: a function has no data. `init` gives the start point for
every seed, so runs raced on a function start together.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .functions import TestFunction, make_function
from .model_base import Evaluation, Forward
from .params import Params, ParamSpec

__all__ = ["FunctionModel", "START_LIMIT", "check_start", "defined_at"]

START_LIMIT = 1e6  # |x|, |y| of a start point: far past any domain, still far from overflow


def check_start(start) -> tuple[float, float]:
    """(x, y) as two finite floats within ±START_LIMIT, or a ValueError saying what is wrong."""
    try:
        x, y = (float(v) for v in start)
    except (TypeError, ValueError):
        raise ValueError(f"a start point is two numbers x, y, not {start!r}") from None
    if not (np.isfinite(x) and np.isfinite(y)) or max(abs(x), abs(y)) > START_LIMIT:
        raise ValueError(f"a start point needs finite x and y within ±{START_LIMIT:g}, not ({x:g}, {y:g})")
    return x, y


def defined_at(function: TestFunction, point) -> bool:
    """Whether f and ∇f are finite numbers at `point`: where descent can start."""
    with np.errstate(all="ignore"):
        x, y = point
        return bool(np.isfinite(function.value(x, y)) and np.all(np.isfinite(function.grad(x, y))))


class FunctionModel:
    """f(x, y) as the trainer's model. See the module docstring."""

    kind = "function"
    n_features = 2
    n_outputs = 1
    output = "identity"
    spec = ParamSpec((("xy", (2,)),), names=("x", "y"))

    def __init__(self, function: TestFunction | str, start=None):
        self.function = make_function(function) if isinstance(function, str) else function
        self.start = check_start(self.function.start if start is None else start)
        if not defined_at(self.function, self.start):
            x, y = self.start
            raise ValueError(
                f"f(x, y) = {self.function.expression} is not defined at the start ({x:.4g}, {y:.4g}) (or its "
                "gradient is not): choose another start or formula"
            )

    def init(self, seed: int = 0) -> Params:
        return {"xy": np.array(self.start, dtype=float)}

    # the trainer's questions about data and loss: a function has neither, and takes any
    def check_pair(self, loss) -> None:
        return None

    def check_data(self, X, Y) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(X, dtype=float), np.asarray(Y, dtype=float)

    def value(self, params: Mapping[str, np.ndarray]) -> float:
        x, y = params["xy"]
        return float(self.function.value(x, y))

    def gradient(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        x, y = params["xy"]
        return np.array([float(g) for g in self.function.grad(x, y)])

    def hessian(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        x, y = params["xy"]
        return self.function.hessian(x, y)

    def evaluate(self, params, X=None, Y=None, loss=None, *, grad: bool = True, metric=None, ws=None) -> Evaluation:
        value = self.value(params)
        grads = {"xy": self.gradient(params)} if grad else None
        point = np.array([[value]])
        return Evaluation(value, grads, float("nan"), Forward(Zt=point, Pt=point))

    def loss_value(self, params, X=None, Y=None, loss=None) -> float:
        return self.value(params)

    def loss_and_grad(self, params, X=None, Y=None, loss=None) -> tuple[float, Params]:
        return self.value(params), {"xy": self.gradient(params)}

    def surface(self, center, d1, d2, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        """f(center + α·d₁ + β·d₂) on the grid, (len(alphas), len(betas)): one vectorised call."""
        xs, ys = self._grid(center, d1, d2, alphas, betas)
        return np.asarray(self.function.value(xs, ys), dtype=float)

    def surface_gradient(self, center, d1, d2, alphas, betas) -> np.ndarray:
        """(len(alphas), len(betas), 2): (∇f·d₁, ∇f·d₂) on the grid."""
        xs, ys = self._grid(center, d1, d2, alphas, betas)
        gx, gy = self.function.grad(xs, ys)
        (u1, u2), (v1, v2) = np.asarray(d1["xy"], float), np.asarray(d2["xy"], float)
        return np.stack([gx * u1 + gy * u2, gx * v1 + gy * v2], axis=-1)

    @staticmethod
    def _grid(center, d1, d2, alphas, betas):
        A, B = np.meshgrid(np.asarray(alphas, float).ravel(), np.asarray(betas, float).ravel(), indexing="ij")
        c, u, v = (np.asarray(p["xy"], dtype=float) for p in (center, d1, d2))
        return c[0] + A * u[0] + B * v[0], c[1] + A * u[1] + B * v[1]

    def n_params(self) -> int:
        return 2

    def describe(self) -> str:
        return f"f(x, y) = {self.function.expression}"

    def __repr__(self) -> str:
        return f"<FunctionModel {self.describe()} from {self.start}>"
