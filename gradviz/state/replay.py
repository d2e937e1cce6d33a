"""A saved session rebuilt off to the side: its runs re-run in slices, the current session untouched.

A session file holds how each run was made (core.run_record), not every step: opening one saved
at step 100,000 re-runs 100,000 steps per run (unless the file kept the timeline). Done at once
that freezes a window for seconds; done here, the caller advances it a slice at a time from its
event loop, shows how far it got, and either commits it (the session becomes the saved one, in
one Change) or drops it (cancelled: nothing changed). Files without a run record (version 1, and
lessons that only name their runs' settings) replay the saved step with the saved settings.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

from gradviz import core

from .run import Run

__all__ = ["Replay"]


class Replay:
    def __init__(self, session, data: core.SessionData):
        self._session = session
        self.data = data
        ds = data.dataset
        metric = core.accuracy_from_predictions if ds.is_classification else None
        labels = _run_labels(data.extra, 1 + len(data.compare))
        entries = [(data.settings, data.run), *((c.settings, c.run) for c in data.compare)]
        self._replays: list[core.RunReplay] = []
        self.runs: list[Run] = []
        start = None  # θ₀ of the first run: every run races from it
        for slot, ((settings, record), (name, visible)) in enumerate(zip(entries, labels, strict=True)):
            settings = settings.fitted(ds)[0]
            if record is None:  # the saved settings from step 0 to the saved step
                trainer = settings.make_trainer(ds, **({} if start is None else {"init_params": start}))
                made = core.record_run(trainer)
                record = core.RunRecord(made.init_params, made.seed, data.step, made.regimes, made.data)
            if record.snapshot is None and record.last_step < data.step:  # a lesson's start θ₀, then its steps
                record = replace(record, last_step=data.step)
            model, loss = settings.make_model(ds), settings.make_loss()
            replay = core.RunReplay(
                record, model, loss, metric, workspaces=session.workspaces, val_fraction=settings.val_fraction
            )
            start = start if start is not None else record.init_params
            self._replays.append(replay)
            self.runs.append(Run(name, settings, replay.trainer, slot, visible))
        self.focus = _focus(data.extra, len(self.runs))
        self.total = sum(r.record.last_step for r in self._replays)

    @property
    def done(self) -> bool:
        return all(r.done for r in self._replays)

    def advance(self, seconds: float = math.inf) -> float | None:
        """Re-run steps for about `seconds`; the fraction done, or None when every step is taken."""
        deadline = time.perf_counter() + seconds
        for replay in self._replays:
            if not replay.done:
                replay.advance(max(0.0, deadline - time.perf_counter()))
            if not replay.done:
                break
        if self.done:
            return None
        done = sum(min(r.trainer.step_index, r.record.last_step) for r in self._replays)
        return done / max(1, self.total)

    def commit(self) -> None:
        """Make the session the saved one, at the saved step (the replay must be done)."""
        if not self.done:
            raise ValueError("the session is not replayed yet")
        for run in self.runs:
            t = run.trainer
            if t.last_step < self.data.step and not t.diverged:  # `--load FILE --steps N`: the steps beyond
                t.seek(t.last_step)
                t.run(self.data.step - t.last_step)
            t.seek(min(self.data.step, t.last_step))
        self._session.adopt_replay(self)


def _run_labels(extra: dict, n: int) -> list[tuple[str | None, bool]]:
    """Each run's given name (None: named after its settings) and visibility, as the file's view
    state has them; anything that does not fit is left out."""
    saved = extra.get("runs") if isinstance(extra.get("runs"), dict) else {}
    names = saved.get("names") if isinstance(saved.get("names"), list) else []
    shown = saved.get("visible") if isinstance(saved.get("visible"), list) else []
    out = []
    for i in range(n):
        name = names[i] if i < len(names) and isinstance(names[i], str) and names[i].strip() else None
        visible = shown[i] if i < len(shown) and isinstance(shown[i], bool) else True
        out.append((name[:80] if name else None, visible))
    return out


def _focus(extra: dict, n: int) -> int:
    saved = extra.get("runs") if isinstance(extra.get("runs"), dict) else {}
    focus = saved.get("focus")
    return focus if isinstance(focus, int) and not isinstance(focus, bool) and 0 <= focus < n else 0
