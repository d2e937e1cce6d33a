"""Loss landscapes: 2-D slices of parameter space, the directions that span them, and paths on them.

A slice is L(c + α·d₁ + β·d₂) over a grid of (α, β). The directions are params-shaped
dicts: a single parameter axis (a direction with one 1), two random filter-normalised
directions (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets") or the top
two principal directions of a trajectory. A trajectory is projected onto the slice by
least squares; its distance from the plane says how much the picture hides.

Speed: linear models have logits that are affine in (α, β), z = z₀ + α z₁ + β z₂, so a
grid needs one small matmul and one elementwise pass per chunk of points; linear regression
with MSE needs no pass per point at all (the loss is a quadratic form in α and β).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from .losses import Loss
from .params import Params, ParamSpec, norm, row_norms

__all__ = [
    "loss_surface",
    "gradient_field",
    "axis_direction",
    "random_directions",
    "pca_directions",
    "project_trajectory",
    "Projection",
    "MAX_CHUNK_BYTES",
    "Slice",
    "SLICE_MODES",
    "make_slice",
    "default_slice_labels",
]

MAX_CHUNK_BYTES = 8 * 2**20  # per temporary array; keeps peak memory far below 200 MB


def loss_surface(
    model,
    loss: Loss,
    X: np.ndarray,
    Y: np.ndarray,
    center: Mapping[str, np.ndarray],
    d1: Mapping[str, np.ndarray],
    d2: Mapping[str, np.ndarray],
    alphas: np.ndarray,
    betas: np.ndarray,
    *,
    dtype=np.float64,
) -> np.ndarray:
    """S[i, j] = L(center + alphas[i]·d1 + betas[j]·d2), shape (len(alphas), len(betas)).
    For a playground function (a model with `surface`) L is f itself, one vectorised call."""
    if hasattr(model, "surface"):
        for p in (center, d1, d2):
            model.spec.check(p)
        with np.errstate(all="ignore"):
            return model.surface(center, d1, d2, alphas, betas)
    X, Y = model.check_data(X, Y)
    model.check_pair(loss)
    for p in (center, d1, d2):
        model.spec.check(p)
    alphas = np.asarray(alphas, dtype=float).ravel()
    betas = np.asarray(betas, dtype=float).ravel()
    if alphas.size == 0 or betas.size == 0:
        return np.zeros((alphas.size, betas.size))
    if not (np.all(np.isfinite(alphas)) and np.all(np.isfinite(betas))):
        raise ValueError("the grid coordinates must be finite")
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError("dtype must be float32 or float64")
    A, B = np.meshgrid(alphas, betas, indexing="ij")
    coeffs = np.column_stack([np.ones(A.size), A.ravel(), B.ravel()])  # rows (1, α, β)
    logits = model.slice_logits(center, d1, d2, X)
    with np.errstate(over="ignore", invalid="ignore"):
        if logits.basis is not None and loss.name == "mse" and model.output == "identity":
            values = _quadratic_surface(logits.basis, Y, coeffs)
        else:
            values = _grid_values(loss, model.output, logits, Y, coeffs, dtype)
    return np.asarray(values, dtype=float).reshape(alphas.size, betas.size)


def _quadratic_surface(basis: np.ndarray, Y: np.ndarray, coeffs: np.ndarray) -> np.ndarray:
    """MSE with logits affine in (α, β): L = 1/(2N) ‖r₀ + α z₁ + β z₂‖² with r₀ = z₀ − y: a quadratic in α, β."""
    R = basis.reshape(3, -1).copy()
    R[0] -= Y.T.ravel()
    G = R @ R.T
    a, b = coeffs[:, 1], coeffs[:, 2]
    S = G[0, 0] + 2 * G[0, 1] * a + 2 * G[0, 2] * b + G[1, 1] * a * a + G[2, 2] * b * b + 2 * G[1, 2] * a * b
    return np.maximum(S, 0.0) / (2.0 * Y.shape[0])


_CACHE_CHUNK_BYTES = 1 * 2**20  # a chunk that stays in cache runs the elementwise passes faster


def _grid_values(loss: Loss, output: str, logits, Y: np.ndarray, coeffs: np.ndarray, dtype) -> np.ndarray:
    """L at every row of coeffs, in chunks of parameter points that keep temporaries small."""
    N, k = Y.shape
    itemsize = np.dtype(dtype).itemsize
    # affine logits are one small matmul per chunk; the MLP's hidden layer needs room as well
    limit = _CACHE_CHUNK_BYTES if logits.basis is not None else 4 * _CACHE_CHUNK_BYTES
    rows = max(1, int(min(limit, MAX_CHUNK_BYTES) // max(1, k * N * itemsize)))
    Yt = np.ascontiguousarray(Y.T, dtype=dtype)
    # Σ y·z is affine in the point too when the logits are: once for the whole grid, not per point
    yz = coeffs @ np.einsum("skn,kn->s", logits.basis, Y.T) if logits.basis is not None else None
    out = np.empty(coeffs.shape[0])
    buf = np.empty((rows, k, N), dtype=dtype)
    for start in range(0, coeffs.shape[0], rows):
        chunk = slice(start, start + rows)
        Z = logits.at(coeffs[chunk], dtype, out=buf[: len(coeffs[chunk])])
        out[chunk] = loss.grid_totals(Z, Yt, output, None if yz is None else yz[chunk])
    return out / N


def gradient_field(model, loss: Loss, X, Y, center, d1, d2, alphas, betas) -> np.ndarray:
    """(len(alphas), len(betas), 2): ∂/∂α and ∂/∂β of the slice, i.e. (∇L·d₁, ∇L·d₂)."""
    if hasattr(model, "surface_gradient"):
        with np.errstate(all="ignore"):
            return model.surface_gradient(center, d1, d2, alphas, betas)
    spec = model.spec
    c, u, v = spec.flatten(center), spec.flatten(d1), spec.flatten(d2)
    alphas = np.asarray(alphas, dtype=float).ravel()
    betas = np.asarray(betas, dtype=float).ravel()
    field = np.empty((alphas.size, betas.size, 2))
    for i, al in enumerate(alphas):
        for j, be in enumerate(betas):
            params = spec.unflatten(c + al * u + be * v)
            _, grads = model.loss_and_grad(params, X, Y, loss)
            g = spec.flatten(grads)
            field[i, j] = (g @ u, g @ v)
    return field


def axis_direction(spec_or_model, label: str) -> Params:
    """The direction of one named scalar, e.g. "W[0,0]" or "b[0]"."""
    spec = spec_or_model if isinstance(spec_or_model, ParamSpec) else spec_or_model.spec
    return spec.axis(label)


def random_directions(
    params: Mapping[str, np.ndarray],
    seed: int = 0,
    *,
    ignore_bias: bool = True,
    orthogonalize: bool = True,
    filter_normalize: bool = True,
) -> tuple[Params, Params]:
    """Two random Gaussian directions, filter-normalised to the parameters (Li et al. 2018).

    Each filter (a weight matrix's column: one unit's incoming weights) of a direction is
    rescaled to the norm of the same filter in `params`, so that the slice has the same
    scale in every layer. Bias directions are zero (as in the paper) unless
    ignore_bias=False; a filter whose weights are all zero keeps a unit-norm direction.
    With orthogonalize, d₂ loses its component along d₁ (in a model with a handful of
    parameters two random vectors are far from orthogonal), keeping its length.

    Without filter_normalize each direction is one Gaussian vector scaled as a whole to ‖θ‖
    (at least 1): where every filter is a single weight, normalising each keeps only its sign,
    and two such directions can be parallel.
    """
    rng = np.random.default_rng(seed)
    spec = ParamSpec.from_params(params)

    def one() -> Params:
        if not filter_normalize:
            r = rng.standard_normal(spec.size)
            return spec.unflatten(r / max(norm(r), 1e-300) * max(norm(spec.flatten(params)), 1.0))
        d: Params = {}
        for key, theta in params.items():
            theta = np.asarray(theta, dtype=float)
            r = rng.standard_normal(theta.shape)
            if theta.ndim == 1:
                if ignore_bias:
                    d[key] = np.zeros_like(theta)
                else:
                    d[key] = r / max(norm(r), 1e-300) * max(norm(theta), 1.0)
                continue
            r_norm = row_norms(r, axis=0)[None, :]
            t_norm = row_norms(theta, axis=0)[None, :]
            scale = np.where(t_norm > 1e-10, t_norm, 1.0) / np.maximum(r_norm, 1e-300)
            d[key] = r * scale
        return d

    a, b = one(), one()
    if orthogonalize:
        u, v = spec.flatten(a), spec.flatten(b)
        length = norm(v)
        v = v - (v @ u) / max(u @ u, 1e-300) * u
        if norm(v) > 1e-12:
            v *= length / norm(v)
        b = spec.unflatten(v)
    return a, b


def pca_directions(trajectory: np.ndarray, spec: ParamSpec) -> tuple[Params, Params, np.ndarray]:
    """The top two principal directions of a path θ₀…θₜ (rows), centred on its last point.

    Returns (d₁, d₂, explained) where `explained` is the fraction of the path's variance
    along each direction.
    """
    T = np.asarray(trajectory, dtype=float)
    if T.ndim != 2 or T.shape[1] != spec.size:
        raise ValueError(f"a trajectory is (steps, {spec.size}) flat parameters, got {T.shape}")
    M = T - T[-1]
    M = M[np.any(M != 0, axis=1)]
    if M.shape[0] < 2:
        raise ValueError("PCA directions need a path with at least three distinct points: train a few steps first")
    _, s, vt = np.linalg.svd(M, full_matrices=False)
    if s.size < 2 or s[1] <= 1e-12 * s[0]:
        raise ValueError("the path lies on a line: a second principal direction does not exist yet")
    var = s**2
    return spec.unflatten(vt[0]), spec.unflatten(vt[1]), var[:2] / var.sum()


@dataclass(frozen=True)
class Projection:
    coords: np.ndarray  # (T, 2) (α, β) of each point
    off_plane: np.ndarray  # (T,) distance of each point from the slice's plane

    @property
    def exact(self) -> bool:
        """True when the path lies in the plane (a single-parameter slice of a 2-parameter model)."""
        return bool(np.all(self.off_plane <= 1e-9 * (1.0 + np.abs(self.coords).max(initial=0.0))))


def project_trajectory(trajectory: np.ndarray, spec: ParamSpec, center, d1, d2) -> Projection:
    """Least-squares (α, β) for each θ: θ ≈ c + α d₁ + β d₂."""
    T = np.atleast_2d(np.asarray(trajectory, dtype=float))
    c = spec.flatten(center)
    D = np.column_stack([spec.flatten(d1), spec.flatten(d2)])
    if np.linalg.matrix_rank(D) < 2:
        raise ValueError("the two directions are parallel (or zero): they do not span a plane")
    R = T - c
    coords, *_ = np.linalg.lstsq(D, R.T, rcond=None)
    coords = coords.T
    off = row_norms(R - coords @ D.T)
    return Projection(coords, off)


SLICE_MODES = ("axes", "random", "pca", "eigen")


@dataclass(frozen=True, eq=False)  # compared by identity: it holds arrays
class Slice:
    """A 2-D slice of parameter space: θ(α, β) = center + α·d₁ + β·d₂.

    In "axes" mode d₁, d₂ are single-parameter axes and the centre has zeros in those two
    coordinates, so α and β are the parameters' own values. The other modes span random
    filter-normalised or principal directions, or the Hessian's top two eigenvectors ("eigen"),
    around a pinned centre.
    """

    mode: str
    axis_labels: tuple[str, str]
    center: Params
    d1: Params
    d2: Params
    seed: int = 0
    explained: tuple[float, float] | None = None

    @cached_property
    def _basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(c, D, D⁺): the flat centre, directions (P, 2) and their pseudo-inverse, computed once."""
        spec = ParamSpec.from_params(self.center)
        D = np.column_stack([spec.flatten(self.d1), spec.flatten(self.d2)])
        if np.linalg.matrix_rank(D) < 2:
            raise ValueError("the two directions are parallel (or zero): they do not span a plane")
        return spec.flatten(self.center), D, np.linalg.pinv(D)

    def point(self, spec: ParamSpec, alpha: float, beta: float) -> Params:
        c, D, _ = self._basis
        return spec.unflatten(c + D @ np.array([alpha, beta]))

    def project(self, spec: ParamSpec, trajectory: np.ndarray) -> Projection:
        """Least-squares (α, β) of each flat θ (rows), and its distance from the plane."""
        c, D, pinv = self._basis
        R = np.atleast_2d(np.asarray(trajectory, dtype=float)) - c
        coords = R @ pinv.T
        return Projection(coords, row_norms(R - coords @ D.T))

    def components(self, spec: ParamSpec, vectors: np.ndarray) -> np.ndarray:
        """(…, 2) slice components (v·d₁, v·d₂) of flat gradient-like vectors (…, P)."""
        return np.asarray(vectors) @ self._basis[1]

    def displacement(self, spec: ParamSpec, vectors: np.ndarray) -> np.ndarray:
        """(…, 2) (Δα, Δβ) of flat displacements Δθ (…, P), by least squares."""
        return np.asarray(vectors) @ self._basis[2].T

    def through(self, spec: ParamSpec, point: np.ndarray) -> Slice:
        """The parallel plane through a flat point θ: same directions, same (α, β) for every θ.

        Only the part of the centre off the plane moves, c' = c + (I − DD⁺)(θ − c), so the path,
        the arrows and the axes keep their coordinates while the surface becomes the loss around
        θ itself: the colour under the current point is then the loss there.
        """
        c, D, pinv = self._basis
        off = np.asarray(point, dtype=float) - c
        off -= D @ (pinv @ off)
        moved = replace(self, center=spec.unflatten(c + off))
        moved.__dict__["_basis"] = (c + off, D, pinv)  # the same directions: no new pseudo-inverse
        return moved

    def holds_everything(self, spec: ParamSpec) -> bool:
        """True when the slice is the whole parameter space (two parameters in all)."""
        return self.mode == "axes" and spec.size == 2


def _spans_a_plane(spec: ParamSpec, d1: Params, d2: Params) -> bool:
    D = np.column_stack([spec.flatten(d1), spec.flatten(d2)])
    return bool(np.linalg.matrix_rank(D) == 2)


def default_slice_labels(spec: ParamSpec) -> tuple[str, str]:
    """The two parameters a slice starts with: two weights if there are two, else a weight and a bias."""
    labels = spec.labels()
    weights = [lab for lab in labels if lab.startswith("W")]
    if len(weights) >= 2 and spec.size > 2:
        return weights[0], weights[1]
    return labels[0], labels[1] if len(labels) > 1 else labels[0]


def make_slice(
    mode: str,
    spec: ParamSpec,
    params: Params,
    *,
    labels: tuple[str, str] | None = None,
    seed: int = 0,
    path: np.ndarray | None = None,
    eigen: tuple[np.ndarray, np.ndarray] | None = None,
    align: Slice | None = None,
) -> Slice:
    """A slice through `params` (the centre): by two named parameters, random or PCA directions, or
    (eigen) the Hessian's two top eigenvectors, `eigen` = (their eigenvalues, vectors (P, 2)); an
    eigenvector's sign is arbitrary: each points the way of `align`'s direction where given, else so
    that its largest entry is positive."""
    if mode not in SLICE_MODES:
        raise ValueError(f"unknown slice mode {mode!r}; choose one of {', '.join(SLICE_MODES)}")
    if spec.size < 2:
        raise ValueError("a slice needs a model with at least two parameters")
    if mode == "axes":
        a, b = labels or default_slice_labels(spec)
        if a == b:
            raise ValueError("choose two different parameters for the slice")
        i, j = spec.index_of(a), spec.index_of(b)
        c = spec.flatten(params).copy()
        c[[i, j]] = 0.0
        return Slice("axes", (a, b), spec.unflatten(c), spec.axis(a), spec.axis(b))
    if mode == "random":
        d1, d2 = random_directions(params, seed=seed)
        if not _spans_a_plane(spec, d1, d2):  # e.g. one weight: the weights alone span a line, add the biases
            d1, d2 = random_directions(params, seed=seed, ignore_bias=False)
        if not _spans_a_plane(spec, d1, d2):  # one-weight filters (a 1-1-1 MLP): normalised, only signs are left
            d1, d2 = random_directions(params, seed=seed, filter_normalize=False)
        if not _spans_a_plane(spec, d1, d2):
            raise ValueError("random directions need a model with at least two parameters to vary")
        return Slice("random", ("α (random direction 1)", "β (random direction 2)"), dict(params), d1, d2, seed)
    if mode == "eigen":
        if eigen is None or np.shape(eigen[1])[1] < 2:
            raise ValueError("the eigen slice needs the Hessian's two top eigenvectors")
        values, vectors = np.asarray(eigen[0], dtype=float), np.array(eigen[1], dtype=float)[:, :2]
        for k in range(2):
            v = vectors[:, k]
            if align is not None and align.mode == "eigen":
                flip = v @ align._basis[1][:, k] < 0
            else:
                flip = v[np.argmax(np.abs(v))] < 0
            vectors[:, k] = -v if flip else v
        labels = tuple(
            f"{name} (v{sub}: λ{sub} = {values[k]:.3g})" for k, (name, sub) in enumerate((("α", "₁"), ("β", "₂")))
        )
        return Slice("eigen", labels, dict(params), spec.unflatten(vectors[:, 0]), spec.unflatten(vectors[:, 1]))
    if path is None:
        raise ValueError("PCA directions need the path so far")
    d1, d2, explained = pca_directions(path, spec)
    center = spec.unflatten(np.asarray(path, dtype=float)[-1])
    return Slice(
        "pca",
        (f"α (PC 1, {explained[0]:.0%} of the path)", f"β (PC 2, {explained[1]:.0%})"),
        center,
        d1,
        d2,
        explained=(float(explained[0]), float(explained[1])),
    )
