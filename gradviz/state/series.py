"""A run's history as the views draw it: thinned to a bounded size and kept up to date incrementally.

A lecture may play 100,000 steps. Copying and drawing every recorded step each frame makes
frames grow with the run; instead the loss curve and the descent path are drawn from a copy of
the history that keeps every step up to `max_points` rows, then every 2nd, 4th, … step (as
the trainer's own store thins). Each frame only reads the rows added since the last one; the
copy is rebuilt only when the history was rewritten (a branch from a scrubbed step, thinning).
The newest row is always kept, so the curve ends where the run is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradviz.core import HistoryStore, Slice

__all__ = ["Thinned", "Curves", "PathOnSlice", "thin_polyline"]

COLUMNS = ("loss", "batch_loss", "metric")


@dataclass(frozen=True)
class Curves:
    steps: np.ndarray  # (T,) recorded steps, thinned
    loss: np.ndarray  # loss on all data
    batch_loss: np.ndarray
    metric: np.ndarray  # accuracy, NaN without one


class Thinned:
    """Rows of a HistoryStore (steps, columns, flat parameters), at most ~head + 2·max_points of them.

    Steps before `head` are never thinned: gradient descent moves most in its first steps, and a
    path drawn from every 64th of them would cut its corners.
    """

    def __init__(self, max_points: int = 1024, head: int = 0):
        self.max_points = max_points
        self.head = head
        self._key: tuple[int, int] | None = None
        self._read = 0  # rows of the store seen so far
        self.stride = 1
        self.steps = np.zeros(0, dtype=np.int64)
        self.columns = {name: np.zeros(0) for name in COLUMNS}
        self.params = np.zeros((0, 0))
        self._last: tuple | None = None  # the newest row when it is off the stride (always shown)
        self.generation = 0  # bumped whenever rows were replaced rather than appended

    def update(self, store: HistoryStore) -> None:
        key = (store.serial, store.version)
        if key != self._key or len(store) < self._read:
            self._key, self._read, self.stride = key, 0, max(1, store.stride)
            self.steps = np.zeros(0, dtype=np.int64)
            self.columns = {name: np.zeros(0) for name in COLUMNS}
            self.params = np.zeros((0, store.n_params))
            self.generation += 1
        n = len(store)
        if n == self._read:
            return
        steps = store.steps[self._read : n]
        keep = np.flatnonzero((steps % self.stride == 0) | (steps < self.head))
        rows = self._read + keep
        self.steps = np.concatenate([self.steps, steps[keep]])
        for name in COLUMNS:
            self.columns[name] = np.concatenate([self.columns[name], getattr(store, name)[rows]])
        self.params = np.vstack([self.params, store.params[rows]])
        last = n - 1
        self._last = None if keep.size and keep[-1] == len(steps) - 1 else self._row(store, last)
        self._read = n
        while np.count_nonzero(self.steps >= self.head) > 2 * self.max_points:
            self._thin()

    def _row(self, store: HistoryStore, i: int) -> tuple:
        return (
            int(store.steps[i]),
            {name: float(getattr(store, name)[i]) for name in COLUMNS},
            store.params[i].copy(),
        )

    def _thin(self) -> None:
        self.stride *= 2
        keep = (self.steps % self.stride == 0) | (self.steps < self.head)
        self.steps = self.steps[keep]
        self.columns = {name: values[keep] for name, values in self.columns.items()}
        self.params = self.params[keep]
        self.generation += 1

    def curves(self) -> Curves:
        steps, cols = self.steps, self.columns
        if self._last is not None:
            step, values, _ = self._last
            steps = np.append(steps, step)
            cols = {name: np.append(cols[name], values[name]) for name in COLUMNS}
        return Curves(steps, cols["loss"], cols["batch_loss"], cols["metric"])

    def path(self, until: int, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(steps, flat params) of the kept rows before `until`, then the current point itself."""
        n = int(np.searchsorted(self.steps, until, side="left"))
        steps = np.append(self.steps[:n], until)
        return steps, np.vstack([self.params[:n], current[None, :]])


class PathOnSlice:
    """The descent path projected onto a slice, projecting only rows it has not projected yet."""

    def __init__(self):
        self._key = None
        self._coords = np.zeros((0, 2))

    def coords(self, thinned: Thinned, sl: Slice, spec, until: int, current: np.ndarray) -> np.ndarray:
        """(T, 2) slice coordinates of the path up to step `until`, ending at the current point."""
        key = (thinned.generation, id(sl), sl)
        if key != self._key:
            self._key = key
            self._coords = np.zeros((0, 2))
        kept = len(thinned.steps)
        if kept > len(self._coords):
            self._coords = np.vstack([self._coords, sl.project(spec, thinned.params[len(self._coords) : kept]).coords])
        n = int(np.searchsorted(thinned.steps, until, side="left"))
        here = sl.project(spec, current[None, :]).coords
        return np.vstack([self._coords[:n], here])


class HeldOutCurve:
    """The loss and metric on the held-out points at each kept row of a run's curves, computing only
    rows it has not seen (a forward pass of the held-out points each). When the curve thins, the
    rows it keeps keep their values; rows recorded before a data edit are measured on the held-out
    points as they are now (the edit starts the values afresh)."""

    def __init__(self):
        self._data = None
        self._by_step: dict[int, tuple[np.ndarray, tuple[float, float]]] = {}  # step → (θ, values)
        self._rows: tuple[int, np.ndarray] = (-1, np.zeros((0, 2)))  # (generation, values of the kept rows)

    def values(self, thinned: Thinned, data, evaluate: Callable[[np.ndarray], tuple[float, float]]) -> np.ndarray:
        """(T, 2) loss and metric at the rows of `thinned.curves()` (its newest row included)."""
        if data is not self._data:
            self._data, self._by_step, self._rows = data, {}, (-1, np.zeros((0, 2)))
        generation, rows = self._rows
        if generation == thinned.generation:  # rows only appended since: measure the new ones
            new = self._measure(thinned, len(rows), evaluate)
            rows = np.vstack([rows, new]) if len(new) else rows
        else:
            rows = self._measure(thinned, 0, evaluate)
        self._rows = (thinned.generation, rows)
        if thinned._last is None:
            return rows
        return np.vstack([rows, np.asarray(evaluate(thinned._last[2]), dtype=float)[None, :]])

    def _measure(self, thinned: Thinned, first: int, evaluate) -> np.ndarray:
        """The values of the kept rows from `first` on, reusing any measured at the same step and θ."""
        known = self._by_step
        out = []
        for i, t in enumerate(thinned.steps[first:].tolist(), first):
            theta = thinned.params[i]
            seen = known.get(t)
            if seen is None or not np.array_equal(seen[0], theta):  # new, or a branch rewrote that step
                seen = known[t] = (theta.copy(), evaluate(theta))
            out.append(seen[1])
        if len(known) > 2 * len(thinned.steps) + 64:  # forget the rows thinning dropped
            kept = set(thinned.steps.tolist())
            self._by_step = {t: v for t, v in known.items() if t in kept}
        return np.asarray(out, dtype=float).reshape(-1, 2)


def thin_polyline(points: np.ndarray, tolerance: float, max_points: int = 1000) -> np.ndarray:
    """Indices of the vertices of a path worth drawing: one wherever it has moved on by `tolerance`.

    A long run's path is thousands of points, most of them on top of each other near the end;
    drawing one per `tolerance` of arc length (at most `max_points`) looks the same. The first
    and the last point are always kept.
    """
    n = len(points)
    if n <= 2:
        return np.arange(n)
    d = np.diff(points, axis=0)
    steps = np.hypot(d[:, 0], d[:, 1])
    arc = np.concatenate([[0.0], np.cumsum(steps)])
    tol = max(tolerance, arc[-1] / max(1, max_points - 2))
    if not np.isfinite(tol) or tol <= 0:
        return np.array([0, n - 1])
    _, first = np.unique(np.floor(arc / tol), return_index=True)
    return np.union1d(first, [0, n - 1])


def clip_polyline(points: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The polyline cut to the box [lo, hi]: where it leaves the box it ends at the box's edge, and
    the part outside becomes a gap (a row of NaN: draw with connect="finite").

    A diverged run's path reaches |θ| ~ 1e50: drawn as it is, the plot's painter fills bands across
    the view. Cut, the part inside is drawn exactly as it runs.
    """
    points = np.asarray(points, dtype=float)
    inside = np.all((points >= lo) & (points <= hi), axis=1)
    if inside.all():
        return points
    out = []
    for i, p in enumerate(points):
        if inside[i]:
            out.append(p)
            continue
        if i > 0 and inside[i - 1]:  # leaving: end at the edge
            out.append(_edge(points[i - 1], p, lo, hi))
        out.append(np.full(2, np.nan))
        if i + 1 < len(points) and inside[i + 1]:  # coming back: start at the edge
            out.append(_edge(points[i + 1], p, lo, hi))
    return np.array(out)


def _edge(inner: np.ndarray, outer: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Where the segment from `inner` (inside the box) towards `outer` crosses the box's edge."""
    d = outer - inner
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        t = np.where(d > 0, (hi - inner) / d, np.where(d < 0, (lo - inner) / d, np.inf))
    t = float(np.nanmin(t)) if np.isfinite(t).any() else 1.0
    return inner + max(0.0, min(1.0, t)) * d
