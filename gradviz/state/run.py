"""One training run: its settings, its trainer, and the thinned history its views draw.

A session races up to `MAX_RUNS` runs: each has a colour slot (the views' colour for it, kept
while the run lives), can be hidden, and is named after what sets it apart from the others
("Adam, η = 0.05") unless it was given a name.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gradviz.core import Dataset, Settings, Spectrum, StepBound, Trainer, max_stable_lr
from gradviz.core.curvature import has_step_bound
from gradviz.core.fields import FIELDS, HYPERPARAMETER_FIELDS, RESTARTING
from gradviz.core.optimizers import OPTIMIZER_TITLES

from .series import HeldOutCurve, PathOnSlice, Thinned
from .sharpness import Sharpness

__all__ = ["Run", "run_names"]


class Run:
    def __init__(self, name: str | None, settings: Settings, trainer: Trainer, slot: int = 0, visible: bool = True):
        self.given_name = name  # None: named after its settings (see run_names)
        self.name = name or "run 1"
        self.settings = settings
        self.trainer = trainer
        self.slot = slot  # which of the run colours it is drawn in
        self.visible = visible
        self.curve_rows = Thinned(max_points=512)  # curves are drawn against the step: even thinning
        self.path_rows = Thinned(max_points=1024, head=1024)  # the path keeps its first, biggest moves
        self.path = PathOnSlice()
        self.held_out = HeldOutCurve()  # the validation loss at the curve's rows
        self.sharpness = Sharpness()  # the Hessian's spectrum at the current step and on a stride over the run

    @classmethod
    def start(
        cls, name: str | None, settings: Settings, data: Dataset, slot: int = 0, visible: bool = True, **trainer_options
    ) -> Run:
        return cls(name, settings, settings.make_trainer(data, **trainer_options), slot, visible)

    @staticmethod
    def restarts(old: Settings, new: Settings) -> bool:
        """Whether going from `old` to `new` needs a new run from step 0 (the model or the loss changed)."""
        return any(getattr(old, name) != getattr(new, name) for name in RESTARTING)

    def curvature(self) -> Spectrum:
        """The eigenvalues of the full-batch Hessian of the loss it trains on (its training points) at
        its current step; computed once per θ and data version."""
        return self.sharpness.current(self.trainer)

    def known_step_bound(self) -> tuple[int, StepBound] | None:
        """The step bound from the newest spectrum already computed (up to the current step), and its
        step; None before any (nothing is computed here: the GUI's worker fills them in)."""
        opt = self.trainer.optimizer
        if not has_step_bound(opt.name):
            return self.trainer.step_index, max_stable_lr(opt.name, opt.hyperparams, np.nan)
        latest = self.sharpness.latest(self.trainer)
        if latest is None:
            return None
        step, spectrum = latest
        return step, max_stable_lr(opt.name, opt.hyperparams, spectrum.top)

    def step_bound(self) -> StepBound:
        """The largest stable learning rate of its optimizer at its current step (`core.max_stable_lr`)."""
        opt = self.trainer.optimizer
        lam = self.curvature().top if has_step_bound(opt.name) else np.nan  # the adaptive ones need no Hessian
        return max_stable_lr(opt.name, opt.hyperparams, lam)

    def stopped(self, clock: int) -> bool:
        """Whether the run cannot follow the others from step `clock`: it diverged, or stayed behind
        at its last finite step when they went on."""
        return self.trainer.diverged or self.trainer.step_index < clock

    def carry_on_with(self, new: Settings) -> None:
        """Apply optimizer, hyper-parameter and batch-size changes from the current step on."""
        old, self.settings = self.settings, new
        if (old.optimizer, old.hyperparams) != (new.optimizer, new.hyperparams):
            self.trainer.set_optimizer(new.make_optimizer())
        if old.batch_size != new.batch_size:
            self.trainer.set_batch_size(new.batch_size)


def run_names(settings: Sequence[Settings]) -> list[str]:
    """Names that tell runs apart: the optimizer and η, and whatever else differs between them
    (the loss, a hyper-parameter, the batch size, the seed). One run is "run 1"."""
    if len(settings) == 1:
        return ["run 1"]
    # a field is named where it differs between the runs it applies to (β₁ among the Adam runs)
    shown = [n for n in _NAMED_FIELDS if len({_value_text(s, n) for s in settings if s.applies(n)}) > 1]
    names = []
    for s in settings:
        parts = [f"{_SHORT.get(s.optimizer, OPTIMIZER_TITLES[s.optimizer])}, η = {s.get('lr'):g}"]
        parts += [_part(s, n) for n in shown if s.applies(n)]
        names.append(", ".join(parts))
    alike = {name for name in names if names.count(name) > 1}
    return [f"{name} ({i + 1})" if name in alike else name for i, name in enumerate(names)]


_SHORT = {"sgd": "GD", "nesterov": "Nesterov"}  # a legend read from the back row: short names
_NAMED_FIELDS = ("loss", "output", *(n for n in HYPERPARAMETER_FIELDS if n != "lr"), "batch_size", "seed")


def _part(s: Settings, name: str) -> str:
    """One field as a name shows it: "MSE", "sigmoid output", "μ = 0.9", "batch 16", "seed 3"."""
    value = _value_text(s, name)
    if name == "loss":
        return value
    if name == "output":
        return f"{value} output"
    if name == "batch_size":
        return "full batch" if s.batch_size is None else f"batch {value}"
    if name == "seed":
        return f"seed {value}"
    return f"{FIELDS[name].label.split()[-1] or name} = {value}"


def _value_text(s: Settings, name: str) -> str:
    if name == "loss":
        return s.loss.upper()  # MSE, BCE, CE: short enough for a legend read from the back row
    if name == "output":
        return s.output_activation
    if name == "batch_size":
        return "all" if s.batch_size is None else str(s.batch_size)
    value = s.get(name)
    return f"{value:g}" if isinstance(value, float) else str(value)
