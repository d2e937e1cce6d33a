"""What every model is: a forward pass, its backward pass, and the numbers the views draw from them.

Arrays inside are class-major, (k, N) and (h, N): reductions over the short class axis are then
fast. Large scratch arrays are reused between calls (a `Workspace`), because large temporaries
freed and allocated again every step cost page faults. The model families (linear, MLP) in
models.py provide `init`, `_forward`, `_backward`, `_per_sample` and `slice_logits`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .losses import Loss
from .params import Params, ParamSpec

__all__ = ["Forward", "Evaluation", "Workspace", "Model", "SliceLogits", "accuracy", "accuracy_from_predictions"]


@dataclass(frozen=True)
class Forward:
    """Everything a forward pass computed, kept for backprop and for the views.

    Arrays are stored class-major, (k, N) and (h, N): reductions over the short class
    axis are then fast. `Z`, `P`, `Z1`, `A1` give the usual (N, ·) views.
    """

    Zt: np.ndarray  # (k, N) output logits
    Pt: np.ndarray  # (k, N) predictions ŷ
    lse: np.ndarray | None = None  # (N,) log Σ e^z for a softmax output (what CE needs)
    Z1t: np.ndarray | None = None  # (h, N) hidden pre-activations (MLP)
    A1t: np.ndarray | None = None  # (h, N) hidden activations (MLP)

    @property
    def Z(self) -> np.ndarray:
        return self.Zt.T

    @property
    def P(self) -> np.ndarray:
        return self.Pt.T

    @property
    def Z1(self) -> np.ndarray | None:
        return None if self.Z1t is None else self.Z1t.T

    @property
    def A1(self) -> np.ndarray | None:
        return None if self.A1t is None else self.A1t.T


@dataclass(frozen=True)
class Evaluation:
    """What one forward (and backward) pass over a batch gives the trainer."""

    loss: float
    grads: Params | None  # None when only the loss was asked for
    metric: float  # metric(ŷ, Y), NaN without a metric
    forward: Forward  # its arrays live in the workspace: valid until the next evaluate with it


class Workspace(threading.local):
    """Scratch arrays reused across calls, one set per thread.

    Large temporaries freed and re-allocated every step cost page faults (glibc hands
    them back to the OS); reusing them made the MLP step at N = 10,000 about 4× faster.
    """

    def __init__(self):
        self.arrays: dict[tuple, np.ndarray] = {}
        self.owner = None  # who last left a forward pass here (trainers racing share one workspace)

    def __call__(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        key = (name, shape)
        arr = self.arrays.get(key)
        if arr is None:
            if len(self.arrays) > 32:
                self.arrays.clear()
            arr = self.arrays[key] = np.empty(shape)
        return arr


def _fresh(name: str, shape: tuple[int, ...]) -> np.ndarray:
    return np.empty(shape)


class Model:
    kind: str
    n_features: int
    n_outputs: int
    output: str
    spec: ParamSpec

    # -- to be provided by subclasses: init, forward, _backward, _per_sample

    def logits(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(self.forward(params, np.asarray(X, dtype=float)).Z)

    def predict(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(self.forward(params, np.asarray(X, dtype=float)).P)

    def check_pair(self, loss: Loss) -> None:
        loss.check_output(self.output)

    def loss_value(self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss) -> float:
        return self.evaluate(params, X, Y, loss, grad=False).loss

    def loss_and_grad(
        self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss
    ) -> tuple[float, Params]:
        """L(params) on (X, Y) and dL/dparams, a dict with the same keys and shapes."""
        result = self.evaluate(params, X, Y, loss)
        return result.loss, result.grads

    def evaluate(self, params, X, Y, loss: Loss, *, grad: bool = True, metric=None, ws: Workspace | None = None):
        """The loss, its gradient (unless grad=False) and metric(ŷ, Y), all from one forward pass.

        Scratch arrays come from `ws` (by default one per model and thread); the returned
        Evaluation's `forward` lives in them, so it is valid until the next evaluate with `ws`.
        """
        X, Y = self.check_data(X, Y)
        self.check_pair(loss)
        ws = self._workspace if ws is None else ws
        fwd = self._forward(params, X, ws)
        value, Dt = loss.value_and_delta_t(fwd.Zt, fwd.Pt, fwd.lse, Y.T, self.output, out=ws("D", fwd.Zt.shape))
        grads = self._backward(params, X, fwd, Dt, ws) if grad else None
        m = float(metric(fwd.P, Y)) if metric is not None else float("nan")
        return Evaluation(value, grads, m, fwd)

    def forward(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> Forward:
        """z, ŷ (and the MLP's hidden layer) for X, in fresh arrays."""
        return self._forward(params, np.asarray(X, dtype=float), _fresh)

    def __getstate__(self) -> dict:
        """Pickled without its scratch arrays (they belong to this process's threads)."""
        return {k: v for k, v in self.__dict__.items() if k != "_ws"}

    @property
    def _workspace(self) -> Workspace:
        ws = self.__dict__.get("_ws")
        if ws is None:
            ws = self.__dict__["_ws"] = Workspace()
        return ws

    def _delta(self, params, X, Y, loss) -> tuple[Forward, np.ndarray]:
        X, Y = self.check_data(X, Y)
        self.check_pair(loss)
        fwd = self.forward(params, X)
        return fwd, loss.value_and_delta_t(fwd.Zt, fwd.Pt, fwd.lse, Y.T, self.output)[1]

    def logit_delta(self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss) -> np.ndarray:
        """dL/dz (N, k): (ŷ − y)/N for canonical pairs, the full chain rule otherwise."""
        return np.ascontiguousarray(self._delta(params, X, Y, loss)[1].T)

    def per_sample_grads(self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss) -> Params:
        """Each sample's contribution to the gradient: arrays (N, *shape) that sum to the batch gradient."""
        fwd, Dt = self._delta(params, X, Y, loss)
        return self._per_sample(params, np.asarray(X, dtype=float), fwd, Dt)

    def per_sample_losses(
        self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss
    ) -> np.ndarray:
        X, Y = self.check_data(X, Y)
        self.check_pair(loss)
        fwd = self.forward(params, X)
        return loss.sample_terms_t(fwd.Zt, fwd.Pt, fwd.lse, Y.T)

    def n_params(self) -> int:
        return self.spec.size

    def describe(self) -> str:
        raise NotImplementedError

    def check_data(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """X (N, d) and Y (N, k) as float arrays of the shapes this model takes, or a ValueError."""
        X = np.asarray(X, dtype=float)
        Y = np.asarray(Y, dtype=float)
        if Y.ndim == 1:
            Y = Y[:, None]
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"X must have shape (N, {self.n_features}), got {X.shape}")
        if Y.shape != (X.shape[0], self.n_outputs):
            raise ValueError(f"Y must have shape ({X.shape[0]}, {self.n_outputs}), got {Y.shape}")
        if X.shape[0] == 0:
            raise ValueError("the data set is empty (N = 0): add a point first")
        return X, Y

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


@dataclass(frozen=True)
class SliceLogits:
    """The logits z(θ) (g, k, N) at θ = c + α·d₁ + β·d₂ for g pairs (α, β) at once.

    `basis` (3, k, N) is set when the logits are affine in θ, z = z(c) + α z(d₁) + β z(d₂)
    with the bias left out of the directions' terms: a surface then needs no pass over the
    data per point, and MSE none at all beyond the 3 × 3 Gram matrix of the basis.
    """

    at: Callable[..., np.ndarray]  # at(coeffs (g, 3) rows (1, α, β), dtype, out=None) → (g, k, N)
    basis: np.ndarray | None = None


def accuracy(model, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> float:
    """The fraction of samples whose most probable class is the true one (Y 0/1 or one-hot)."""
    return accuracy_from_predictions(model.predict(params, X), Y)


def accuracy_from_predictions(P: np.ndarray, Y: np.ndarray) -> float:
    """Accuracy of predictions ŷ (N, k) against Y (N, k): 0/1 columns or one-hot rows."""
    Y = np.asarray(Y)
    if P.shape[1] == 1:
        return float(np.mean((P[:, 0] > 0.5) == (Y[:, 0] > 0.5)))
    return float(np.mean(P.argmax(axis=1) == Y.argmax(axis=1)))
