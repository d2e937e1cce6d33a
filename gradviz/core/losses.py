"""Losses with the seeds' mean conventions, computed from logits where the pair is canonical.

    MSE  L = 1/(2N) Σ‖ŷ − y‖²                       canonical with the identity output
    BCE  L = −1/N Σ [y log ŷ + (1 − y) log(1 − ŷ)]   canonical with a sigmoid output
    CE   L = −1/N Σᵢ Σⱼ yᵢⱼ log ŷᵢⱼ                  canonical with a softmax output

For a canonical pair dL/dz = (ŷ − y)/N (seed 001). MSE is also admitted with sigmoid and
softmax outputs (non-canonical); there dL/dz is the exact chain rule through the
activation, and differs from (ŷ − y)/N, which is what the app sets out to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import get_activation, log_softmax, logsumexp, softplus

__all__ = ["Loss", "LOSSES", "make_loss", "IncompatibleLossError"]


class IncompatibleLossError(ValueError):
    """A loss was paired with an output activation the math does not admit."""


@dataclass(frozen=True)
class Loss:
    name: str
    title: str
    canonical_output: str
    admitted_outputs: tuple[str, ...]

    # ------------------------------------------------------------------ pairing
    def admits(self, output: str) -> bool:
        return output in self.admitted_outputs

    def is_canonical(self, output: str) -> bool:
        return output == self.canonical_output

    def check_output(self, output: str) -> None:
        if not self.admits(output):
            need = " or ".join(self.admitted_outputs)
            raise IncompatibleLossError(
                f"{self.title} needs a {need} output, but the model's output is {output}: {self._why_not(output)}"
            )

    def _why_not(self, output: str) -> str:
        if self.name == "ce":
            return (
                "cross-entropy compares two probability distributions over the classes, so ŷ must come from a softmax"
            )
        if self.name == "bce":
            return "binary cross-entropy reads ŷ as P(y = 1 | x), so ŷ must come from a sigmoid"
        return "this output cannot be compared with the targets"

    # ------------------------------------------------------------------ values
    def value(self, P: np.ndarray, Y: np.ndarray) -> float:
        """L(ŷ, y) from predictions (probabilities for BCE/CE)."""
        P, Y = _as_pair(P, Y)
        N = P.shape[0]
        if self.name == "mse":
            r = P - Y
            return float(np.sum(r * r) / (2.0 * N))
        tiny = np.finfo(float).tiny
        if self.name == "bce":
            logp = np.log(np.maximum(P, tiny))
            log1mp = np.log(np.maximum(1.0 - P, tiny))
            return float(-np.sum(Y * logp + (1.0 - Y) * log1mp) / N)
        return float(-np.sum(Y * np.log(np.maximum(P, tiny))) / N)

    def grad_output(self, P: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """dL/dŷ (N, k), seed 000: (ŷ − y)/N, −(y/ŷ − (1 − y)/(1 − ŷ))/N, −(y/ŷ)/N."""
        P, Y = _as_pair(P, Y)
        N = P.shape[0]
        if self.name == "mse":
            return (P - Y) / N
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.name == "bce":
                return -(Y / P - (1.0 - Y) / (1.0 - P)) / N
            return -(Y / P) / N

    def value_from_logits(self, Z: np.ndarray, Y: np.ndarray, output: str) -> np.ndarray | float:
        """L from logits z (…, N, k); leading axes are kept (used by loss surfaces).

        Canonical pairs never form ŷ: BCE = mean(softplus(z) − y z), CE = mean(Σy·lse(z) − Σ y z).
        """
        self.check_output(output)
        Z = np.asarray(Z)
        N = Z.shape[-2]
        if self.name == "bce":
            total = np.sum(softplus(Z) - Y * Z, axis=(-2, -1))
        elif self.name == "ce":
            total = -np.sum(Y * log_softmax(Z), axis=(-2, -1))
        else:
            P = get_activation(output).forward(Z)
            r = P - Y
            total = np.sum(r * r, axis=(-2, -1)) / 2.0
        out = total / N
        return float(out) if np.ndim(out) == 0 else out

    # ------------------------------------------------------------------ gradients
    def logit_delta(self, Z: np.ndarray, P: np.ndarray, Y: np.ndarray, output: str) -> np.ndarray:
        """dL/dz (N, k) for each sample: the signal that backpropagates into the weights.

        Canonical pairs: (ŷ − y)/N (for CE with targets that do not sum to one, the exact
        (ŷ Σⱼyⱼ − y)/N). Otherwise the chain rule dL/dŷ · ∂ŷ/∂z through the activation.
        """
        N = P.shape[0]
        if self.is_canonical(output):
            if self.name == "ce":
                return (P * np.sum(Y, axis=1, keepdims=True) - Y) / N
            return (P - Y) / N
        self.check_output(output)
        return get_activation(output).backward(self.grad_output(P, Y), Z, P)

    def value_and_delta_t(
        self,
        Zt: np.ndarray,
        Pt: np.ndarray,
        lse: np.ndarray | None,
        Yt: np.ndarray,
        output: str,
        out: np.ndarray | None = None,
    ) -> tuple[float, np.ndarray]:
        """The model's hot path: (L, dL/dz) with classes along axis 0 — Zt, Pt, Yt are (k, N).

        The same numbers as `value_from_logits` and `logit_delta`, computed with in-place
        operations on class-major arrays (row reductions over a short k axis are slow).
        """
        N = Zt.shape[1]
        inv_n = 1.0 / N
        if self.name == "mse":
            R = np.subtract(Pt, Yt, out=out)
            value = float(np.vdot(R, R)) * 0.5 * inv_n
            R *= inv_n
            if output == "identity":
                return value, R
            return value, get_activation(output).backward(R, Zt, Pt, axis=0, out=R)
        yz = float(np.einsum("ij,ij->", Yt, Zt))
        if self.name == "bce":
            value = (float(np.sum(softplus(Zt))) - yz) * inv_n
            D = np.subtract(Pt, Yt, out=out)
        else:
            ysum = np.sum(Yt, axis=0)
            value = (float(ysum @ lse) - yz) * inv_n
            D = np.multiply(Pt, ysum, out=out)
            D -= Yt
        D *= inv_n
        return value, D

    def per_sample_values(self, Z: np.ndarray, P: np.ndarray, Y: np.ndarray, output: str) -> np.ndarray:
        """Each sample's own loss ℓᵢ (N,), so that L = mean(ℓᵢ)."""
        if self.name == "bce" and output == "sigmoid":
            return np.sum(softplus(Z) - Y * Z, axis=1)
        if self.name == "ce" and output == "softmax":
            return np.sum(Y, axis=1) * logsumexp(Z, axis=1) - np.sum(Y * Z, axis=1)
        r = P - Y
        return 0.5 * np.sum(r * r, axis=1)


def _as_pair(P: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    P = np.asarray(P, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if P.ndim == 1:
        P = P[:, None]
    if Y.ndim == 1:
        Y = Y[:, None]
    if P.shape != Y.shape:
        raise ValueError(f"predictions {P.shape} and targets {Y.shape} must have the same shape (N, k)")
    if P.shape[0] == 0:
        raise ValueError("the loss of an empty data set is undefined (N = 0)")
    return P, Y


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", "Mean squared error", "identity", ("identity", "sigmoid", "softmax")),
    "bce": Loss("bce", "Binary cross-entropy", "sigmoid", ("sigmoid",)),
    "ce": Loss("ce", "Categorical cross-entropy", "softmax", ("softmax",)),
}


def make_loss(name: str) -> Loss:
    try:
        return LOSSES[name.lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
