"""Runs' histories as CSV: one row per recorded step, every number in full precision.

Columns: run, step, loss (all data), batch_loss, accuracy (empty for regression), grad_norm
(‖∇L‖ of the step's batch gradient), lr (η in force at that step), then every parameter by its
label (W[0,0], …, b[0]). Floats are written as Python's repr: read back, they are the same
floats. A long run's history is thinned evenly beyond its row budget: then the steps written are
the ones kept (every 2nd, 4th, … step), which `thinned_every` says.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence

from ._files import write_text_atomic
from .trainer import Trainer

__all__ = ["HISTORY_COLUMNS", "history_csv", "save_history_csv", "thinned_every"]

HISTORY_COLUMNS = ("run", "step", "loss", "batch_loss", "accuracy", "grad_norm", "lr")


def _number(x: float) -> str:
    return "" if math.isnan(x) else repr(float(x))


def history_csv(runs: Sequence[tuple[str, Trainer]]) -> str:
    """The CSV text of every (name, trainer)'s recorded steps, run after run."""
    if not runs:
        raise ValueError("no run to export")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*HISTORY_COLUMNS, *runs[0][1].spec.labels()])
    for name, trainer in runs:
        h = trainer.history()
        for i, step in enumerate(h.steps):
            lr = trainer.regime_at(int(step)).optimizer.lr
            row = [name, int(step), _number(h.loss[i]), _number(h.batch_loss[i]), _number(h.metric[i])]
            row += [_number(h.grad_norm[i]), _number(lr), *(repr(float(v)) for v in h.params[i])]
            writer.writerow(row)
    return out.getvalue()


def save_history_csv(path: str | os.PathLike, runs: Sequence[tuple[str, Trainer]]) -> None:
    """Write `history_csv(runs)` atomically (the old file stays whole if writing fails)."""
    write_text_atomic(path, history_csv(runs))


def thinned_every(trainer: Trainer) -> int:
    """1 when every step is in the history; k when only every k-th step was kept."""
    return int(trainer.history_store.stride)
