"""Spectra remembered by what they were computed from, so that the same θ on the same data is never
computed twice: a lesson computes its scenes' sharpness ahead (while an earlier scene is shown), and a
scene that arrives finds its spectra here instead of waiting for the worker.

The key is a digest of everything a spectrum depends on (the model, the loss, θ, the training points),
so a value can only be found for the numbers it belongs to, whichever session asks.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict

from gradviz.core import Spectrum

__all__ = ["SpectrumCache", "SPECTRA", "spectrum_key"]


def spectrum_key(inputs: tuple) -> bytes | None:
    """A digest of a job's inputs (model, loss, parameters, X, Y): equal only for equal numbers. None
    where they cannot be pickled (a typed function f(x, y) holds its compiled formula): not remembered."""
    try:
        return hashlib.blake2b(pickle.dumps(inputs, protocol=5), digest_size=20).digest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


class SpectrumCache:
    """The newest `capacity` spectra by key (least recently used go first)."""

    def __init__(self, capacity: int = 4096):
        self.capacity = capacity
        self._values: OrderedDict[bytes, Spectrum] = OrderedDict()

    def get(self, key: bytes | None) -> Spectrum | None:
        value = self._values.get(key) if key is not None else None
        if value is not None:
            self._values.move_to_end(key)
        return value

    def put(self, key: bytes | None, spectrum: Spectrum) -> None:
        if key is None:
            return
        self._values[key] = spectrum
        self._values.move_to_end(key)
        while len(self._values) > self.capacity:
            self._values.popitem(last=False)

    def __contains__(self, key: bytes | None) -> bool:
        return key is not None and key in self._values

    def __len__(self) -> int:
        return len(self._values)


SPECTRA = SpectrumCache()  # one per process: every session and window shares what was computed
