"""The race's results table: where each run is now, and how soon it got below a loss."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["RunResult", "run_results", "leader"]


@dataclass(frozen=True)
class RunResult:
    index: int  # the run's place in session.runs
    name: str
    slot: int  # its colour
    visible: bool
    focused: bool
    step: int  # the run's own step (behind the race's when it stopped)
    loss: float  # L on all data at that step (on its training points, where it holds some out)
    held_out_loss: float | None  # L on the points it holds out (None: it holds none out)
    metric: float  # accuracy (NaN for regression)
    grad_norm: float  # ‖∇L‖ of the gradient the run steps with from there
    first_below: int | None  # the first step with L ≤ the threshold, up to `step` (None: not yet)
    exact: bool  # False: the run's history was thinned, `first_below` is the first kept step below
    stopped: bool  # it diverged: `step` is its last finite step


def leader(rows: list[RunResult], same_loss: bool) -> int | None:
    """The index of the run ahead: the first to reach L ≤ τ; before any has, the lowest L, or, where
    the runs minimise different losses (L are not comparable), the highest accuracy. None: a tie
    (one run, or all alike)."""
    if len(rows) < 2:
        return None
    rows = [r for r in rows if not r.stopped]  # a run that diverged is out of the race
    if not rows:
        return None
    reached = [r for r in rows if r.first_below is not None]
    if reached:
        key = [(r.first_below, r.loss if same_loss else -r.metric) for r in reached]
        best = min(key)
        return None if key.count(best) > 1 else reached[key.index(best)].index
    values = [r.loss if same_loss else -r.metric for r in rows]
    if any(math.isnan(v) for v in values):
        return None
    best = min(values)
    return None if values.count(best) > 1 else rows[values.index(best)].index


def run_results(session, threshold: float) -> list[RunResult]:
    """One row per run (in the runs' order), read from each run's own history."""
    clock = session.current_step
    held_out = session.frame.race_validation
    rows = []
    for i, run in enumerate(session.runs):
        t = run.trainer
        store = t.history_store
        n = len(store)
        steps, loss = store.steps[:n], store.loss[:n]
        below = np.flatnonzero((loss <= threshold) & (steps <= t.step_index)) if math.isfinite(threshold) else []
        rows.append(
            RunResult(
                index=i,
                name=run.name,
                slot=run.slot,
                visible=run.visible,
                focused=i == session.focus_index,
                step=t.step_index,
                loss=t.loss,
                held_out_loss=None if held_out[i] is None else held_out[i][0],
                metric=t.metric,
                grad_norm=t.grad_norm,
                first_below=int(steps[below[0]]) if len(below) else None,
                exact=store.stride == 1,
                stopped=run.stopped(clock),
            )
        )
    return rows
