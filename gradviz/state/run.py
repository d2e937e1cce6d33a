"""One training run: its settings, its trainer, and the thinned history its views draw."""

from __future__ import annotations

from gradviz.core import Dataset, Settings, Trainer
from gradviz.core.fields import RESTARTING

from .series import PathOnSlice, Thinned

__all__ = ["Run"]


class Run:
    def __init__(self, name: str, settings: Settings, trainer: Trainer):
        self.name = name
        self.settings = settings
        self.trainer = trainer
        self.curve_rows = Thinned(max_points=512)  # curves are drawn against the step: even thinning
        self.path_rows = Thinned(max_points=1024, head=1024)  # the path keeps its first, biggest moves
        self.path = PathOnSlice()

    @classmethod
    def start(cls, name: str, settings: Settings, data: Dataset, **trainer_options) -> Run:
        return cls(name, settings, settings.make_trainer(data, **trainer_options))

    @staticmethod
    def restarts(old: Settings, new: Settings) -> bool:
        """Whether going from `old` to `new` needs a new run from step 0 (the model changed)."""
        return any(getattr(old, name) != getattr(new, name) for name in RESTARTING)

    def carry_on_with(self, new: Settings) -> None:
        """Apply optimizer, hyper-parameter and batch-size changes from the current step on."""
        old, self.settings = self.settings, new
        if (old.optimizer, old.hyperparams) != (new.optimizer, new.hyperparams):
            self.trainer.set_optimizer(new.make_optimizer())
        if old.batch_size != new.batch_size:
            self.trainer.set_batch_size(new.batch_size)
