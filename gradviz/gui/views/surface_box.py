"""Which part of the slice the surface views show: around the run (its recent steps, the current
point and where the next step lands, the whole path unless it dwarfs them), or a function's own
domain and wherever the run went outside it. The 2-D and the 3-D surface show the same box.
"""

from __future__ import annotations

import numpy as np

__all__ = ["RECENT", "function_domain", "known_minima", "next_point", "surface_box"]

RECENT = 20  # the path's last steps, always in view


def next_point(session) -> np.ndarray:
    """Where the next step lands, in slice coordinates (the current point where training diverged)."""
    f = session.frame
    return f.path[-1] if session.diverged else f.path[-1] + f.slice_update


def known_minima(session) -> np.ndarray | None:
    """The minima known in closed form (the normal equation's θ*, a function's minima) in slice
    coordinates, (k, 2); None where none is known."""
    f = session.frame
    if f.minima is None:
        return None
    return session.slice.project(f.spec, f.minima).coords


def function_domain(session) -> np.ndarray | None:
    """A function's domain ((x0, y0), (x1, y1)) where the slice's coordinates are x and y, else None."""
    if not session.settings.is_function or not session.slice.holds_everything(session.model.spec):
        return None
    (x0, x1), (y0, y1) = session.model.function.domain
    order = [session.model.spec.index_of(label) for label in session.slice.axis_labels]  # swapped axes: y, x
    return np.array([[x0, y0], [x1, y1]])[:, order]


def surface_box(session) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi): the corners of the box of slice coordinates to show (see the module docstring)."""
    path = session.frame.path
    recent = np.vstack([path[-RECENT:], next_point(session)])
    optimum = known_minima(session)
    if optimum is not None and session.model.kind == "linear":  # the normal equation's θ* in view
        recent = np.vstack([recent, optimum])
    recent = recent[np.all(np.isfinite(recent), axis=1)]
    lo, hi = recent.min(axis=0), recent.max(axis=0)
    whole_lo, whole_hi = path.min(axis=0), path.max(axis=0)
    domain = function_domain(session)
    if domain is not None:  # a function: its usual box, and wherever the run went outside it
        lo, hi = np.minimum(lo, domain[0]), np.maximum(hi, domain[1])
        if np.all(whole_hi - whole_lo <= 8 * (hi - lo)):
            lo, hi = np.minimum(lo, whole_lo), np.maximum(hi, whole_hi)
        margin = 0.03 * (hi - lo)
        return lo - margin, hi + margin
    if np.all(whole_hi - whole_lo <= 8 * np.maximum(hi - lo, 1e-12)):
        lo, hi = np.minimum(lo, whole_lo), np.maximum(hi, whole_hi)
    mid = (lo + hi) / 2
    half = np.maximum(0.65 * (hi - lo), 1.0)
    if session.slice.mode == "axes":
        half = np.maximum(half, 0.25 * np.abs(mid))
    return mid - half, mid + half
