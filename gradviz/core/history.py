"""The trainer's record of every step: a growable, thinning column store.

Rows are sorted by step. Past `max_rows` rows the older ones are thinned to every 2nd, 4th, …
step, so memory stays bounded however long a run goes. `serial` names one history for good
and `version` changes whenever recorded rows change or go (appending leaves it alone): a view
that keeps a projection of the rows knows from the two whether it may just append.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

__all__ = ["History", "HistoryStore", "Checkpoints"]


@dataclass(frozen=True)
class History:
    """Recorded steps (rows sorted by step): what the loss curve and the descent path draw."""

    steps: np.ndarray  # (T,) int
    params: np.ndarray  # (T, P) flat parameters θₜ
    grads: np.ndarray  # (T, P) flat gradient gₜ on the step's batch
    loss: np.ndarray  # (T,) loss on the whole data set at θₜ
    batch_loss: np.ndarray  # (T,) loss on the step's batch
    grad_norm: np.ndarray  # (T,) ‖gₜ‖
    metric: np.ndarray  # (T,) the trainer's metric at θₜ on all data (e.g. accuracy), NaN without one

    def __len__(self) -> int:
        return len(self.steps)


_SERIAL = itertools.count()


class HistoryStore:
    """Growable column store for the per-step records."""

    def __init__(self, n_params: int, max_rows: int):
        self.n_params = n_params
        self.max_rows = max_rows
        self.stride = 1
        self.serial = next(_SERIAL)  # unlike id(), never reused by a later history
        self.version = 0  # bumped whenever recorded rows change or go (appending leaves it alone)
        self._n = 0
        cap = 256
        self.steps = np.zeros(cap, dtype=np.int64)
        self.params = np.zeros((cap, n_params))
        self.grads = np.zeros((cap, n_params))
        self.loss = np.zeros(cap)
        self.batch_loss = np.zeros(cap)
        self.grad_norm = np.zeros(cap)
        self.metric = np.zeros(cap)

    _FIELDS = ("steps", "params", "grads", "loss", "batch_loss", "grad_norm", "metric")

    def __len__(self) -> int:
        return self._n

    def _grow(self) -> None:
        for name in self._FIELDS:
            arr = getattr(self, name)
            # never beyond max_rows + 1: the store thins before it needs more
            new = np.zeros((min(arr.shape[0] * 2, self.max_rows + 1),) + arr.shape[1:], dtype=arr.dtype)
            new[: self._n] = arr[: self._n]
            setattr(self, name, new)

    def put(self, step: int, params, grads, loss, batch_loss, grad_norm, metric) -> None:
        """Record `step`, replacing the last row if it is the same step."""
        if self._n and self.steps[self._n - 1] == step:
            i = self._n - 1
            self.version += 1
        else:
            if self._n and self.steps[self._n - 1] > step:
                raise RuntimeError("history rows must be recorded in step order")
            if self._n == self.steps.shape[0]:
                self._grow()
            i = self._n
            self._n += 1
        self.steps[i] = step
        self.params[i] = params
        self.grads[i] = grads
        self.loss[i] = loss
        self.batch_loss[i] = batch_loss
        self.grad_norm[i] = grad_norm
        self.metric[i] = metric
        if self._n > self.max_rows:
            self._thin()

    def _thin(self) -> None:
        self.version += 1
        self.stride *= 2
        keep = self.steps[: self._n] % self.stride == 0
        keep[self._n - 1] = True
        idx = np.flatnonzero(keep)
        for name in self._FIELDS:
            arr = getattr(self, name)
            arr[: idx.size] = arr[idx]
        self._n = idx.size

    def load(self, stride: int, columns: dict[str, np.ndarray]) -> None:
        """Take over saved rows (a snapshot's), thinning them further if they exceed max_rows."""
        self.version += 1
        steps = np.asarray(columns["steps"])
        keep = np.ones(len(steps), dtype=bool)
        while keep.sum() > self.max_rows:
            stride *= 2
            keep = steps % stride == 0
            keep[-1] = True
        self.stride = stride
        idx = np.flatnonzero(keep)
        while self.steps.shape[0] < idx.size:
            self._grow()
        for name in self._FIELDS:
            getattr(self, name)[: idx.size] = np.asarray(columns[name])[idx]
        self._n = idx.size

    def truncate_after(self, step: int) -> None:
        n = int(np.searchsorted(self.steps[: self._n], step, side="right"))
        if n != self._n:
            self.version += 1
            self._n = n

    def find(self, step: int) -> int | None:
        i = int(np.searchsorted(self.steps[: self._n], step))
        if i < self._n and self.steps[i] == step:
            return i
        return None

    def view(self, until: int | None) -> History:
        n = self._n if until is None else int(np.searchsorted(self.steps[: self._n], until, side="right"))
        return History(*(getattr(self, name)[:n].copy() for name in self._FIELDS))


class Checkpoints:
    """Full states (parameters and optimizer buffers) every EVERY steps, from which a seek replays.

    Beyond `limit` of them the spacing doubles (every 64th step, 128th, …), as the rows thin.
    """

    EVERY = 32

    def __init__(self, limit: int):
        self.limit = limit
        self._at: dict[int, tuple] = {}

    def add(self, step: int, params, state) -> None:
        if step % self.EVERY:
            return
        self._at[step] = (params, state)
        spacing = self.EVERY
        while len(self._at) > self.limit:
            spacing *= 2
            self._at = {s: c for s, c in self._at.items() if s % spacing == 0}

    def __len__(self) -> int:
        return len(self._at)

    def items(self) -> list[tuple[int, object, object]]:
        """(step, params, state) of every checkpoint, by step."""
        return [(s, *self._at[s]) for s in sorted(self._at)]

    def load(self, items) -> None:
        self._at = {s: (params, state) for s, params, state in items}

    def nearest(self, step: int) -> tuple:
        """(s, params, state) of the latest checkpoint at or before `step`."""
        s = max(s for s in self._at if s <= step)
        return (s, *self._at[s])

    def truncate_after(self, step: int) -> None:
        self._at = {s: c for s, c in self._at.items() if s <= step}
