"""What is in force at each step of a run: the regimes, and the seeded order of the mini-batches.

A regime is the optimizer, batch size and data in force from its `start` step on (a setting
changed mid-run starts a new one). The batches of step t are a pure function of the seed, t,
N and the batch size: every epoch is a fresh seeded permutation of the samples, so replaying
a run (a seek) meets exactly the batches it met the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .limits import LIMITS
from .optimizers import Optimizer
from .rules import is_full_batch

__all__ = ["Regime", "Regimes", "BatchOrder", "split_indices"]

_SPLIT_STREAM = 0x5917  # the split's own random stream: it does not move with the weights' or batches'


@dataclass(frozen=True)
class Regime:
    """Settings in force from step `start` on."""

    start: int
    optimizer: Optimizer
    batch_size: int | None
    X: np.ndarray
    Y: np.ndarray

    def same_settings(self, other: Regime) -> bool:
        """The same optimizer, batch size and (the very same) data."""
        return (self.optimizer, self.batch_size) == (other.optimizer, other.batch_size) and (
            self.X is other.X and self.Y is other.Y
        )


class Regimes:
    """The regimes of one run, by start step; the first starts at step 0."""

    def __init__(self, first: Regime):
        self._list = [first]

    def at(self, step: int) -> Regime:
        for regime in reversed(self._list):
            if regime.start <= step:
                return regime
        return self._list[0]

    @property
    def all(self) -> tuple[Regime, ...]:
        return tuple(self._list)

    @property
    def latest(self) -> Regime:
        return self._list[-1]

    def begin(self, step: int, **changes) -> Regime:
        """A regime from `step` on: the one in force there with `changes` (replacing one that starts there)."""
        current = self.at(step)
        regime = Regime(
            step,
            changes.get("optimizer", current.optimizer),
            changes.get("batch_size", current.batch_size),
            changes.get("X", current.X),
            changes.get("Y", current.Y),
        )
        if self._list[-1].start == step:
            self._list[-1] = regime
        else:
            self._list.append(regime)
        return regime

    def truncate_after(self, step: int) -> None:
        self._list = [r for r in self._list if r.start <= step]


@lru_cache(maxsize=16)  # a trainer asks at every step: computed once per data size (read-only arrays)
def split_indices(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training, validation) rows of n samples, each sorted, disjoint, together all n.

    Sample i is held out when its own seeded uniform draw uᵢ < `fraction`: the same for the same
    seed, and a point added at the end leaves every other point where it was. With a share > 0
    and n ≥ 2 at least one point is held out (the smallest u), and one always trains.
    """

    fraction = float(LIMITS["val_fraction"].check(fraction))
    u = np.random.default_rng([int(seed), _SPLIT_STREAM]).random(n)
    held = u < fraction
    if fraction > 0 and n >= 2 and not held.any():
        held[np.argmin(u)] = True
    if n and held.all():
        held[np.argmax(u)] = False
    train, val = np.flatnonzero(~held), np.flatnonzero(held)
    train.setflags(write=False)
    val.setflags(write=False)
    return train, val


class BatchOrder:
    """The samples of step t's batch: None for the full batch, else a slice of the epoch's permutation."""

    def __init__(self, seed: int):
        self.seed = seed
        self._perms: dict[tuple[int, int], np.ndarray] = {}

    def at(self, step: int, n: int, batch_size: int | None) -> np.ndarray | None:
        if is_full_batch(batch_size, n):
            return None
        per_epoch = -(-n // batch_size)
        epoch, pos = divmod(step, per_epoch)
        perm = self._perms.get((epoch, n))
        if perm is None:
            if len(self._perms) > 64:
                self._perms.clear()
            perm = self._perms[(epoch, n)] = np.random.default_rng([self.seed, epoch, n]).permutation(n)
        return perm[pos * batch_size : (pos + 1) * batch_size]
