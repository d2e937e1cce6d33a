"""Losses with the mean conventions every view uses, each defined once, per sample.

    MSE  ℓ = ½‖ŷ − y‖²                        L = 1/(2N) Σ‖ŷ − y‖²
    BCE  ℓ = −[y log ŷ + (1 − y) log(1 − ŷ)]   canonical with a sigmoid output
    CE   ℓ = −Σⱼ yⱼ log ŷⱼ                    canonical with a softmax output

`sample_terms_t` is the one definition of ℓ. Where the output is canonical it is computed from
the logits in a form whose every term is ≥ 0 (softplus(z) − yz = max(z, 0) − yz + log(1 + e^−|z|),
and Σ y(lse − z)), so a loss can never show as negative, however large the logits. Everything
else here is a mean of it or its derivative: L = mean ℓ, and dL/dz = (ŷ − y)/N for the
canonical pairs, the exact chain rule through the activation for MSE with a sigmoid or softmax.
Which pairs exist and which are canonical is `rules`' business.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import rules
from .activations import get_activation, logsumexp, softplus

__all__ = ["Loss", "LOSSES", "make_loss", "IncompatibleLossError"]


class IncompatibleLossError(ValueError):
    """A loss was paired with an output activation the math does not admit."""


@dataclass(frozen=True)
class Loss:
    name: str
    title: str
    canonical_output: str
    admitted_outputs: tuple[str, ...]

    # ------------------------------------------------------------------ pairing (rules)
    def admits(self, output: str) -> bool:
        return rules.admits(self.name, output)

    def is_canonical(self, output: str) -> bool:
        return rules.is_canonical(self.name, output)

    def check_output(self, output: str) -> None:
        if not self.admits(output):
            need = " or ".join(self.admitted_outputs)
            raise IncompatibleLossError(
                f"{self.title} needs a {need} output, but the model's output is {output}: "
                f"{rules.why_not(self.name, output)}"
            )

    # ------------------------------------------------------------------ the definition
    def sample_terms_t(self, Zt: np.ndarray, Pt: np.ndarray, lse: np.ndarray | None, Yt: np.ndarray) -> np.ndarray:
        """ℓ of each sample, ≥ 0. Class-major: Zt, Pt, Yt are (…, k, N), lse (…, N); returns (…, N).

        MSE reads the predictions; BCE the logits of its sigmoid, ℓ = Σ softplus(z) − y·z; CE the
        logits and their log-sum-exp, ℓ = (Σy)·lse − y·z (only canonical pairs exist for BCE and
        CE). Each ℓ is a difference within one sample, so it cannot cancel against other samples;
        what rounding leaves below its true value (≥ 0) is clipped at 0.
        """
        if self.name == "mse":
            R = Pt - Yt
            R *= R
            return 0.5 * R.sum(axis=-2)
        yz = np.einsum("...kn,...kn->...n", Yt, Zt)
        if self.name == "bce":
            terms = softplus(Zt).sum(axis=-2)
        else:
            terms = np.sum(Yt, axis=-2) * lse
        terms -= yz
        return np.maximum(terms, 0.0, out=terms)

    def sample_output_grads(self, P: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """∂ℓ/∂ŷ of each sample (N, k): ŷ − y, −(y/ŷ − (1 − y)/(1 − ŷ)), −y/ŷ.

        A term whose target weight is 0 is 0; where ŷ is exactly 0 or 1 and the target needs
        the other side the derivative is undefined and comes out as ±inf (views say so in words).
        """
        P, Y = _as_pair(P, Y)
        if self.name == "mse":
            return P - Y
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.name == "bce":
                return -_ratio(Y, P) + _ratio(1.0 - Y, 1.0 - P)
            return -_ratio(Y, P)

    def sample_logit_grads_t(self, Zt: np.ndarray, Pt: np.ndarray, Yt: np.ndarray, output: str, out=None) -> np.ndarray:
        """∂ℓ/∂z of each sample, class-major (k, N): ŷ − y for canonical pairs, else the chain rule."""
        if self.name == "ce":  # exact for targets that do not sum to one: ŷ Σⱼyⱼ − y
            D = np.multiply(Pt, np.sum(Yt, axis=-2, keepdims=True), out=out)
            D -= Yt
            return D
        D = np.subtract(Pt, Yt, out=out)
        if self.name == "mse" and output != "identity":
            return get_activation(output).backward(D, Zt, Pt, axis=-2, out=D)
        return D

    # ------------------------------------------------------------------ means over the batch
    def value_and_delta_t(
        self, Zt: np.ndarray, Pt: np.ndarray, lse: np.ndarray | None, Yt: np.ndarray, output: str, out=None
    ) -> tuple[float, np.ndarray]:
        """(L, dL/dz) with classes along axis 0 (Zt, Pt, Yt are (k, N)): the models' hot path."""
        inv_n = 1.0 / Zt.shape[-1]
        Yt = np.ascontiguousarray(Yt)  # a transposed (N, k) view: sums over k would stride through memory
        value = float(np.sum(self.sample_terms_t(Zt, Pt, lse, Yt))) * inv_n
        D = self.sample_logit_grads_t(Zt, Pt, Yt, output, out=out)
        D *= inv_n
        return value, D

    def per_sample_values(self, Z: np.ndarray, P: np.ndarray, Y: np.ndarray, output: str) -> np.ndarray:
        """Each sample's ℓᵢ (N,), so that L = mean(ℓᵢ); Z, P, Y are (N, k)."""
        Zt, Yt = np.asarray(Z, dtype=float).T, np.asarray(Y, dtype=float).T
        lse = logsumexp(Zt, axis=0) if self.name == "ce" else None
        return self.sample_terms_t(Zt, np.asarray(P, dtype=float).T, lse, Yt)

    def value(self, P: np.ndarray, Y: np.ndarray) -> float:
        """L(ŷ, y) from predictions (probabilities for BCE and CE)."""
        P, Y = _as_pair(P, Y)
        Zt = _logits_of(self.name, P).T
        lse = logsumexp(Zt, axis=0) if self.name == "ce" else None
        return float(np.mean(self.sample_terms_t(Zt, P.T, lse, Y.T)))

    def value_from_logits(self, Z: np.ndarray, Y: np.ndarray, output: str) -> np.ndarray | float:
        """L from logits z (…, N, k); leading axes are kept."""
        self.check_output(output)
        Zt = np.swapaxes(np.asarray(Z, dtype=float), -1, -2)
        Yt = np.asarray(Y, dtype=float).T
        lse = logsumexp(Zt, axis=-2) if output == "softmax" else None
        Pt = get_activation(output).forward(Zt) if output != "softmax" else np.exp(Zt - np.expand_dims(lse, -2))
        out = np.mean(self.sample_terms_t(Zt, Pt, lse, Yt), axis=-1)
        return float(out) if np.ndim(out) == 0 else out

    def grad_output(self, P: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """dL/dŷ (N, k): the per-sample ∂ℓ/∂ŷ divided by N."""
        return self.sample_output_grads(P, Y) / np.shape(P)[0]

    def logit_delta(self, Z: np.ndarray, P: np.ndarray, Y: np.ndarray, output: str) -> np.ndarray:
        """dL/dz (N, k): (ŷ − y)/N for canonical pairs, the chain rule through the activation otherwise."""
        self.check_output(output)
        Zt, Pt, Yt = (np.asarray(a, dtype=float).T for a in (Z, P, Y))
        return np.ascontiguousarray(self.sample_logit_grads_t(Zt, Pt, Yt, output).T) / Zt.shape[-1]

    # ------------------------------------------------------------------ grids of parameters
    def grid_totals(self, Z: np.ndarray, Yt: np.ndarray, output: str, yz: np.ndarray | None = None) -> np.ndarray:
        """Σᵢ ℓᵢ for each of g parameter points, from logits Z (g, k, N); overwrites Z.

        The same ℓ as `sample_terms_t`, summed in place: a loss surface evaluates it at ten
        thousand points per frame, where every pass over the data counts. `yz` (g,), Σ y·z per
        point, may be passed in when it is cheaper to get elsewhere (logits affine in the point).
        """
        g = Z.shape[0]
        flat = Z.reshape(g, -1)
        if self.name in ("bce", "ce") and yz is None:
            yz = np.einsum("gkn,kn->g", Z, Yt, dtype=np.float64)
        if self.name == "bce":  # Σ softplus(z) = Σ (z + |z|)/2 + Σ log(1 + e^−|z|)
            zsum = flat.sum(axis=1, dtype=np.float64)
            np.abs(flat, out=flat)
            total = 0.5 * (zsum + flat.sum(axis=1, dtype=np.float64))
            np.negative(flat, out=flat)
            np.exp(flat, out=flat)
            if flat.dtype == np.float32:  # display precision: log(1 + u) is 2× faster than log1p here
                flat += 1.0
                np.log(flat, out=flat)
            else:
                np.log1p(flat, out=flat)
            total += flat.sum(axis=1, dtype=np.float64) - yz
        elif self.name == "ce":  # Σₙ (Σⱼ yⱼₙ)·lse(z·ₙ) − Σ y z
            m = Z.max(axis=1)
            Z -= m[:, None, :]
            np.exp(Z, out=Z)
            lse = Z.sum(axis=1)
            np.log(lse, out=lse)
            lse += m
            total = (lse @ Yt.sum(axis=0)).astype(np.float64) - yz
        else:
            if output == "softmax":
                Z -= Z.max(axis=1, keepdims=True)
                np.exp(Z, out=Z)
                Z /= Z.sum(axis=1, keepdims=True)
            else:
                get_activation(output).forward(Z, out=Z)
            Z -= Yt
            total = 0.5 * np.einsum("gi,gi->g", flat, flat, dtype=np.float64)
        return np.maximum(total, 0.0, out=total)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num/den, and 0 wherever num is 0 (a target weight of 0 removes the term)."""
    return np.divide(num, den, out=np.zeros(np.broadcast_shapes(num.shape, den.shape)), where=num != 0)


def _logits_of(name: str, P: np.ndarray) -> np.ndarray:
    """The logits whose canonical activation gives P: log(p/(1 − p)) for BCE, log p for CE."""
    tiny = np.finfo(float).tiny
    if name == "bce":
        p = np.clip(P, tiny, 1.0 - np.finfo(float).epsneg)
        return np.log(p) - np.log1p(-p)
    if name == "ce":
        return np.log(np.maximum(P, tiny))
    return P


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
    name: Loss(name, rules.LOSS_TITLES[name], rules.CANONICAL_OUTPUT[name], rules.ADMITTED_OUTPUTS[name])
    for name in rules.LOSS_NAMES
}


def make_loss(name: str) -> Loss:
    try:
        return LOSSES[name.lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
