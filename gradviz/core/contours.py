"""Contour lines of a sampled surface, as line segments (marching squares, all of it in NumPy).

S[i, j] is the surface at (xs[i], ys[j]). In every grid cell a level crosses the cell's edges
where S − level changes sign, at the point linear interpolation along the edge puts it; two
crossings make one segment, four (a saddle) make two, split the way the cell's centre value
says. All cells and all levels are handled as whole arrays: a 200 × 200 grid with nine levels
takes a few milliseconds, where a cell-by-cell loop in Python takes hundreds.
"""

from __future__ import annotations

import numpy as np

__all__ = ["contour_segments", "class_boundaries"]

# the cell's edges: 0 bottom (a–b, along x at y_j), 1 right (b–c, along y at x_i+1),
# 2 top (d–c, along x at y_j+1), 3 left (a–d, along y at x_i); a = S[i, j], b = S[i+1, j],
# c = S[i+1, j+1], d = S[i, j+1]
_PAIRS = [(p, q) for p in range(4) for q in range(p + 1, 4)]


def contour_segments(S, levels, xs, ys) -> np.ndarray:
    """Segments of the contour lines of S at `levels`: an array (2M, 2) of points (x, y), each
    consecutive pair one segment (to draw with connect="pairs"). Cells with a non-finite corner
    have no contour."""
    S = np.asarray(S, dtype=float)
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if S.ndim != 2 or S.shape != (len(xs), len(ys)):
        raise ValueError(f"S has shape {S.shape}; the grid is {len(xs)} × {len(ys)}")
    if min(S.shape) < 2:
        return np.zeros((0, 2))
    x0, x1 = xs[:-1, None], xs[1:, None]
    y0, y1 = ys[None, :-1], ys[None, 1:]
    pieces = []
    for level in np.atleast_1d(np.asarray(levels, dtype=float)):
        D = S - level
        a, b, c, d = D[:-1, :-1], D[1:, :-1], D[1:, 1:], D[:-1, 1:]
        finite = np.isfinite(a) & np.isfinite(b) & np.isfinite(c) & np.isfinite(d)
        ends = [(a, b), (b, c), (d, c), (a, d)]
        crosses = [finite & ((p < 0) != (q < 0)) for p, q in ends]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = [np.where(k, p / (p - q), 0.0) for k, (p, q) in zip(crosses, ends, strict=True)]
        points = [
            (x0 + t[0] * (x1 - x0), np.broadcast_to(y0, a.shape)),
            (np.broadcast_to(x1, a.shape), y0 + t[1] * (y1 - y0)),
            (x0 + t[2] * (x1 - x0), np.broadcast_to(y1, a.shape)),
            (np.broadcast_to(x0, a.shape), y0 + t[3] * (y1 - y0)),
        ]
        code = sum(k.astype(np.int8) << e for e, k in enumerate(crosses))
        for p, q in _PAIRS:
            pieces.append(_segments(code == (1 << p) | (1 << q), points[p], points[q]))
        saddle = code == 15
        if saddle.any():
            # the centre on a's side: a joins c through the middle, the line cuts off corners b and d
            joined = ((a + b + c + d) < 0) == (a < 0)
            for mask, pairs in ((saddle & joined, ((0, 1), (2, 3))), (saddle & ~joined, ((3, 0), (1, 2)))):
                for p, q in pairs:
                    pieces.append(_segments(mask, points[p], points[q]))
    if not pieces:
        return np.zeros((0, 2))
    return np.concatenate(pieces).reshape(-1, 2)


def _segments(mask: np.ndarray, start, end) -> np.ndarray:
    """(n, 4) rows x₀, y₀, x₁, y₁ of the cells in `mask`."""
    return np.stack([start[0][mask], start[1][mask], end[0][mask], end[1][mask]], axis=1)


def class_boundaries(P: np.ndarray, xs, ys) -> np.ndarray:
    """Where a classifier's decision changes, as segments (like `contour_segments`).

    P is (len(xs) · len(ys), k): ŷ at the grid's points, x varying slowest. One output (a sigmoid's
    P(class 2), or a score) decides at 0.5; k outputs decide by the largest, so class c's edge is
    where its margin ŷ_c − max_{j≠c} ŷ_j crosses 0 (each edge between two classes is found twice,
    once from each side, and drawn on itself).
    """
    P = np.asarray(P, dtype=float).reshape(len(xs), len(ys), -1)
    if P.shape[2] == 1:
        return contour_segments(P[:, :, 0], [0.5], xs, ys)
    k = P.shape[2]
    order = np.sort(P, axis=2)
    best, second = order[:, :, -1:], order[:, :, -2:-1]
    margins = P - np.where(P >= best, second, best)  # ŷ_c − the largest of the other classes
    # the k margins side by side, a row of NaN between them (no contour crosses it): one pass for all
    stacked = np.full((k * (len(xs) + 1) - 1, len(ys)), np.nan)
    xs_stacked = np.full(stacked.shape[0], np.nan)
    for c in range(k):
        rows = slice(c * (len(xs) + 1), c * (len(xs) + 1) + len(xs))
        stacked[rows] = margins[:, :, c]
        xs_stacked[rows] = xs
    return contour_segments(stacked, [0.0], xs_stacked, ys)
