"""Results remembered by what they were computed from, so that the same numbers are never computed twice.

Spectra: a lesson computes its scenes' sharpness ahead (while an earlier scene is shown), and a scene
that arrives finds its spectra here instead of waiting for the worker. Loss surfaces: a scene shown
again (PageUp, then PageDown), the other window after F5, or the same plane at another size finds its
surface here instead of computing the grid again.

The key is a digest of everything a result depends on (for a spectrum the model, the loss, θ and the
training points; for a surface also the plane and the grid), so a value can only be found for the
numbers it belongs to, whichever session or window asks. Threads may ask and file at once.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from typing import Any

__all__ = ["Remembered", "SPECTRA", "SURFACES", "digest"]


def digest(inputs: tuple) -> bytes | None:
    """A digest of a computation's inputs (model, loss, parameters, X, Y, …): equal only for equal numbers.
    None where they cannot be pickled (a typed function f(x, y) holds its compiled formula): not remembered."""
    try:
        return hashlib.blake2b(pickle.dumps(inputs, protocol=5), digest_size=20).digest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


class Remembered:
    """The newest `capacity` results by key (least recently used go first)."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._values: OrderedDict[bytes, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes | None):
        if key is None:
            return None
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: bytes | None, value) -> None:
        if key is None:
            return
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.capacity:
                self._values.popitem(last=False)

    def __contains__(self, key: bytes | None) -> bool:
        with self._lock:
            return key is not None and key in self._values

    def __len__(self) -> int:
        return len(self._values)


# one of each per process: every session and window shares what was computed
SPECTRA = Remembered(capacity=4096)
SURFACES = Remembered(capacity=256)  # a full 100 × 100 grid is 80 kB: at most 20 MB
