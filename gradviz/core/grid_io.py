"""A loss surface as a file: its grid of L over the plane's two coordinates, with its axes.

`.npz`: arrays `alpha` (n,), `beta` (m,), `loss` (n, m) with loss[i, j] at (alpha[i], beta[j]),
and `axis_labels` (the plane's two coordinates in words). `.csv`: one row per grid point,
alpha, beta, loss, headed by the axis labels; floats as repr (read back, the same floats).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np

from ._files import write_bytes_atomic, write_text_atomic

__all__ = ["save_surface", "SURFACE_FORMATS"]

SURFACE_FORMATS = (".csv", ".npz")


def save_surface(path: str | os.PathLike, alphas, betas, loss, labels: tuple[str, str]) -> None:
    """Write the grid (ValueError for another suffix or shapes that do not fit; atomic)."""
    alphas, betas, loss = (np.asarray(a, dtype=float) for a in (alphas, betas, loss))
    if loss.shape != (len(alphas), len(betas)):
        raise ValueError(f"the loss grid is {loss.shape}, its axes {len(alphas)} × {len(betas)}")
    suffix = Path(path).suffix.lower()
    if suffix == ".npz":
        out = io.BytesIO()
        np.savez(out, alpha=alphas, beta=betas, loss=loss, axis_labels=np.array(labels))
        write_bytes_atomic(path, out.getvalue())
    elif suffix == ".csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([labels[0], labels[1], "loss"])
        for i, a in enumerate(alphas):
            for j, b in enumerate(betas):
                writer.writerow([repr(float(a)), repr(float(b)), repr(float(loss[i, j]))])
        write_text_atomic(path, out.getvalue())
    else:
        raise ValueError(
            f"a loss surface is written as {' or '.join(SURFACE_FORMATS)}, not {suffix or 'a name without one'}"
        )
