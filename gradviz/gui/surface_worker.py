"""Computing a loss surface off the GUI thread, in row blocks, giving up as soon as it is stale.

A finished surface is remembered by a digest of what it was computed from (`state.remembered.SURFACES`):
the same plane over the same grid on the same data (a scene shown again, the other window after F5)
is read back instead of computed (the digest is taken here, off the GUI thread)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QRunnable, Signal

from gradviz import core
from gradviz.state.remembered import SURFACES, digest

__all__ = ["SurfaceJob"]

_ROWS_PER_CHUNK = 10


class _JobSignals(QObject):
    progress = Signal(int, float)  # generation, fraction done
    done = Signal(int, object)  # generation, S


class SurfaceJob(QRunnable):
    """S = L(c + αd₁ + βd₂) over a grid; `latest()` names the newest request, older ones stop early."""

    def __init__(self, gen: int, latest: Callable[[], int], model, loss, X, Y, sl: core.Slice, alphas, betas, dtype):
        super().__init__()
        self.signals = _JobSignals()
        self._gen, self._latest = gen, latest
        self._args = (model, loss, X, Y, sl, alphas, betas, dtype)

    @classmethod
    def on(cls, session, sl: core.Slice, alphas, betas, dtype, gen: int, latest: Callable[[], int]) -> SurfaceJob:
        """A job for the session's focused run: its model, loss and data, over `sl`."""
        return cls(
            gen, latest, session.model, session.loss_fn, session.dataset.X, session.dataset.Y, sl, alphas, betas, dtype
        )

    def run(self) -> None:
        model, loss, X, Y, sl, alphas, betas, dtype = self._args
        key = digest((model, loss, X, Y, sl.center, sl.d1, sl.d2, alphas, betas, np.dtype(dtype).str))
        known = SURFACES.get(key)
        if known is not None:
            self._finish(known)
            return
        S = np.empty((len(alphas), len(betas)))
        try:
            for start in range(0, len(alphas), _ROWS_PER_CHUNK):
                if self._latest() != self._gen:
                    return
                rows = slice(start, start + _ROWS_PER_CHUNK)
                S[rows] = core.loss_surface(
                    model, loss, X, Y, sl.center, sl.d1, sl.d2, alphas[rows], betas, dtype=dtype
                )
                self.signals.progress.emit(self._gen, min(1.0, (start + _ROWS_PER_CHUNK) / len(alphas)))
        except (ValueError, FloatingPointError):  # the data changed shape under us: a newer job follows
            return
        except RuntimeError:  # the view was closed while we computed: nobody is listening
            return
        S.setflags(write=False)  # shared from now on: whoever shows it, shows it as it is
        SURFACES.put(key, S)
        self._finish(S)

    def _finish(self, S: np.ndarray) -> None:
        try:
            self.signals.done.emit(self._gen, S)
        except RuntimeError:  # the view was closed while we computed: nobody is listening
            return
