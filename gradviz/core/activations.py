"""Activation functions, their derivatives and the softmax Jacobian.

Every function is written to stay finite for logits as large as ±1e3 (seed 001's
"add a small constant inside the log" is replaced by working in log space).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "get_activation",
    "identity",
    "sigmoid",
    "tanh",
    "relu",
    "softmax",
    "log_softmax",
    "log_sigmoid",
    "softplus",
    "logsumexp",
    "softmax_jacobian",
    "softmax_jacobians",
]


def identity(z: np.ndarray) -> np.ndarray:
    return np.asarray(z, dtype=float)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^−z), written with tanh so it never overflows."""
    z = np.asarray(z, dtype=float)
    return 0.5 + 0.5 * np.tanh(0.5 * z)


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow: max(z, 0) + log1p(e^−|z|)."""
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def log_sigmoid(z: np.ndarray) -> np.ndarray:
    """log σ(z) = −softplus(−z)."""
    return -softplus(-np.asarray(z, dtype=float))


def logsumexp(z: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Row-wise softmax with the max subtracted first (log-sum-exp trick)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    return z - logsumexp(z, axis=axis, keepdims=True)


def softmax_jacobian(p: np.ndarray) -> np.ndarray:
    """∂ŷᵢ/∂zⱼ = ŷᵢ(δᵢⱼ − ŷⱼ) = diag(p) − p pᵀ for one probability vector p (k,)."""
    p = np.asarray(p, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"softmax_jacobian takes one probability vector of shape (k,), got {p.shape}")
    return np.diag(p) - np.outer(p, p)


def softmax_jacobians(P: np.ndarray) -> np.ndarray:
    """The Jacobian of every row of P (N, k) at once: (N, k, k)."""
    P = np.asarray(P, dtype=float)
    J = -P[:, :, None] * P[:, None, :]
    idx = np.arange(P.shape[1])
    J[:, idx, idx] += P
    return J


# --- derivatives -----------------------------------------------------------------
# Each takes the pre-activation z and the activation a = f(z) (already computed by the
# forward pass) and returns da/dz elementwise. Softmax is not elementwise: see
# `Activation.backward`, which applies the Jacobian-vector product row by row.


def _d_identity(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.ones_like(a)


def _d_sigmoid(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    # σ(z)σ(−z) keeps its precision where a is within an ulp of 1.
    return a * sigmoid(-z)


def _d_tanh(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return 1.0 - a * a


def _d_relu(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return (z > 0).astype(float)


@dataclass(frozen=True)
class Activation:
    """An activation with its forward map and the backward (vector-Jacobian) product."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    elementwise_derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    description: str

    def derivative(self, z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
        """da/dz elementwise (for softmax: the (N, k, k) Jacobians)."""
        a = self.forward(z) if a is None else a
        if self.elementwise_derivative is None:
            return softmax_jacobians(a)
        return self.elementwise_derivative(z, a)

    def backward(self, upstream: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """dL/dz given dL/da (same shape as z)."""
        if self.elementwise_derivative is None:
            # gᵀJ for J = diag(a) − a aᵀ, row by row: a ⊙ (g − ⟨g, a⟩).
            return a * (upstream - np.sum(upstream * a, axis=-1, keepdims=True))
        return upstream * self.elementwise_derivative(z, a)


ACTIVATIONS: dict[str, Activation] = {
    "identity": Activation("identity", identity, _d_identity, "ŷ = z"),
    "sigmoid": Activation("sigmoid", sigmoid, _d_sigmoid, "σ(z) = 1 / (1 + e^−z)"),
    "tanh": Activation("tanh", tanh, _d_tanh, "tanh(z)"),
    "relu": Activation("relu", relu, _d_relu, "max(z, 0)"),
    "softmax": Activation("softmax", softmax, None, "e^zⱼ / Σₙ e^zₙ"),
}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None
