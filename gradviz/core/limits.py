"""The range of every number a user can set: one table that core's checks, the command line,
session files and the GUI's controls all read, so that none of them can disagree.

    LIMITS["lr"].check(0.5)          # 0.5
    LIMITS["hidden"].check(10_000)   # ValueError: the hidden units must be between 1 and 256, got 10000
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

__all__ = [
    "Limit",
    "LIMITS",
    "MAX_CLASSES",
    "MAX_FEATURES",
    "MAX_HIDDEN",
    "MAX_LR",
    "MAX_SAMPLES",
    "MAX_SEED",
    "MAX_STEPS",
    "MAX_VALUE",
    "check_count",
    "check_batch_size",
    "check_seed",
]

MAX_SAMPLES = 200_000
MAX_FEATURES = 64
MAX_CLASSES = 9  # keys 1–9 pick the class of a new point
MAX_HIDDEN = 256  # a small MLP: 256 units at N = 200,000 is already 400 MB per layer of activations
MAX_LR = 1e6
MAX_SEED = 2**31 - 1  # what a Qt spin box can hold, and plenty of seeds
MAX_STEPS = 1_000_000
MAX_VALUE = 1e100  # a data value: its square, and a sum of 200,000 squares, stay far from overflow


@dataclass(frozen=True)
class Limit:
    """A closed range [low, high] of one quantity, named as a user reads it ("the learning rate")."""

    what: str
    low: float
    high: float
    integer: bool = False
    log: bool = False  # spans decades: a control steps by factors, not by adding

    def contains(self, value) -> bool:
        try:
            self.check(value)
        except ValueError:
            return False
        return True

    def check(self, value) -> int | float:
        """The value as an int or float inside the range, or a ValueError that says what is allowed."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{self.what} must be a number, got {value!r}")
        if isinstance(value, numbers.Integral):
            if not self.low <= value <= self.high:  # also ints too large for a float (10**400)
                raise self._out_of_range(value)
            return int(value) if self.integer else float(value)
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"{self.what} must be a finite number, got {value!r}")
        if self.integer and x != round(x):
            raise ValueError(f"{self.what} must be a whole number, got {value!r}")
        if not self.low <= x <= self.high:
            raise self._out_of_range(value)
        return int(round(x)) if self.integer else x

    def _out_of_range(self, value) -> ValueError:
        shown = repr(value) if len(repr(value)) <= 24 else f"{repr(value)[:12]}…"
        return ValueError(f"{self.what} must be between {self._fmt(self.low)} and {self._fmt(self.high)}, got {shown}")

    def clamp(self, value: float) -> int | float:
        x = min(max(float(value), self.low), self.high)
        return int(round(x)) if self.integer else x

    def _fmt(self, x: float) -> str:
        if self.integer:
            return f"{int(x):,}"
        return f"{x:g}"


LIMITS: dict[str, Limit] = {
    # data
    "n_samples": Limit("the number of points", 1, MAX_SAMPLES, integer=True),
    "n_features": Limit("the number of features", 1, MAX_FEATURES, integer=True),
    "classes": Limit("the number of classes", 2, MAX_CLASSES, integer=True),
    "noise": Limit("the noise", 0.0, 10.0),
    "value": Limit("a data value", -MAX_VALUE, MAX_VALUE),
    # model
    "hidden": Limit("the hidden units", 1, MAX_HIDDEN, integer=True),
    # training
    "lr": Limit("the learning rate", 1e-12, MAX_LR, log=True),
    "momentum": Limit("momentum", 0.0, 0.9999),
    "dampening": Limit("dampening", 0.0, 1.0),
    "weight_decay": Limit("weight decay", 0.0, 1e3),
    "lr_decay": Limit("the learning-rate decay", 0.0, 1e3),
    "eps": Limit("ε", 1e-16, 1.0, log=True),
    "alpha": Limit("α", 0.0, 1.0),
    "beta1": Limit("β₁", 0.0, 0.9999),
    "beta2": Limit("β₂", 0.0, 0.99999),
    "batch_size": Limit("the batch size", 1, MAX_SAMPLES, integer=True),
    "val_fraction": Limit("the validation share", 0.0, 0.5),
    "seed": Limit("the seed", 0, MAX_SEED, integer=True),
    "steps": Limit("the number of steps", 0, MAX_STEPS, integer=True),
}


def check_count(name: str, value) -> int:
    """An integer quantity from LIMITS (e.g. "seed", "batch_size"), checked."""
    return int(LIMITS[name].check(value))


def check_batch_size(batch_size) -> int | None:
    """None (the full batch) or a whole number of samples."""
    return None if batch_size is None else int(LIMITS["batch_size"].check(batch_size))


def check_seed(seed) -> int:
    return int(LIMITS["seed"].check(seed))
