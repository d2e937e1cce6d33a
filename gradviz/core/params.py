"""Parameter dicts as flat vectors: what the surface slices, the PCA and the history need.

A model's parameters are a dict of named float64 arrays ({"W": (d, k), "b": (k,)}); a
`ParamSpec` fixes their order so that a dict and a flat vector convert both ways, and
names every scalar the way a student reads it ("W[0,1]", "b[0]").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

__all__ = [
    "ParamSpec",
    "Params",
    "copy_params",
    "params_allfinite",
    "divergence",
    "DIVERGENCE_LIMIT",
    "norm",
    "row_norms",
]

DIVERGENCE_LIMIT = 1e50  # |θ| beyond this is divergence even while it is still finite

Params = dict[str, np.ndarray]


@dataclass(frozen=True)
class ParamSpec:
    shapes: tuple[tuple[str, tuple[int, ...]], ...]
    names: tuple[str, ...] | None = None  # each scalar's own name, where W[0,1]-style ones would not do ("x", "y")

    @classmethod
    def from_params(cls, params: Mapping[str, np.ndarray]) -> ParamSpec:
        return cls(tuple((k, tuple(np.shape(v))) for k, v in params.items()))

    # computed once per spec (it is immutable): a saved timeline unflattens thousands of rows
    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.shapes)

    @cached_property
    def size(self) -> int:
        return int(sum(math.prod(s) for _, s in self.shapes))

    @cached_property
    def _offsets(self) -> dict[str, slice]:
        out, start = {}, 0
        for key, shape in self.shapes:
            n = math.prod(shape)
            out[key] = slice(start, start + n)
            start += n
        return out

    def offsets(self) -> dict[str, slice]:
        return dict(self._offsets)

    def flatten(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        self.check(params)
        return np.concatenate([np.asarray(params[k], dtype=float).ravel() for k in self.keys])

    def unflatten(self, vector: np.ndarray) -> Params:
        vector = np.asarray(vector, dtype=float)
        if vector.shape != (self.size,):
            raise ValueError(f"expected a flat vector of {self.size} parameters, got shape {vector.shape}")
        offsets = self._offsets
        return {k: vector[offsets[k]].reshape(s).copy() for k, s in self.shapes}

    def check(self, params: Mapping[str, np.ndarray]) -> None:
        if set(params) != set(self.keys):
            raise ValueError(f"parameters must have the keys {list(self.keys)}, got {sorted(params)}")
        for key, shape in self.shapes:
            if np.shape(params[key]) != shape:
                raise ValueError(f"parameter {key} must have shape {shape}, got {np.shape(params[key])}")

    def __getstate__(self) -> dict:
        """The fields only: a value cached on one copy (its labels) must not make two equal specs pickle
        differently (results are remembered by a digest of the pickled inputs)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def labels(self) -> list[str]:
        """One readable name per scalar, in flat order: W[0,0], W[0,1], …, b[0] (or the spec's own names)."""
        return list(self._labels)

    @cached_property
    def _labels(self) -> tuple[str, ...]:  # written once per spec: 1,282 of them cost 4 ms a frame
        if self.names is not None:
            return tuple(self.names)
        return tuple(f"{key}[{','.join(map(str, idx))}]" for key, shape in self.shapes for idx in np.ndindex(*shape))

    def index_of(self, label: str) -> int:
        try:
            return self._labels.index(label)
        except ValueError:
            raise ValueError(f"no parameter named {label!r}; the model has {', '.join(self.labels())}") from None

    def zeros(self) -> Params:
        return {k: np.zeros(s) for k, s in self.shapes}

    def axis(self, label: str) -> Params:
        """A direction with a single 1 at the named scalar (a one-parameter axis)."""
        vec = np.zeros(self.size)
        vec[self.index_of(label)] = 1.0
        return self.unflatten(vec)


def norm(vector: np.ndarray) -> float:
    """‖v‖ without overflow: entries of 1e200 have a finite norm though their squares do not."""
    v = np.asarray(vector, dtype=float).ravel()
    top = float(np.max(np.abs(v), initial=0.0))
    if top == 0.0 or not np.isfinite(top):
        return top
    scaled = v / top
    return top * float(np.sqrt(scaled @ scaled))


def row_norms(matrix: np.ndarray, axis: int = 1) -> np.ndarray:
    """The norms along one axis, without overflow (as `norm`)."""
    M = np.asarray(matrix, dtype=float)
    top = np.max(np.abs(M), axis=axis, keepdims=True, initial=0.0)
    safe = np.where((top > 0) & np.isfinite(top), top, 1.0)
    scaled = M / safe
    out = np.sqrt(np.sum(scaled * scaled, axis=axis, keepdims=True)) * safe
    out = np.where(np.isfinite(top), out, top)
    return np.squeeze(out, axis=axis)


def copy_params(params: Mapping[str, np.ndarray]) -> Params:
    return {k: np.array(v, dtype=float, copy=True) for k, v in params.items()}


def params_allfinite(params: Mapping[str, np.ndarray]) -> bool:
    return all(np.all(np.isfinite(v)) for v in params.values())


def divergence(params: Mapping[str, np.ndarray]) -> str | None:
    """Why `params` count as diverged (a NaN or inf, or a magnitude past DIVERGENCE_LIMIT), or None."""
    for key, v in params.items():
        if not np.all(np.isfinite(v)):
            return f"{key} became NaN or infinite"
        if np.max(np.abs(v), initial=0.0) > DIVERGENCE_LIMIT:
            return f"|{key}| grew past {DIVERGENCE_LIMIT:.0e}"
    return None
