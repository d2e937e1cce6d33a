"""Models: linear / logistic / softmax regression and a 2-layer MLP, with exact backprop.

Shapes follow seed 001: X is (N, d), W is (d, k), z = XW + b is (N, k). Every model can
say, besides the loss and its gradient, what the views draw: dL/dz per sample, each
sample's own contribution to the gradient (seed 002: xᵢ(pᵢ − yᵢ)/N) and, for the MLP,
the hidden activations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .losses import Loss
from .params import Params, ParamSpec

__all__ = [
    "Forward",
    "LinearModel",
    "MLP",
    "MODEL_KINDS",
    "HIDDEN_ACTIVATIONS",
    "OUTPUTS",
    "make_model",
]

MODEL_KINDS = ("linear", "logistic", "softmax", "mlp")
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUTS = ("identity", "sigmoid", "softmax")
_MAX_UNITS = 4096


@dataclass(frozen=True)
class Forward:
    """Everything a forward pass computed, kept for backprop and for the views."""

    Z: np.ndarray  # (N, k) output logits
    P: np.ndarray  # (N, k) predictions ŷ
    Z1: np.ndarray | None = None  # (N, h) hidden pre-activations (MLP)
    A1: np.ndarray | None = None  # (N, h) hidden activations (MLP)


class _Model:
    kind: str
    n_features: int
    n_outputs: int
    output: str
    spec: ParamSpec

    # -- to be provided by subclasses: init, forward, _backward_from_delta, _per_sample

    def logits(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        return self.forward(params, X).Z

    def predict(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        return self.forward(params, X).P

    def check_pair(self, loss: Loss) -> None:
        loss.check_output(self.output)

    def loss_value(self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss) -> float:
        X, Y = self._check_data(X, Y)
        return loss.value_from_logits(self.forward(params, X).Z, Y, self.output)

    def loss_and_grad(
        self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss
    ) -> tuple[float, Params]:
        """L(params) on (X, Y) and dL/dparams, a dict with the same keys and shapes."""
        X, Y = self._check_data(X, Y)
        self.check_pair(loss)
        fwd = self.forward(params, X)
        value = loss.value_from_logits(fwd.Z, Y, self.output)
        delta = loss.logit_delta(fwd.Z, fwd.P, Y, self.output)
        return value, self._backward_from_delta(params, X, fwd, delta)

    def logit_delta(self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss) -> np.ndarray:
        """dL/dz (N, k): (ŷ − y)/N for canonical pairs, the full chain rule otherwise."""
        X, Y = self._check_data(X, Y)
        self.check_pair(loss)
        fwd = self.forward(params, X)
        return loss.logit_delta(fwd.Z, fwd.P, Y, self.output)

    def per_sample_grads(self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss) -> Params:
        """Each sample's contribution to the gradient: arrays (N, *shape) that sum to the batch gradient."""
        X, Y = self._check_data(X, Y)
        self.check_pair(loss)
        fwd = self.forward(params, X)
        delta = loss.logit_delta(fwd.Z, fwd.P, Y, self.output)
        return self._per_sample(params, X, fwd, delta)

    def per_sample_losses(
        self, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, loss: Loss
    ) -> np.ndarray:
        X, Y = self._check_data(X, Y)
        self.check_pair(loss)
        fwd = self.forward(params, X)
        return loss.per_sample_values(fwd.Z, fwd.P, Y, self.output)

    def n_params(self) -> int:
        return self.spec.size

    def describe(self) -> str:
        raise NotImplementedError

    def _check_data(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


class LinearModel(_Model):
    """z = XW + b and ŷ = f(z): linear (identity), logistic (sigmoid), softmax regression."""

    _OUTPUT_OF = {"linear": "identity", "logistic": "sigmoid", "softmax": "softmax"}

    def __init__(self, kind: str, n_features: int, n_outputs: int):
        self.kind = kind
        self.n_features = n_features
        self.n_outputs = n_outputs
        self.output = self._OUTPUT_OF[kind]
        self._act = get_activation(self.output)
        self.spec = ParamSpec((("W", (n_features, n_outputs)), ("b", (n_outputs,))))

    def init(self, seed: int = 0) -> Params:
        rng = np.random.default_rng(seed)
        return {
            "W": rng.normal(0.0, 1.0 / np.sqrt(self.n_features), size=(self.n_features, self.n_outputs)),
            "b": np.zeros(self.n_outputs),
        }

    def forward(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> Forward:
        Z = X @ params["W"]
        Z += params["b"]
        return Forward(Z=Z, P=self._act.forward(Z))

    def _backward_from_delta(self, params, X, fwd: Forward, delta: np.ndarray) -> Params:
        return {"W": X.T @ delta, "b": delta.sum(axis=0)}

    def _per_sample(self, params, X, fwd: Forward, delta: np.ndarray) -> Params:
        return {"W": X[:, :, None] * delta[:, None, :], "b": delta.copy()}

    def describe(self) -> str:
        names = {"linear": "Linear regression", "logistic": "Logistic regression", "softmax": "Softmax regression"}
        return f"{names[self.kind]} (d = {self.n_features}, k = {self.n_outputs})"


class MLP(_Model):
    """Two layers (seed 003): z¹ = XW¹ + b¹, a = g(z¹), z² = aW² + b², ŷ = f(z²)."""

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

    def forward(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> Forward:
        Z1 = X @ params["W1"]
        Z1 += params["b1"]
        A1 = self._g.forward(Z1)
        Z = A1 @ params["W2"]
        Z += params["b2"]
        return Forward(Z=Z, P=self._f.forward(Z), Z1=Z1, A1=A1)

    def hidden_activations(self, params: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        """a = g(XW¹ + b¹), (N, h): what the hidden layer makes of each sample."""
        X = np.asarray(X, dtype=float)
        return self.forward(params, X).A1

    def _hidden_delta(self, params, fwd: Forward, delta: np.ndarray) -> np.ndarray:
        # dL/dz¹ = (dL/dz² W²ᵀ) ⊙ g'(z¹)   (seed 003)
        return self._g.backward(delta @ params["W2"].T, fwd.Z1, fwd.A1)

    def _backward_from_delta(self, params, X, fwd: Forward, delta: np.ndarray) -> Params:
        delta1 = self._hidden_delta(params, fwd, delta)
        return {
            "W1": X.T @ delta1,
            "b1": delta1.sum(axis=0),
            "W2": fwd.A1.T @ delta,
            "b2": delta.sum(axis=0),
        }

    def _per_sample(self, params, X, fwd: Forward, delta: np.ndarray) -> Params:
        delta1 = self._hidden_delta(params, fwd, delta)
        return {
            "W1": X[:, :, None] * delta1[:, None, :],
            "b1": delta1,
            "W2": fwd.A1[:, :, None] * delta[:, None, :],
            "b2": delta.copy(),
        }

    def describe(self) -> str:
        return (
            f"2-layer MLP (d = {self.n_features}, h = {self.hidden} {self.hidden_activation}, "
            f"k = {self.n_outputs} {self.output})"
        )


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not 1 <= int(value) <= _MAX_UNITS:
        raise ValueError(f"{name} must be between 1 and {_MAX_UNITS}, got {value}")
    return int(value)


def make_model(
    kind: str,
    n_features: int,
    n_outputs: int | None = None,
    *,
    hidden: int = 8,
    hidden_activation: str = "tanh",
    output: str | None = None,
):
    """Build a model by name (design.md, Compute API)."""
    kind = str(kind).lower()
    if kind not in MODEL_KINDS:
        raise ValueError(f"unknown model {kind!r}; choose one of {', '.join(MODEL_KINDS)}")
    d = _positive_int("n_features", n_features)
    if kind == "logistic":
        if n_outputs not in (None, 1):
            raise ValueError(f"logistic regression has one output (P(y = 1 | x)), got n_outputs={n_outputs}")
        return LinearModel("logistic", d, 1)
    if kind == "linear":
        return LinearModel("linear", d, _positive_int("n_outputs", 1 if n_outputs is None else n_outputs))
    if kind == "softmax":
        k = _positive_int("n_outputs", 2 if n_outputs is None else n_outputs)
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
    k = _positive_int("n_outputs", default_k if n_outputs is None else n_outputs)
    if output == "softmax" and k < 2:
        raise ValueError("a softmax output needs at least two classes (n_outputs ≥ 2)")
    return MLP(d, k, _positive_int("hidden", hidden), hidden_activation, output)
