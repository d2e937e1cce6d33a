"""Models: linear / logistic / softmax regression and a 2-layer MLP, with exact backprop.

Shapes: X is (N, d), W is (d, k), z = XW + b is (N, k). Every model can say, besides the loss
and its gradient, what the views draw: dL/dz per sample, each sample's own contribution to the
gradient (xᵢ(ŷᵢ − yᵢ)/N for a canonical pair), the MLP's hidden activations, and the logits
over a whole plane of parameters at once (what a loss surface needs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .activations import get_activation, softmax_with_lse
from .limits import LIMITS
from .losses import Loss
from .params import Params, ParamSpec
from .rules import FIXED_OUTPUT, HIDDEN_ACTIVATIONS, MODEL_KINDS, OUTPUTS

__all__ = [
    "Evaluation",
    "Forward",
    "Workspace",
    "SliceLogits",
    "LinearModel",
    "MLP",
    "MODEL_KINDS",
    "HIDDEN_ACTIVATIONS",
    "OUTPUTS",
    "make_model",
    "accuracy",
    "accuracy_from_predictions",
]


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


def _output_forward(act, Zt: np.ndarray, out: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    if act.name == "softmax":
        return softmax_with_lse(Zt, axis=0, out=out)
    if act.name == "identity":
        return Zt, None
    return act.forward(Zt, out=out), None


class Workspace(threading.local):
    """Scratch arrays reused across calls, one set per thread.

    Large temporaries freed and re-allocated every step cost page faults (glibc hands
    them back to the OS); reusing them made the MLP step at N = 10,000 about 4× faster.
    """

    def __init__(self):
        self.arrays: dict[tuple, np.ndarray] = {}

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


class _Model:
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


class LinearModel(_Model):
    """z = XW + b and ŷ = f(z): linear (identity), logistic (sigmoid), softmax regression."""

    def __init__(self, kind: str, n_features: int, n_outputs: int):
        self.kind = kind
        self.n_features = n_features
        self.n_outputs = n_outputs
        self.output = FIXED_OUTPUT[kind]
        self._act = get_activation(self.output)
        self.spec = ParamSpec((("W", (n_features, n_outputs)), ("b", (n_outputs,))))

    def init(self, seed: int = 0) -> Params:
        rng = np.random.default_rng(seed)
        return {
            "W": rng.normal(0.0, 1.0 / np.sqrt(self.n_features), size=(self.n_features, self.n_outputs)),
            "b": np.zeros(self.n_outputs),
        }

    def _forward(self, params: Mapping[str, np.ndarray], X: np.ndarray, ws) -> Forward:
        shape = (self.n_outputs, X.shape[0])
        Zt = np.matmul(params["W"].T, X.T, out=ws("Zt", shape))
        Zt += params["b"][:, None]
        Pt, lse = _output_forward(self._act, Zt, ws("Pt", shape))
        return Forward(Zt=Zt, Pt=Pt, lse=lse)

    def _backward(self, params, X, fwd: Forward, Dt: np.ndarray, ws=_fresh) -> Params:
        return {"W": X.T @ Dt.T, "b": Dt.sum(axis=1)}

    def _per_sample(self, params, X, fwd: Forward, Dt: np.ndarray) -> Params:
        D = Dt.T
        return {"W": X[:, :, None] * D[:, None, :], "b": np.ascontiguousarray(D)}

    def slice_logits(self, center, d1, d2, X: np.ndarray) -> SliceLogits:
        X = np.asarray(X, dtype=float)
        basis = np.stack([(X @ p["W"]).T for p in (center, d1, d2)])  # (3, k, N)
        basis[0] += np.asarray(center["b"], dtype=float)[:, None]
        basis[1] += np.asarray(d1["b"], dtype=float)[:, None]
        basis[2] += np.asarray(d2["b"], dtype=float)[:, None]
        k, n = basis.shape[1:]

        flat = {}

        def at(coeffs: np.ndarray, dtype, out: np.ndarray | None = None) -> np.ndarray:
            b = flat.get(np.dtype(dtype))
            if b is None:
                b = flat[np.dtype(dtype)] = basis.reshape(3, k * n).astype(dtype)
            res = np.matmul(coeffs.astype(dtype), b, out=None if out is None else out.reshape(-1, k * n))
            return res.reshape(-1, k, n)

        return SliceLogits(at, basis)

    def describe(self) -> str:
        names = {"linear": "Linear regression", "logistic": "Logistic regression", "softmax": "Softmax regression"}
        return f"{names[self.kind]} (d = {self.n_features}, k = {self.n_outputs})"


class MLP(_Model):
    """Two layers: z¹ = XW¹ + b¹, a = g(z¹), z² = aW² + b², ŷ = f(z²)."""

    kind = "mlp"

    def __init__(self, n_features: int, n_outputs: int, hidden: int, hidden_activation: str, output: str):
        self.n_features = n_features
        self.n_outputs = n_outputs
        self.hidden = hidden
        self.hidden_activation = hidden_activation
        self.output = output
        self._g = get_activation(hidden_activation)
        self._f = get_activation(output)
        self.spec = ParamSpec(
            (
                ("W1", (n_features, hidden)),
                ("b1", (hidden,)),
                ("W2", (hidden, n_outputs)),
                ("b2", (n_outputs,)),
            )
        )

    def init(self, seed: int = 0) -> Params:
        """Glorot-uniform for sigmoid/tanh units, He-normal for ReLU; zero biases."""
        rng = np.random.default_rng(seed)

        def layer(fan_in: int, fan_out: int, activation: str) -> np.ndarray:
            if activation == "relu":
                return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            if activation == "sigmoid":
                limit *= 4.0
            return rng.uniform(-limit, limit, size=(fan_in, fan_out))

        return {
            "W1": layer(self.n_features, self.hidden, self.hidden_activation),
            "b1": np.zeros(self.hidden),
            "W2": layer(self.hidden, self.n_outputs, "identity"),
            "b2": np.zeros(self.n_outputs),
        }

    def _forward(self, params: Mapping[str, np.ndarray], X: np.ndarray, ws) -> Forward:
        N = X.shape[0]
        Z1t = np.matmul(params["W1"].T, X.T, out=ws("Z1t", (self.hidden, N)))
        Z1t += params["b1"][:, None]
        A1t = self._g.forward(Z1t, out=ws("A1t", (self.hidden, N)))
        Zt = np.matmul(params["W2"].T, A1t, out=ws("Zt", (self.n_outputs, N)))
        Zt += params["b2"][:, None]
        Pt, lse = _output_forward(self._f, Zt, ws("Pt", (self.n_outputs, N)))
        return Forward(Zt=Zt, Pt=Pt, lse=lse, Z1t=Z1t, A1t=A1t)

    def hidden_activations(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        """a = g(XW¹ + b¹), (N, h): what the hidden layer makes of each sample."""
        return np.ascontiguousarray(self.forward(params, np.asarray(X, dtype=float)).A1)

    def _hidden_delta_t(self, params, fwd: Forward, Dt: np.ndarray, ws=_fresh) -> np.ndarray:
        # dL/dz¹ = (dL/dz² W²ᵀ) ⊙ g'(z¹), class-major: (W² Dᵗ) ⊙ g'
        shape = fwd.Z1t.shape
        dA = np.matmul(params["W2"], Dt, out=ws("dA", shape))
        return self._g.backward(dA, fwd.Z1t, fwd.A1t, out=dA, tmp=ws("tmp", shape))

    def _backward(self, params, X, fwd: Forward, Dt: np.ndarray, ws=_fresh) -> Params:
        D1t = self._hidden_delta_t(params, fwd, Dt, ws)
        return {
            "W1": X.T @ D1t.T,
            "b1": D1t.sum(axis=1),
            "W2": fwd.A1t @ Dt.T,
            "b2": Dt.sum(axis=1),
        }

    def _per_sample(self, params, X, fwd: Forward, Dt: np.ndarray) -> Params:
        D = Dt.T
        D1 = self._hidden_delta_t(params, fwd, Dt).T
        return {
            "W1": X[:, :, None] * D1[:, None, :],
            "b1": np.ascontiguousarray(D1),
            "W2": fwd.A1[:, :, None] * D[:, None, :],
            "b2": np.ascontiguousarray(D),
        }

    def slice_logits(self, center, d1, d2, X: np.ndarray) -> SliceLogits:
        stacked = {key: np.stack([np.asarray(p[key], dtype=float) for p in (center, d1, d2)]) for key in center}
        X = np.asarray(X, dtype=float)
        transposed: dict[np.dtype, np.ndarray] = {}

        def at(coeffs: np.ndarray, dtype, out: np.ndarray | None = None) -> np.ndarray:
            P = {key: np.tensordot(coeffs, v, axes=1).astype(dtype) for key, v in stacked.items()}
            Xt = transposed.get(np.dtype(dtype))
            if Xt is None:
                Xt = transposed[np.dtype(dtype)] = np.ascontiguousarray(X.T, dtype=dtype)
            Z1 = np.matmul(P["W1"].transpose(0, 2, 1), Xt)  # (g, h, N)
            Z1 += P["b1"][:, :, None]
            A1 = self._g.forward(Z1, out=Z1)
            Z = np.matmul(P["W2"].transpose(0, 2, 1), A1)  # (g, k, N)
            Z += P["b2"][:, :, None]
            return Z

        return SliceLogits(at)

    def describe(self) -> str:
        return (
            f"2-layer MLP (d = {self.n_features}, h = {self.hidden} {self.hidden_activation}, "
            f"k = {self.n_outputs} {self.output})"
        )


def _count(name: str, value, limit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(LIMITS[limit].check(value))


def make_model(
    kind: str,
    n_features: int,
    n_outputs: int | None = None,
    *,
    hidden: int = 8,
    hidden_activation: str = "tanh",
    output: str | None = None,
):
    """Build a model by name: "linear", "logistic", "softmax" or "mlp"."""
    kind = str(kind).lower()
    if kind not in MODEL_KINDS:
        raise ValueError(f"unknown model {kind!r}; choose one of {', '.join(MODEL_KINDS)}")
    d = _count("n_features", n_features, "n_features")
    if kind == "logistic":
        if n_outputs not in (None, 1):
            raise ValueError(f"logistic regression has one output (P(y = 1 | x)), got n_outputs={n_outputs}")
        return LinearModel("logistic", d, 1)
    if kind == "linear":
        return LinearModel("linear", d, _count("n_outputs", 1 if n_outputs is None else n_outputs, "n_features"))
    if kind == "softmax":
        k = _count("n_outputs", 2 if n_outputs is None else n_outputs, "n_features")
        if k < 2:
            raise ValueError("softmax regression needs at least two classes (n_outputs ≥ 2)")
        return LinearModel("softmax", d, k)
    output = "softmax" if output is None else str(output).lower()
    if output not in OUTPUTS:
        raise ValueError(f"unknown output activation {output!r}; choose one of {', '.join(OUTPUTS)}")
    if hidden_activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(
            f"unknown hidden activation {hidden_activation!r}; choose one of {', '.join(HIDDEN_ACTIVATIONS)}"
        )
    default_k = {"softmax": 2, "sigmoid": 1, "identity": 1}[output]
    k = _count("n_outputs", default_k if n_outputs is None else n_outputs, "n_features")
    if output == "softmax" and k < 2:
        raise ValueError("a softmax output needs at least two classes (n_outputs ≥ 2)")
    return MLP(d, k, _count("hidden", hidden, "hidden"), hidden_activation, output)


def accuracy(model, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> float:
    """The fraction of samples whose most probable class is the true one (Y 0/1 or one-hot)."""
    return accuracy_from_predictions(model.predict(params, X), Y)


def accuracy_from_predictions(P: np.ndarray, Y: np.ndarray) -> float:
    """Accuracy of predictions ŷ (N, k) against Y (N, k): 0/1 columns or one-hot rows."""
    Y = np.asarray(Y)
    if P.shape[1] == 1:
        return float(np.mean((P[:, 0] > 0.5) == (Y[:, 0] > 0.5)))
    return float(np.mean(P.argmax(axis=1) == Y.argmax(axis=1)))
