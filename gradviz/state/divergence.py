"""What a session says when a run stops: why, in numbers, and the fix it offers.

A model's run diverges when its step size is above what the curvature allows (the message gives
η, the bound 2/λmax or its optimizer's form, and λmax at the last finite step); descent on a
function can also leave f's domain or fall without bound, whatever the step size.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradviz import core

from .run import Run

__all__ = ["divergence_note"]


def divergence_note(
    run: Run, set_lr: Callable[[float], object], raced: bool, others_go_on: bool
) -> tuple[str, tuple[str, Callable] | None]:
    """(text, fix) for `run`, which stopped: the fix sets its η through `set_lr` (None where η is not
    the cause). `raced`: it is one of several runs, so the text names it (and whether the others go on)."""
    lr = run.settings.get("lr")
    fix = (f"Use η = {lr / 10:.3g}", lambda: set_lr(lr / 10))
    text = run.trainer.divergence_message
    unbounded = function_stop(run) if run.settings.is_function else ""
    if unbounded:
        text, fix = unbounded, None
    else:
        try:
            bound = run.step_bound()
        except (ValueError, RuntimeError, ArithmeticError):  # no finite curvature at the last step: say the rest
            bound = core.StepBound(None, "", "")
        if bound.lr is not None and np.isfinite(bound.lr) and lr > bound.lr:  # the cause, in numbers
            text += (
                f" η = {lr:.3g} is above the largest stable step at the last finite one, {bound.formula} = "
                f"{bound.lr:.3g} (λmax = {run.curvature().top:.3g})."
            )
            safe = 0.9 * bound.lr
            fix = (f"Use η = {safe:.3g}", lambda: set_lr(safe))
    if raced:
        text = f"{run.name}: {text}" + (" The other runs go on." if others_go_on else "")
    return text, fix


def function_stop(run: Run) -> str:
    """Why descent on a function stopped, when the step size is not the cause: the next step leaves
    where f is defined (log x at x < 0), or f fell at every one of the last steps to a very negative
    value (x² − y² along y, x³ − 3xy²): no minimum lies that way. Empty when neither is the case."""
    trainer = run.trainer
    with np.errstate(all="ignore"):
        ahead, _ = trainer.optimizer.step(trainer.params, trainer.grads, trainer.opt_state)
        x, y = ahead["xy"]
        outside = np.all(np.isfinite(ahead["xy"])) and not np.isfinite(trainer.model.value(ahead))
    if outside:
        return (
            f"The next step lands at ({x:.4g}, {y:.4g}), where f is not defined (not a number there): the "
            f"path left f's domain. Kept step {trainer.step_index:,}; a smaller η or another start stays inside."
        )
    losses = trainer.history().loss[-8:]
    if len(losses) < 3 or not np.all(np.diff(losses) < 0) or losses[-1] > -1e6:
        return ""
    return (
        f"f decreases without bound along this path (f = {losses[-1]:.3g} at step {trainer.step_index:,} and still "
        "falling): this function has no minimum that way, whatever the step size. Stopped before the numbers "
        f"overflow; kept step {trainer.step_index:,}."
    )
