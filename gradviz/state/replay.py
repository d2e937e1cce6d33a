"""A saved session rebuilt off to the side: its run re-run in slices, the current session untouched.

A session file holds how its run was made (core.run_record), not every step: opening one saved
at step 100,000 re-runs 100,000 steps. Done at once that freezes a window for seconds; done here,
the caller advances it a slice at a time from its event loop, shows how far it got, and either
commits it (the session becomes the saved one, in one Change) or drops it (cancelled: nothing
changed). Files without a run record (version 1) replay their steps with the saved settings.
"""

from __future__ import annotations

import math

from gradviz import core

from .run import Run

__all__ = ["Replay"]


class Replay:
    def __init__(self, session, data: core.SessionData):
        self._session = session
        self.data = data
        settings = data.settings.fitted(data.dataset)[0]
        record = data.run
        if record is None:  # a version 1 file: the saved settings from step 0 to the step
            trainer = settings.make_trainer(data.dataset)
            record = core.record_run(trainer)
            record = core.RunRecord(record.init_params, record.seed, data.step, record.regimes, record.data)
        model = settings.make_model(data.dataset)
        metric = core.accuracy_from_predictions if data.dataset.is_classification else None
        self._replay = core.RunReplay(record, model, settings.make_loss(), metric)
        self.run = Run("run 1", settings, self._replay.trainer)
        self.total = record.last_step

    @property
    def done(self) -> bool:
        return self._replay.done

    def advance(self, seconds: float = math.inf) -> float | None:
        """Re-run steps for about `seconds`; the fraction done, or None when every step is taken."""
        return self._replay.advance(seconds)

    def commit(self) -> None:
        """Make the session the saved one, at the saved step (the replay must be done)."""
        if not self.done:
            raise ValueError("the session is not replayed yet")
        trainer = self.run.trainer
        trainer.seek(min(self.data.step, trainer.last_step))
        self._session._adopt_replay(self)
