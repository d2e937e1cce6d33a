"""Every training setting in one Qt-free, immutable object.

The application state holds one per run and swaps it for an edited copy; session files store
it; a notebook can build the same model, loss, optimizer and trainer from it. Which values
go together is `rules`' business, what each field means and may hold is `fields`'.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from . import rules
from .datasets import Dataset
from .fields import FIELDS, FUNCTION_CHOICE, HYPERPARAMETER_FIELDS, SHARED_BY_RUNS
from .function_model import FunctionModel, check_start, defined_at
from .functions import make_function
from .limits import check_batch_size, check_seed
from .losses import make_loss
from .models import accuracy_from_predictions, make_model
from .optimizers import OPTIMIZERS, default_hyperparams, make_optimizer
from .trainer import Trainer

__all__ = ["Settings", "default_loss_for", "output_of", "DEFAULT_FUNCTION"]

DEFAULT_FUNCTION = "rosenbrock"  # what choosing f(x, y) as the model starts with

output_of = rules.output_of
default_loss_for = rules.default_loss_for
_KEPT_ACROSS_OPTIMIZERS = ("lr", "weight_decay")


@dataclass(frozen=True)
class Settings:
    model: str = "logistic"
    loss: str = "bce"
    hidden: int = 8
    hidden_activation: str = "tanh"
    output: str | None = None  # the MLP's output activation; None: the loss's canonical one
    optimizer: str = "sgd"
    hyperparams: dict[str, Any] = field(default_factory=dict)
    batch_size: int | None = None
    seed: int = 0
    val_fraction: float = 0.0  # the share of the points held out for validation (0: none)
    # the playground: f(x, y) (a name in core.FUNCTIONS or a formula) instead of the model; None: the model
    function: str | None = None
    start: tuple[float, float] | None = None  # where descent on the function starts; None: the function's own

    def __post_init__(self):
        for name, allowed in (
            ("model", rules.MODEL_KINDS),
            ("loss", rules.LOSS_NAMES),
            ("hidden_activation", rules.HIDDEN_ACTIVATIONS),
            ("optimizer", OPTIMIZERS),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"unknown {name.replace('_', ' ')} {getattr(self, name)!r}; choose one of {', '.join(allowed)}"
                )
        if self.output is not None and self.output not in rules.OUTPUTS:
            raise ValueError(f"unknown output {self.output!r}; choose one of {', '.join(rules.OUTPUTS)}")
        if not isinstance(self.hyperparams, dict):
            raise ValueError(f"hyperparams must be an object of name: value, got {self.hyperparams!r}")
        hp = dict(self.hyperparams)
        if isinstance(hp.get("betas"), list):
            hp["betas"] = tuple(hp["betas"])
        object.__setattr__(self, "hyperparams", hp)
        object.__setattr__(self, "hidden", int(FIELDS["hidden"].limit.check(self.hidden)))
        object.__setattr__(self, "batch_size", check_batch_size(self.batch_size))
        object.__setattr__(self, "seed", check_seed(self.seed))
        object.__setattr__(self, "val_fraction", float(FIELDS["val_fraction"].limit.check(self.val_fraction)))
        make_loss(self.loss).check_output(self.output_activation)
        self.make_optimizer()  # validates the hyper-parameters
        if self.function is not None:
            object.__setattr__(self, "function", make_function(self.function).name)  # FunctionError says why not
        if self.start is not None:
            if self.function is None:
                raise ValueError("a start point (x, y) belongs to a function f(x, y); choose one first")
            object.__setattr__(self, "start", check_start(self.start))

    @property
    def start_point(self) -> tuple[float, float] | None:
        """Where descent on the function starts: the chosen start, else the function's own (None: a model)."""
        if not self.is_function:
            return None
        return self.start if self.start is not None else make_function(self.function).start

    @property
    def objective(self) -> str:
        """The symbol of what the runs minimise, as the views write it: f on a function, else L."""
        return "f" if self.is_function else "L"

    @property
    def is_function(self) -> bool:
        """The playground: descent on f(x, y) (no data, no loss, no batch)."""
        return self.function is not None

    # ------------------------------------------------------------------ reading
    @property
    def output_activation(self) -> str:
        return rules.output_of(self.model, self.loss, self.output)

    @property
    def is_canonical(self) -> bool:
        return rules.is_canonical(self.loss, self.output_activation)

    def same_model_as(self, other: Settings) -> bool:
        """Whether a run with these settings can race one with `other`'s: the same parameters θ."""
        return all(getattr(self, name) == getattr(other, name) for name in SHARED_BY_RUNS)

    def race_problem(self, first: Settings, data: Dataset) -> str:
        """Why a run with these settings cannot race one with `first`'s on `data` from the same θ₀
        (empty if it can): another model, or a loss whose output gives θ other shapes."""
        if not self.same_model_as(first):
            return f"a raced run uses the first run's model ({first.make_model(data).describe()})"
        if self.make_model(data).spec.shapes == first.make_model(data).spec.shapes:
            return ""
        return (
            f"{self.loss.upper()} with a {self.output_activation} output gives the model other parameters than "
            f"the first run's ({first.output_activation} output), and the runs race from one θ₀"
        )

    def with_model_of(self, other: Settings) -> Settings:
        """These settings with `other`'s model (kind, hidden units, activation): a raced run follows the
        first. A loss that cannot train that model gives way to `other`'s."""
        model = {name: getattr(other, name) for name in SHARED_BY_RUNS}
        try:
            return self.replace(**model)
        except ValueError:
            return self.replace(**model, loss=other.loss, output=other.output)

    def applies(self, name: str) -> bool:
        """Whether a field means something for these settings (momentum only for momentum optimizers, …)."""
        field = FIELDS.get(name)
        shows = None if field is None else field.shows
        if shows == "optimizer":
            return ("betas" if name in ("beta1", "beta2") else name) in default_hyperparams(self.optimizer)
        if shows == "function":
            return self.is_function
        if shows in ("model", "mlp"):
            return not self.is_function and (shows == "model" or self.model == "mlp")
        return field is not None

    def get(self, name: str):
        """A field's value; hyper-parameters as the optimizer uses them (defaults filled in)."""
        if name == "model" and self.is_function:
            return FUNCTION_CHOICE
        if name in HYPERPARAMETER_FIELDS:
            hp = self.make_optimizer().hyperparams
            if name in ("beta1", "beta2"):
                return hp["betas"][0 if name == "beta1" else 1] if "betas" in hp else None
            return hp.get(name)
        if name not in FIELDS:
            raise ValueError(f"no setting named {name!r}")
        return getattr(self, name)

    # ------------------------------------------------------------------ changing
    def replace(self, **changes) -> Settings:
        return replace(self, **changes)

    def with_value(self, name: str, value, data: Dataset | None = None) -> Settings:
        """The settings after a user changed one field, with what depends on it adjusted.

        A new model kind starts from its canonical pair for `data`; a new MLP output keeps
        the loss if the output admits it; a new optimizer keeps η; β₁ and β₂ are one pair.
        """
        if name == "model" and value == FUNCTION_CHOICE:
            return self if self.is_function else self.with_value("function", DEFAULT_FUNCTION)
        if name == "function":  # a named function brings its start and a stable η; a formula keeps both
            f = make_function(value)
            if f.lr is None:  # a formula: from where the last function started, if f is defined there
                kept = self.start_point if self.is_function else None
                return self.replace(function=f.name, start=kept if kept and defined_at(f, kept) else None)
            return self.replace(function=f.name, start=None, hyperparams={**self.hyperparams, "lr": f.lr})
        if name == "model":
            if self.is_function and value == self.model:
                return self.replace(function=None, start=None)
            loss, output = rules.model_defaults(value, data) if data is not None else (self.loss, None)
            if not rules.admits(loss, rules.output_of(value, loss, output)):
                loss = rules.default_loss_for(value, output)
            return self.replace(model=value, loss=loss, output=output, function=None, start=None)
        if name == "output":
            loss = self.loss
            if value is not None and not rules.admits(loss, value):
                loss = rules.CANONICAL_LOSS.get(value, loss)  # (an unknown output: replace says so)
            return self.replace(output=value, loss=loss)
        if name == "optimizer":
            kept = {k: v for k, v in self.hyperparams.items() if k in _KEPT_ACROSS_OPTIMIZERS}
            return self.replace(optimizer=value, hyperparams=kept)
        if name in HYPERPARAMETER_FIELDS:
            hp = dict(self.hyperparams)
            if name in ("beta1", "beta2"):
                b1, b2 = self.get("beta1"), self.get("beta2")
                hp["betas"] = (value, b2) if name == "beta1" else (b1, value)
            else:
                hp[name] = value
            return self.replace(hyperparams=hp)
        if name not in FIELDS:
            raise ValueError(f"no setting named {name!r}")
        return self.replace(**{name: value})

    def fitted(self, data: Dataset) -> tuple[Settings, tuple[str, ...]]:
        """Settings that fit the data (a model kind and a loss it admits, a batch no larger than the
        data), and what changed, in words. A function needs no data: nothing changes."""
        if self.is_function:
            return self, ()
        fit = rules.fit(self.model, self.loss, self.output, data)
        settings, notes = self, tuple(fit.notes)
        if (fit.model, fit.loss, fit.output) != (self.model, self.loss, self.output):
            settings = self.replace(model=fit.model, loss=fit.loss, output=fit.output)
        if self.batch_size is not None and rules.is_full_batch(self.batch_size, data.n_samples):
            settings = settings.replace(batch_size=None)
            notes += (f"a batch of {self.batch_size} is all {data.n_samples:,} points: the full batch",)
        return settings, notes

    # ------------------------------------------------------------------ building
    def make_model(self, dataset: Dataset | None = None):
        if self.is_function:
            return FunctionModel(self.function, self.start)
        problem = rules.model_problem(self.model, dataset)
        out = self.output_activation
        if not problem and self.model == "mlp" and rules.output_problem(out, dataset):
            problem = f"with {rules.output_problem(out, dataset)}"
        if problem:
            raise ValueError(f"{rules.MODEL_TITLES[self.model]} {problem}")
        return make_model(
            self.model,
            dataset.n_features,
            rules.n_outputs(dataset, out),
            hidden=self.hidden,
            hidden_activation=self.hidden_activation,
            output=out,
        )

    def make_loss(self):
        return make_loss(self.loss)

    def make_optimizer(self):
        return make_optimizer(self.optimizer, **self.hyperparams)

    def make_trainer(self, dataset: Dataset, **kwargs) -> Trainer:
        model = self.make_model(dataset)
        X, Y = self.training_arrays(dataset, model)
        if self.is_function:
            return Trainer(model, self.make_loss(), self.make_optimizer(), X, Y, **kwargs)
        metric = accuracy_from_predictions if dataset.is_classification else None
        return Trainer(
            model,
            self.make_loss(),
            self.make_optimizer(),
            X,
            Y,
            batch_size=self.batch_size,
            seed=self.seed,
            val_fraction=self.val_fraction,
            metric=metric,
            **kwargs,
        )

    def training_arrays(self, dataset: Dataset | None, model=None) -> tuple[np.ndarray, np.ndarray]:
        """(X, Y) as the trainer holds them: the data with targets encoded for the model; for a
        function, which has no data, empty arrays (the trainer never reads them)."""
        if self.is_function:
            return np.zeros((0, 2)), np.zeros((0, 1))
        model = self.make_model(dataset) if model is None else model
        return dataset.X, dataset.encode_targets(model.n_outputs)

    # ------------------------------------------------------------------ files
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if "betas" in d["hyperparams"]:
            d["hyperparams"]["betas"] = list(d["hyperparams"]["betas"])
        for name in ("function", "start"):  # files written before the playground stay as they were
            if d[name] is None:
                del d[name]
        if "start" in d:
            d["start"] = list(d["start"])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Settings:
        if not isinstance(d, dict):
            raise ValueError("settings must be a JSON object")
        unknown = set(d) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(map(str, unknown)))}")
        return cls(**d)
