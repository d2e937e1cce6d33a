"""Activation functions, their derivatives and the softmax Jacobian.

Every function is written to stay finite for logits as large as ±1e3: instead of the textbook
"add a small constant inside the log", the losses work in log space from the logits.
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
    "softmax_with_lse",
    "log_softmax",
    "log_sigmoid",
    "softplus",
    "logsumexp",
    "softmax_jacobian",
    "softmax_jacobians",
]


def identity(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    if out is None:
        return np.asarray(z, dtype=float)
    np.copyto(out, z)
    return out


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = 1 / (1 + e^−z); e^−z may overflow to inf for z < −709, giving the exact limit 0."""
    out = np.negative(np.asarray(z, dtype=float), out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.tanh(z, out=out)


def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(z, 0.0, out=out)


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow: max(z, 0) + log1p(e^−|z|)."""
    z = np.asarray(z, dtype=float)
    out = np.abs(z)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(z, 0.0)
    return out


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
    return softmax_with_lse(z, axis)[0]


def softmax_with_lse(z: np.ndarray, axis: int = -1, out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(softmax(z), logsumexp(z)) in one pass; the second is what CE needs, finite for any z."""
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=axis, keepdims=True)
    e = np.subtract(z, m, out=out)
    np.exp(e, out=e)
    s = np.sum(e, axis=axis, keepdims=True)
    e /= s
    np.log(s, out=s)
    s += m
    return e, np.squeeze(s, axis=axis)


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


def _d_identity(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    if out is None:
        return np.ones_like(a)
    out.fill(1.0)
    return out


def _d_sigmoid(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # σ(z)σ(−z) keeps its precision where a is within an ulp of 1.
    if out is None:
        d = np.array(z, dtype=float)
    else:
        d = out
        np.copyto(d, z)
    with np.errstate(over="ignore"):
        np.exp(d, out=d)
    d += 1.0
    np.reciprocal(d, out=d)
    d *= a
    return d


def _d_tanh(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    d = np.multiply(a, a, out=out)
    np.subtract(1.0, d, out=d)  # in place: `1.0 - temp` is slow on large arrays
    return d


def _d_relu(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    if out is None:
        return (z > 0).astype(float)
    np.copyto(out, np.greater(z, 0.0))
    return out


@dataclass(frozen=True)
class Activation:
    """An activation with its forward map and the backward (vector-Jacobian) product."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    elementwise_derivative: Callable[..., np.ndarray] | None
    description: str

    def derivative(self, z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
        """da/dz elementwise (for softmax: the (N, k, k) Jacobians)."""
        a = self.forward(z) if a is None else a
        if self.elementwise_derivative is None:
            return softmax_jacobians(a)
        return self.elementwise_derivative(z, a)

    def backward(
        self,
        upstream: np.ndarray,
        z: np.ndarray,
        a: np.ndarray,
        axis: int = -1,
        *,
        out: np.ndarray | None = None,
        tmp: np.ndarray | None = None,
    ) -> np.ndarray:
        """dL/dz given dL/da (same shape as z); `axis` is the class axis (softmax only).

        `out` may be `upstream` itself (in place); `tmp` is scratch space of z's shape.
        """
        if self.elementwise_derivative is None:
            # gᵀJ for J = diag(a) − a aᵀ, row by row: a ⊙ (g − ⟨g, a⟩).
            res = np.subtract(upstream, np.sum(upstream * a, axis=axis, keepdims=True), out=out)
            res *= a
            return res
        d = self.elementwise_derivative(z, a, out=tmp)
        return np.multiply(d, upstream, out=d if out is None else out)


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
