"""The model families: linear / logistic / softmax regression and a 2-layer MLP, with exact backprop.

Shapes: X is (N, d), W is (d, k), z = XW + b is (N, k). Every model can say, besides the loss
and its gradient, what the views draw: dL/dz per sample, each sample's own contribution to the
gradient (xᵢ(ŷᵢ − yᵢ)/N for a canonical pair), the MLP's hidden activations, and the logits
over a whole plane of parameters at once (what a loss surface needs).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .activations import get_activation, softmax_with_lse
from .limits import LIMITS
from .model_base import Forward, Model, SliceLogits, Workspace, _fresh, accuracy, accuracy_from_predictions
from .params import Params, ParamSpec
from .rules import FIXED_OUTPUT, HIDDEN_ACTIVATIONS, MODEL_KINDS, OUTPUTS

__all__ = [
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


def _output_forward(act, Zt: np.ndarray, out: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    if act.name == "softmax":
        return softmax_with_lse(Zt, axis=0, out=out)
    if act.name == "identity":
        return Zt, None
    return act.forward(Zt, out=out), None


class LinearModel(Model):
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


class MLP(Model):
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
