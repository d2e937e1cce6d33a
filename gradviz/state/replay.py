"""A saved session rebuilt off to the side: its steps re-run in slices, the current session untouched.

Opening a session saved at step 100,000 re-runs 100,000 steps (the file holds the recipe, not
the history). Done at once that freezes a window for seconds; done here, the caller advances it
a slice at a time from its event loop, shows how far it got, and either commits it (the session
becomes the saved one, in one Change) or drops it (cancelled: nothing changed).
"""

from __future__ import annotations

import math
import time

from gradviz import core

from .run import Run

__all__ = ["Replay"]


class Replay:
    def __init__(self, session, data: core.SessionData):
        self._session = session
        self.data = data
        settings = data.settings.fitted(data.dataset)[0]
        self.run = Run.start("run 1", settings, data.dataset)
        self.total = int(data.step)

    @property
    def done(self) -> bool:
        trainer = self.run.trainer
        return trainer.step_index >= self.total or trainer.diverged

    def advance(self, seconds: float = math.inf) -> float | None:
        """Re-run steps for about `seconds`; the fraction done, or None when every step is taken."""
        deadline = time.perf_counter() + seconds
        trainer = self.run.trainer
        while not self.done:
            trainer.step()
            if time.perf_counter() >= deadline:
                break
        return None if self.done else trainer.step_index / self.total

    def commit(self) -> None:
        """Make the session the saved one (the replay must be done)."""
        if not self.done:
            raise ValueError("the session is not replayed yet")
        self._session._adopt_replay(self)
