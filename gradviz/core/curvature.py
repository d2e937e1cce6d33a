"""The full-batch Hessian of L(θ), exactly: the curvature that says how large a step may be.

Every model here computes z = (something of θ) and ŷ = f(z), ℓ = loss(ŷ, y), L = mean ℓ. The
chain rule twice gives

    ∇²L = (1/N) Σᵢ Jᵢᵀ Hᵢ Jᵢ  +  (1/N) Σᵢ Σₘ rᵢₘ ∇²zᵢₘ

with Jᵢ = ∂zᵢ/∂θ, Hᵢ = ∂²ℓᵢ/∂zᵢ² (the output curvature, `output_curvature`) and rᵢ = ∂ℓᵢ/∂zᵢ.
For linear, logistic and softmax regression z = [x 1]Θ is linear in θ, so the second term
vanishes and the Hessian is the closed form Σᵢ (x̃ᵢx̃ᵢᵀ ⊗ Hᵢ)/N (linear + MSE: X̃ᵀX̃/N for each
output). For the two-layer MLP, z² = g(XW¹ + b¹)W² + b², the second term is nonzero where W¹ meets
W² (through g′) and W¹ meets itself (through g″); `hessian_vector_product` applies both terms
to vectors without forming the matrix (forward-mode through the net, then backprop), so the
top eigenvalues of a large net come from an iterative solver (SciPy's `eigsh`, Lanczos) on
that operator. Exact, not finite differences: tests compare with torch.autograd.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .activations import get_activation

__all__ = [
    "hessian",
    "hessian_vector_product",
    "output_curvature",
    "second_derivative",
    "Spectrum",
    "top_eigen",
    "DENSE_UP_TO",
    "StepBound",
    "has_step_bound",
    "max_stable_lr",
    "curvature_limit",
]

DENSE_UP_TO = 600  # parameters up to this: the whole matrix and every eigenvalue (eigh); beyond: Lanczos
_CHUNK_ELEMENTS = 4_000_000  # a product with many vectors at once goes in chunks of about this many floats


def second_derivative(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """g″(z) of an elementwise activation, given z and a = g(z)."""
    if name == "tanh":
        return -2.0 * a * (1.0 - a * a)
    if name == "sigmoid":
        return a * (1.0 - a) * (1.0 - 2.0 * a)
    if name in ("relu", "identity"):
        return np.zeros_like(a)  # piecewise linear (ReLU's kink has measure zero)
    raise ValueError(f"no elementwise second derivative for {name!r}")


def output_curvature(loss_name: str, output: str, Z: np.ndarray, P: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Hᵢ = ∂²ℓᵢ/∂zᵢ² of each sample's own loss (N, k, k); Z, P, Y are (N, k).

    Canonical pairs: softmax + CE (Σy)(diag(p) − ppᵀ), sigmoid + BCE diag(p(1 − p)), identity + MSE I.
    MSE through a sigmoid or softmax adds the activation's own curvature weighted by ŷ − y.
    """
    Z, P, Y = (np.asarray(a, dtype=float) for a in (Z, P, Y))
    N, k = P.shape
    eye = np.eye(k)
    if output == "softmax":
        J = eye * P[:, :, None] - P[:, :, None] * P[:, None, :]  # diag(p) − ppᵀ per sample
    if loss_name == "ce":
        return Y.sum(axis=1)[:, None, None] * J
    if loss_name == "bce":
        return eye * (P * (1.0 - P))[:, :, None]
    if loss_name != "mse":
        raise ValueError(f"unknown loss {loss_name!r}")
    R = P - Y  # ∂ℓ/∂ŷ
    if output == "identity":
        return np.broadcast_to(eye, (N, k, k)).copy()
    if output == "sigmoid":
        d1 = P * (1.0 - P)
        return eye * (d1 * d1 + R * second_derivative("sigmoid", Z, P))[:, :, None]
    if output == "softmax":
        # JᵀJ + Σₘ rₘ∇²pₘ, with Σₘ rₘ∇²pₘ = diag(w) − wpᵀ − pwᵀ + (Σw)ppᵀ − (Σw)J for w = r ⊙ p
        W = R * P
        s = W.sum(axis=1)[:, None, None]
        outer = P[:, :, None] * P[:, None, :]
        weighted = eye * W[:, :, None] - W[:, :, None] * P[:, None, :] - P[:, :, None] * W[:, None, :] + s * outer
        return J @ J + weighted - s * J
    raise ValueError(f"unknown output activation {output!r}")


@dataclass(frozen=True)
class _Point:
    """What both Hessian terms need at one θ, computed once: the data with a column of ones, each
    sample's output curvature H and ∂ℓ/∂z r, and for the MLP the hidden layer's a, g′, g″ and W²."""

    Xt: np.ndarray  # (N, d + 1): [x 1]
    H: np.ndarray  # (N, k, k)
    R: np.ndarray  # (N, k)
    A: np.ndarray | None = None  # (N, h) hidden activations a = g(z¹)
    G1: np.ndarray | None = None  # (N, h) g′(z¹)
    G2: np.ndarray | None = None  # (N, h) g″(z¹)
    W2: np.ndarray | None = None  # (h, k)


def _point(model, loss, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> _Point:
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if X.shape[0] == 0:
        raise ValueError("the Hessian of a mean over no samples is undefined: the data set is empty")
    loss.check_output(model.output)
    fwd = model.forward(params, X)
    Zt, Pt = fwd.Zt, fwd.Pt
    Z, P = Zt.T, Pt.T
    H = output_curvature(loss.name, model.output, Z, P, Y)
    R = loss.sample_logit_grads_t(
        np.ascontiguousarray(Zt), np.ascontiguousarray(Pt), np.ascontiguousarray(Y.T), model.output
    ).T
    Xt = np.column_stack([X, np.ones(X.shape[0])])
    if model.kind != "mlp":
        return _Point(Xt, H, np.ascontiguousarray(R))
    g = model.hidden_activation
    Z1, A = fwd.Z1t.T, fwd.A1t.T
    G1 = get_activation(g).derivative(Z1, A)
    return _Point(
        Xt, H, np.ascontiguousarray(R), A, G1, second_derivative(g, Z1, A), np.asarray(params["W2"], dtype=float)
    )


def _apply(model, pt: _Point, V: np.ndarray) -> np.ndarray:
    """H V for V (P, m), both terms, in the flat order of model.spec."""
    N = pt.Xt.shape[0]
    m = V.shape[1]
    if model.kind != "mlp":  # θ flat is [W; b] (d + 1, k) row by row: z = X̃Θ
        k = pt.H.shape[1]
        dZ = np.einsum("np,pkm->nkm", pt.Xt, V.reshape(-1, k, m))
        U = np.einsum("nkl,nlm->nkm", pt.H, dZ)
        return np.einsum("np,nkm->pkm", pt.Xt, U).reshape(-1, m) / N
    d = pt.Xt.shape[1] - 1
    h, k = pt.W2.shape
    X, A, G1 = pt.Xt[:, :d], pt.A, pt.G1
    offsets = model.spec.offsets()
    Vt = np.ascontiguousarray(V.T)  # (m, P): one vector a row, so each product is a batched matmul
    dW1 = Vt[:, offsets["W1"]].reshape(m, d, h)
    db1 = Vt[:, offsets["b1"]].reshape(m, 1, h)
    dW2 = Vt[:, offsets["W2"]].reshape(m, h, k)
    db2 = Vt[:, offsets["b2"]].reshape(m, 1, k)
    # forward mode: how z¹, a and z² move along each vector, (m, N, ·)
    dZ1 = np.matmul(X, dW1)
    dZ1 += db1
    dA = dZ1 * G1
    dZ2 = np.matmul(dA, pt.W2)
    dZ2 += np.matmul(A, dW2)
    dZ2 += db2
    # Gauss–Newton term: backprop of U = H dz² as if it were ∂ℓ/∂z²
    U = np.einsum("nkl,mnl->mnk", pt.H, dZ2)
    gW2 = np.matmul(A.T, U)
    gb2 = U.sum(axis=1)
    back = np.matmul(U, pt.W2.T)
    back *= G1
    # the second term, r·∇²z²: W¹ with itself through g″ (s = (r W²ᵀ) ⊙ g″), W¹ with W² through g′
    S = (pt.R @ pt.W2.T) * pt.G2
    back += S * dZ1
    back += np.matmul(pt.R, dW2.transpose(0, 2, 1)) * G1
    gW2 += np.matmul(dA.transpose(0, 2, 1), pt.R)
    gW1 = np.matmul(X.T, back)
    gb1 = back.sum(axis=1)
    out = np.concatenate([gW1.reshape(m, -1), gb1.reshape(m, -1), gW2.reshape(m, -1), gb2.reshape(m, -1)], axis=1)
    return out.T / N


def _chunked(model, pt: _Point, V: np.ndarray) -> np.ndarray:
    """`_apply` over the columns of V in chunks that keep the intermediate arrays small."""
    width = pt.Xt.shape[0] * (pt.A.shape[1] if pt.A is not None else pt.H.shape[1])
    step = max(1, _CHUNK_ELEMENTS // max(1, width))
    if V.shape[1] <= step:
        return _apply(model, pt, V)
    return np.hstack([_apply(model, pt, V[:, i : i + step]) for i in range(0, V.shape[1], step)])


def hessian_vector_product(model, loss, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray):
    """A function v ↦ ∇²L(θ) v (v: (P,) or (P, m)), exact, without forming the matrix: each product
    costs about two passes over the data. The forward pass at θ is done once, here."""
    if model.kind == "function":
        H = model.hessian(params)
        return lambda v: H @ np.asarray(v, dtype=float)
    pt = _point(model, loss, params, X, Y)
    size = model.spec.size

    def product(v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        if v.shape[0] != size:
            raise ValueError(f"expected {size} parameters, got a vector of shape {v.shape}")
        out = _chunked(model, pt, v.reshape(size, -1))
        return out.reshape(v.shape)

    return product


def hessian(model, loss, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """∇²L(θ) (P, P), symmetric, in the order of `ParamSpec.from_params(params).flatten`; for a
    playground function, ∇²f at θ = (x, y)."""
    model.spec.check(params)
    if model.kind == "function":
        return model.hessian(params)
    pt = _point(model, loss, params, X, Y)
    if model.kind != "mlp":  # the closed form Σᵢ x̃ᵢx̃ᵢᵀ ⊗ Hᵢ / N
        d1, k = pt.Xt.shape[1], pt.H.shape[1]
        H = np.einsum("np,nq,nkl->pkql", pt.Xt, pt.Xt, pt.H, optimize=True) / pt.Xt.shape[0]
        H = H.reshape(d1 * k, d1 * k)
    else:
        H = _chunked(model, pt, np.eye(model.spec.size))
    return 0.5 * (H + H.T)  # exact up to rounding; symmetric for the eigen-solver


@dataclass(frozen=True)
class Spectrum:
    """Eigenvalues of ∇²L (largest first) and their unit eigenvectors (P, n) as columns; `complete`:
    every eigenvalue (a dense solve), else the top ones only (Lanczos)."""

    values: np.ndarray
    vectors: np.ndarray
    complete: bool

    @property
    def top(self) -> float:
        return float(self.values[0])

    @property
    def smallest_positive(self) -> float | None:
        """The smallest eigenvalue above rounding (None if there is none, or only the top ones are known)."""
        if not self.complete:
            return None
        floor = 1e-10 * max(1.0, abs(self.top))
        positive = self.values[self.values > floor]
        return float(positive[-1]) if positive.size else None

    @property
    def condition(self) -> float | None:
        """κ = λmax / λmin over the positive eigenvalues (None where λmin is not known or not positive)."""
        low = self.smallest_positive
        return self.top / low if low is not None and self.top > 0 else None


def top_eigen(model, loss, params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, count: int = 2) -> Spectrum:
    """The eigenvalues of ∇²L, largest first, with eigenvectors: all of them up to DENSE_UP_TO
    parameters (the matrix and LAPACK's eigh), else the `count` largest by Lanczos iteration on
    Hessian-vector products (SciPy's eigsh; a fixed start vector, so the same θ gives the same answer)."""
    size = model.spec.size
    if size <= DENSE_UP_TO:
        values, vectors = np.linalg.eigh(hessian(model, loss, params, X, Y))
        return Spectrum(values[::-1].copy(), vectors[:, ::-1].copy(), complete=True)
    from scipy.sparse.linalg import LinearOperator, eigsh

    product = hessian_vector_product(model, loss, params, X, Y)
    operator = LinearOperator((size, size), matvec=product, matmat=product, dtype=float)
    start = np.random.default_rng(0).standard_normal(size)
    values, vectors = eigsh(operator, k=min(count, size - 1), which="LA", v0=start, tol=1e-10)
    order = np.argsort(values)[::-1]
    return Spectrum(values[order], vectors[:, order], complete=False)


ADAPTIVE = ("adagrad", "rmsprop", "adam", "adamw")


@dataclass(frozen=True)
class StepBound:
    """The largest stable learning rate an optimizer has on the local quadratic model of L.

    lr: the bound (inf where nothing curves upward; None for the adaptive optimizers, which have
    no single one); formula: the rule in symbols; reason: one sentence why.
    """

    lr: float | None
    formula: str
    reason: str


def has_step_bound(optimizer: str) -> bool:
    """Whether the optimizer's stable learning rates end at a bound set by the curvature alone."""
    return optimizer not in ADAPTIVE


def _weight_decay(hyperparams: Mapping[str, object]) -> float:
    return float(hyperparams.get("weight_decay", 0.0) or 0.0)


def _factor(optimizer: str, hyperparams: Mapping[str, object]) -> tuple[float, str]:
    """(c, the rule in symbols) with the largest stable η = c/(λmax + λ_wd)."""
    if optimizer == "sgd":
        return 2.0, "η < 2/λmax"
    if optimizer not in ("momentum", "nesterov"):
        raise ValueError(f"no step bound for the optimizer {optimizer!r}")
    mu = float(hyperparams.get("momentum", 0.0))
    if optimizer == "nesterov":
        return 2.0 * (1.0 + mu) / (1.0 + 2.0 * mu), "η < 2(1 + μ)/((1 + 2μ)λmax)"
    damp = float(hyperparams.get("dampening", 0.0) or 0.0)
    factor = 2.0 * (1.0 + mu) / (1.0 - damp) if damp < 1.0 else np.inf
    return factor, "η < 2(1 + μ)/λmax" if not damp else "η < 2(1 + μ)/((1 − τ)λmax)"


def curvature_limit(optimizer: str, hyperparams: Mapping[str, object], lr: float) -> float | None:
    """The sharpness λmax of L at which the learning rate `lr` sits exactly on its bound (2/η for GD,
    less weight decay's share): directions curving more than this overshoot. None for the adaptive
    optimizers."""
    if not has_step_bound(optimizer):
        return None
    factor, _ = _factor(optimizer, hyperparams)
    return factor / float(lr) - _weight_decay(hyperparams) if lr > 0 else np.inf


def max_stable_lr(optimizer: str, hyperparams: Mapping[str, object], lam_max: float) -> StepBound:
    """η below which gradient descent is stable along the sharpest direction (curvature λmax).

    On a quadratic the error along an eigenvector of curvature λ is multiplied each step by
    1 − ηλ for plain GD (stable while ηλ < 2); torch's momentum (v ← μv + (1 − τ)g, θ ← θ − ηv) is
    stable while η(1 − τ)λ < 2(1 + μ), its Nesterov form while ηλ < 2(1 + μ)/(1 + 2μ). Weight decay
    added to the gradient adds λ_wd to every curvature.
    """
    if not has_step_bound(optimizer):
        return StepBound(
            None,
            "",
            f"{optimizer} divides each coordinate's step by its own running scale of the gradient, so its step "
            "is not η times the gradient and no single η bounds it",
        )
    lam = float(lam_max) + _weight_decay(hyperparams)
    factor, formula = _factor(optimizer, hyperparams)
    if not np.isfinite(lam) or lam <= 0.0:
        return StepBound(
            np.inf, formula, "the loss curves upward in no direction here (λmax ≤ 0): no step size is too large"
        )
    return StepBound(
        factor / lam,
        formula,
        f"along the sharpest direction (curvature λmax = {lam:.4g}) a larger step overshoots more each time",
    )
