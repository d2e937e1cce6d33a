"""The normal equation: least squares in closed form, the optimum gradient descent walks towards."""

from __future__ import annotations

import numpy as np

__all__ = ["normal_equation"]


def normal_equation(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(W, b) minimising 1/(2N)‖XW + b − y‖²: W (d, k), b (k,) (k = 1 for a 1-D y).

    Solves X̃ᵀX̃ w̃ = X̃ᵀy with X̃ = [X, 1] by least squares, so a singular XᵀX (fewer
    points than parameters, duplicated features) gives the minimum-norm optimum instead
    of an error.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if y.ndim == 1:
        y = y[:, None]
    if X.ndim != 2 or y.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X (N, d) and y (N,) or (N, k) must have the same N, got {X.shape} and {y.shape}")
    if X.shape[0] == 0:
        raise ValueError("the normal equation needs at least one point")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite")
    Xa = np.hstack([X, np.ones((X.shape[0], 1))])
    w, *_ = np.linalg.lstsq(Xa, y, rcond=None)
    return w[:-1].copy(), w[-1].copy()
