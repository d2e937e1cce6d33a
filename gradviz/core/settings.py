"""Every training setting in one Qt-free, immutable object (glue's state classes in spirit).

The GUI's Session holds one and swaps it for an edited copy; session files store it; a
notebook can build the same model, loss, optimizer and trainer from it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .datasets import Dataset
from .losses import LOSSES, make_loss
from .models import HIDDEN_ACTIVATIONS, MODEL_KINDS, OUTPUTS, accuracy_from_predictions, make_model
from .optimizers import OPTIMIZERS, make_optimizer
from .trainer import Trainer, _check_batch, _check_seed

__all__ = ["Settings", "default_loss_for", "output_of"]

_FIXED_OUTPUT = {"linear": "identity", "logistic": "sigmoid", "softmax": "softmax"}
_CANONICAL_LOSS = {"identity": "mse", "sigmoid": "bce", "softmax": "ce"}


def output_of(model: str, loss: str, output: str | None = None) -> str:
    """The output activation a model kind has (the MLP's follows the loss unless given)."""
    if model in _FIXED_OUTPUT:
        return _FIXED_OUTPUT[model]
    if output is not None:
        return output
    return {"ce": "softmax", "bce": "sigmoid"}.get(loss, "identity")


def default_loss_for(model: str, output: str | None = None) -> str:
    return _CANONICAL_LOSS[output_of(model, "mse", output)]


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

    def __post_init__(self):
        if self.model not in MODEL_KINDS:
            raise ValueError(f"unknown model {self.model!r}; choose one of {', '.join(MODEL_KINDS)}")
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; choose one of {', '.join(LOSSES)}")
        if self.output is not None and self.output not in OUTPUTS:
            raise ValueError(f"unknown output {self.output!r}; choose one of {', '.join(OUTPUTS)}")
        if self.hidden_activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"unknown hidden activation {self.hidden_activation!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
        hp = dict(self.hyperparams)
        if "betas" in hp:
            hp["betas"] = tuple(hp["betas"]) if isinstance(hp["betas"], (list, tuple)) else hp["betas"]
        object.__setattr__(self, "hyperparams", hp)
        object.__setattr__(self, "batch_size", _check_batch(self.batch_size))
        object.__setattr__(self, "seed", _check_seed(self.seed))
        make_loss(self.loss).check_output(self.output_activation)
        self.make_optimizer()  # validates the hyper-parameters

    @property
    def output_activation(self) -> str:
        return output_of(self.model, self.loss, self.output)

    @property
    def is_canonical(self) -> bool:
        return make_loss(self.loss).is_canonical(self.output_activation)

    def replace(self, **changes) -> Settings:
        return replace(self, **changes)

    def make_model(self, dataset: Dataset):
        out = self.output_activation
        k = dataset.default_outputs(out)
        if self.model == "logistic" and k != 1:
            raise ValueError(
                f"logistic regression separates two classes; this data has {dataset.n_classes}: use softmax regression"
            )
        if out == "softmax" and k < 2:
            raise ValueError("a softmax output needs classes to choose between; this is regression data")
        return make_model(
            self.model, dataset.n_features, k, hidden=self.hidden, hidden_activation=self.hidden_activation, output=out
        )

    def make_loss(self):
        return make_loss(self.loss)

    def make_optimizer(self):
        return make_optimizer(self.optimizer, **self.hyperparams)

    def make_trainer(self, dataset: Dataset) -> Trainer:
        model = self.make_model(dataset)
        Y = dataset.encode_targets(model.n_outputs)
        metric = accuracy_from_predictions if dataset.is_classification else None
        return Trainer(
            model,
            self.make_loss(),
            self.make_optimizer(),
            dataset.X,
            Y,
            batch_size=self.batch_size,
            seed=self.seed,
            metric=metric,
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if "betas" in d["hyperparams"]:
            d["hyperparams"]["betas"] = list(d["hyperparams"]["betas"])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Settings:
        if not isinstance(d, dict):
            raise ValueError("settings must be a JSON object")
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**d)
