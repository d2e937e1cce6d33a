"""Toy data sets: an immutable `Dataset`, seeded generators and pure point edits.

Edits return a new Dataset and leave the old one alone, so the GUI's undo stack can keep
both sides of every edit and nothing is ever half-changed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .limits import LIMITS, MAX_CLASSES, MAX_FEATURES, MAX_SAMPLES, MAX_VALUE

__all__ = [
    "Dataset",
    "Recipe",
    "TrainingData",
    "TASKS",
    "MAX_CLASSES",
    "MAX_SAMPLES",
    "MAX_FEATURES",
    "GENERATORS",
    "generate",
    "make_line",
    "make_blobs",
    "make_moons",
    "make_circles",
    "make_xor",
    "make_spiral",
]

TASKS = ("regression", "binary", "multiclass")


@dataclass(frozen=True)
class Recipe:
    """How a generated data set was made: what the data controls show and Generate makes again."""

    name: str
    n_samples: int
    noise: float
    classes: int | None = None  # only for generators that take a number of classes
    seed: int = 0

    def __post_init__(self):
        if self.name not in GENERATORS:
            raise ValueError(f"unknown data set {self.name!r}; choose one of {', '.join(GENERATORS)}")
        object.__setattr__(self, "n_samples", int(LIMITS["n_samples"].check(self.n_samples)))
        object.__setattr__(self, "noise", float(LIMITS["noise"].check(self.noise)))
        if self.classes is not None:
            object.__setattr__(self, "classes", int(LIMITS["classes"].check(self.classes)))
        object.__setattr__(self, "seed", int(LIMITS["seed"].check(self.seed)))

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "n_samples": self.n_samples,
            "noise": self.noise,
            "classes": self.classes,
            "seed": self.seed,
        }


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features X (N, d) and targets (N,): real values for regression, class numbers otherwise."""

    X: np.ndarray
    targets: np.ndarray
    task: str = "regression"
    n_classes: int = 0
    name: str = ""
    class_names: tuple[str, ...] = field(default=())
    recipe: Recipe | None = None  # set by `generate`; kept through point edits

    def __post_init__(self):
        X = np.array(self.X, dtype=float, copy=True)
        t = np.array(self.targets, dtype=float, copy=True)
        if X.ndim == 1:
            X = X[:, None]
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D array (N, d), got shape {X.shape}")
        if t.ndim == 2 and t.shape[1] == 1:
            t = t[:, 0]
        if t.ndim != 1 or t.shape[0] != X.shape[0]:
            raise ValueError(f"targets must be one value per row of X ({X.shape[0]}), got shape {t.shape}")
        if X.shape[0] == 0:
            raise ValueError("a data set needs at least one point")
        if X.shape[0] > MAX_SAMPLES:
            raise ValueError(f"a data set may have at most {MAX_SAMPLES:,} points, got {X.shape[0]:,}")
        if not 1 <= X.shape[1] <= MAX_FEATURES:
            raise ValueError(f"a data set needs between 1 and {MAX_FEATURES} features, got {X.shape[1]}")
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(t))):
            raise ValueError("data must be finite numbers (no NaN or infinity)")
        if max(np.abs(X).max(), np.abs(t).max()) > MAX_VALUE:
            raise ValueError(f"data values must lie within ±{MAX_VALUE:g}, so that their squares stay finite")
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}, got {self.task!r}")
        n_classes = int(self.n_classes)
        if self.task == "regression":
            n_classes = 0
        else:
            if np.any(t != np.round(t)) or np.any(t < 0):
                raise ValueError("class labels must be whole numbers 0, 1, 2, …")
            n_classes = max(n_classes, int(t.max()) + 1, 2)
            if n_classes > MAX_CLASSES:
                raise ValueError(f"at most {MAX_CLASSES} classes are supported, got {n_classes}")
            task = "binary" if n_classes == 2 else "multiclass"
            object.__setattr__(self, "task", task)
        names = tuple(self.class_names) or tuple(f"class {c + 1}" for c in range(n_classes))  # as the keys 1–9 count
        if len(names) < n_classes:
            names = names + tuple(f"class {c + 1}" for c in range(len(names), n_classes))
        X.setflags(write=False)
        t.setflags(write=False)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "targets", t)
        object.__setattr__(self, "n_classes", n_classes)
        object.__setattr__(self, "class_names", names[:n_classes])

    # ------------------------------------------------------------------ views
    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def is_classification(self) -> bool:
        return self.task != "regression"

    @property
    def labels(self) -> np.ndarray:
        """Class numbers as ints (classification only)."""
        return self.targets.astype(int)

    def encode_targets(self, n_outputs: int) -> np.ndarray:
        """Y (N, k) as the model sees it: values, 0/1 labels (k = 1) or one-hot rows."""
        if not self.is_classification:
            if n_outputs != 1:
                raise ValueError(f"regression data has one target per point, not {n_outputs}")
            return self.targets[:, None].copy()
        if n_outputs == 1:
            if self.task != "binary":
                raise ValueError(
                    f"a single output can only separate two classes; this data has {self.n_classes}: "
                    "use softmax regression"
                )
            return self.targets[:, None].copy()
        if n_outputs != self.n_classes:
            raise ValueError(f"this data has {self.n_classes} classes; a model with {n_outputs} outputs does not fit")
        Y = np.zeros((self.n_samples, self.n_classes))
        Y[np.arange(self.n_samples), self.labels] = 1.0
        return Y

    # ------------------------------------------------------------------ edits
    def _with(self, X: np.ndarray, targets: np.ndarray, n_classes: int | None = None) -> Dataset:
        return Dataset(
            X,
            targets,
            self.task,
            self.n_classes if n_classes is None else n_classes,
            self.name,
            self.class_names,
            self.recipe,
        )

    def _check_point(self, x, target) -> tuple[np.ndarray, float]:
        x = np.asarray(x, dtype=float).ravel()
        if x.shape != (self.n_features,):
            raise ValueError(f"a point needs {self.n_features} coordinates, got {x.size}")
        target = float(target)
        if not (np.all(np.isfinite(x)) and np.isfinite(target)):
            raise ValueError("a point's coordinates and target must be finite")
        if self.is_classification:
            if target != round(target) or not 0 <= target < MAX_CLASSES:
                raise ValueError(f"a class must be a whole number from 0 to {MAX_CLASSES - 1}, got {target:g}")
        return x, target

    def with_point_added(self, x, target) -> Dataset:
        x, target = self._check_point(x, target)
        n_classes = max(self.n_classes, int(target) + 1) if self.is_classification else None
        return self._with(np.vstack([self.X, x]), np.append(self.targets, target), n_classes)

    def with_point_inserted(self, index: int, x, target) -> Dataset:
        """Put a point back at `index` (what undoing a removal needs)."""
        x, target = self._check_point(x, target)
        if not 0 <= index <= self.n_samples:
            raise IndexError(f"cannot insert at {index}: the data set has {self.n_samples} points")
        n_classes = max(self.n_classes, int(target) + 1) if self.is_classification else None
        X = np.insert(self.X, index, x, axis=0)
        return self._with(X, np.insert(self.targets, index, target), n_classes)

    def with_point_moved(self, index: int, x, target=None) -> Dataset:
        self._check_index(index)
        x, target = self._check_point(x, self.targets[index] if target is None else target)
        X = self.X.copy()
        t = self.targets.copy()
        X[index] = x
        t[index] = target
        n_classes = max(self.n_classes, int(target) + 1) if self.is_classification else None
        return self._with(X, t, n_classes)

    def with_point_removed(self, index: int) -> Dataset:
        self._check_index(index)
        if self.n_samples == 1:
            raise ValueError("cannot remove the last point: a data set needs at least one")
        return self._with(np.delete(self.X, index, axis=0), np.delete(self.targets, index))

    def point(self, index: int) -> tuple[np.ndarray, float]:
        self._check_index(index)
        return self.X[index].copy(), float(self.targets[index])

    def _check_index(self, index: int) -> None:
        if not 0 <= int(index) < self.n_samples:
            raise IndexError(f"no point {index}: the data set has {self.n_samples} points")

    def same_shape_as(self, other: Dataset) -> bool:
        """Same features and the same target encoding: a model trained on one fits the other."""
        return (
            self.n_features == other.n_features
            and self.is_classification == other.is_classification
            and self.n_classes == other.n_classes
        )

    def __eq__(self, other) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (
            self.task == other.task
            and self.n_classes == other.n_classes
            and np.array_equal(self.X, other.X)
            and np.array_equal(self.targets, other.targets)
        )

    __hash__ = None  # mutable-looking arrays inside: compare, don't hash


@dataclass(frozen=True, eq=False)
class TrainingData:
    """A data set as a model sees it: X (N, d) and the encoded targets Y (N, k).

    Everything else (labels, class names, task, …) is read from `source`.
    """

    source: Dataset
    Y: np.ndarray

    @classmethod
    def encode(cls, source: Dataset, n_outputs: int) -> TrainingData:
        Y = source.encode_targets(n_outputs)
        Y.setflags(write=False)
        return cls(source, Y)

    @property
    def X(self) -> np.ndarray:
        return self.source.X

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.source, name)


# --------------------------------------------------------------------- generators
def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _check_size(n_samples: int, noise: float, classes: int = 2) -> None:
    LIMITS["n_samples"].check(n_samples)
    LIMITS["noise"].check(noise)
    LIMITS["classes"].check(classes)


def make_line(
    n_samples: int = 30, noise: float = 0.5, seed: int = 0, slope: float = 1.5, intercept: float = -0.5
) -> Dataset:
    """1-D regression: y = slope·x + intercept + noise·ε, x uniform on [−3, 3]."""
    _check_size(n_samples, noise)
    rng = _rng(seed)
    x = rng.uniform(-3, 3, n_samples)
    y = slope * x + intercept + noise * rng.standard_normal(n_samples)
    return Dataset(x[:, None], y, "regression", name="line")


def make_blobs(n_samples: int = 100, noise: float = 0.8, seed: int = 0, classes: int = 2) -> Dataset:
    """Gaussian blobs (std = noise) with centres evenly spaced on a circle of radius 2.5."""
    _check_size(n_samples, noise, classes)
    rng = _rng(seed)
    labels = np.arange(n_samples) % classes
    angle = 2 * np.pi * labels / classes + np.pi / 4
    centres = 2.5 * np.column_stack([np.cos(angle), np.sin(angle)])
    X = centres + noise * rng.standard_normal((n_samples, 2))
    return Dataset(X, labels, "binary", classes, name="blobs")


def make_moons(n_samples: int = 100, noise: float = 0.15, seed: int = 0) -> Dataset:
    """Two interleaving half circles (as scikit-learn's make_moons), centred on the origin."""
    _check_size(n_samples, noise)
    rng = _rng(seed)
    labels = np.arange(n_samples) % 2
    t = rng.uniform(0, np.pi, n_samples)
    x = np.where(labels == 0, np.cos(t), 1 - np.cos(t)) - 0.5
    y = np.where(labels == 0, np.sin(t), 0.5 - np.sin(t)) - 0.25
    X = 2.0 * np.column_stack([x, y]) + noise * 2.0 * rng.standard_normal((n_samples, 2))
    return Dataset(X, labels, "binary", 2, name="moons")


def make_circles(n_samples: int = 100, noise: float = 0.1, seed: int = 0, factor: float = 0.45) -> Dataset:
    """A ring of class 1 around a disc-edge of class 0 (scikit-learn's make_circles)."""
    _check_size(n_samples, noise)
    rng = _rng(seed)
    labels = np.arange(n_samples) % 2
    t = rng.uniform(0, 2 * np.pi, n_samples)
    r = np.where(labels == 0, 2.5, 2.5 * factor)
    X = np.column_stack([r * np.cos(t), r * np.sin(t)]) + noise * 2.5 * rng.standard_normal((n_samples, 2))
    return Dataset(X, labels, "binary", 2, name="circles")


def make_xor(n_samples: int = 100, noise: float = 0.2, seed: int = 0) -> Dataset:
    """Four quadrants, class = sign(x₁)·sign(x₂) > 0: no line separates them."""
    _check_size(n_samples, noise)
    rng = _rng(seed)
    X = rng.uniform(-3, 3, (n_samples, 2))
    X += np.sign(X) * 0.3  # a small margin around the axes
    labels = (X[:, 0] * X[:, 1] > 0).astype(int)
    X += noise * rng.standard_normal((n_samples, 2))
    return Dataset(X, labels, "binary", 2, name="xor")


def make_spiral(n_samples: int = 150, noise: float = 0.2, seed: int = 0, classes: int = 3) -> Dataset:
    """Interleaved spiral arms (the ConvNetJS / CS231n data set)."""
    _check_size(n_samples, noise, classes)
    rng = _rng(seed)
    labels = np.arange(n_samples) % classes
    r = rng.uniform(0.05, 1.0, n_samples)
    theta = labels * 2 * np.pi / classes + 4.0 * r + noise * rng.standard_normal(n_samples)
    X = 3.0 * np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    return Dataset(X, labels, "binary", classes, name="spiral")


GENERATORS: dict[str, Callable[..., Dataset]] = {
    "line": make_line,
    "blobs": make_blobs,
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
    "spiral": make_spiral,
}


def generate(name: str, n_samples: int | None = None, noise: float | None = None, seed: int = 0, **kwargs) -> Dataset:
    """A generated data set by name; None keeps the generator's default size or noise."""
    try:
        fn = GENERATORS[name]
    except KeyError:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(GENERATORS)}") from None
    if n_samples is not None:
        kwargs["n_samples"] = LIMITS["n_samples"].check(n_samples)
    if noise is not None:
        kwargs["noise"] = LIMITS["noise"].check(noise)
    defaults = {k: p.default for k, p in inspect.signature(fn).parameters.items()}
    used = {**defaults, **kwargs}
    data = fn(seed=seed, **kwargs)
    recipe = Recipe(name, used["n_samples"], used["noise"], used.get("classes"), seed)
    return replace(data, recipe=recipe)
