"""Changing the race: building runs, stepping them, their settings, adding and removing runs.

The part of a session that moves its runs (a `RunSet`): every call changes the runs, then marks
what changed and says what happened through the session's `changed` and `say`; a call that cannot
be done changes nothing and says why. It reads the data and the plane through the session's public
names.
"""

from __future__ import annotations

import time

import numpy as np

from gradviz import core
from gradviz.core.fields import MAX_RUNS
from gradviz.core.settings import Settings

from .divergence import divergence_note
from .remembered import SPECTRA
from .run import Run
from .run_set import RunSet
from .sharpness import answer

__all__ = ["RaceControl", "NEW_RUN"]

NEW_RUN = ("data", "model", "settings", "step", "slice", "selection", "runs")  # what new runs change


class RaceControl:
    def __init__(self, session, runs: RunSet, changed, say):
        self._session = session
        self.runs = runs
        self._changed = changed  # the session's: mark aspects changed
        self._say = say  # the session's: a note to the user

    # ------------------------------------------------------------------ building
    def build(self, settings: Settings, index: int | None = None, init_params=None) -> None:
        """Every run anew from step 0: run `index` (default: the focused one) with `settings`, the
        others with its model (the race stays fair). θ₀ comes from the first run's seed, or is
        `init_params`."""
        before = self.runs.first.settings.function if len(self.runs) else None
        runs, notes = self.runs.rebuilt(
            settings, self.runs.focus if index is None else index, self._session.source_dataset, init_params
        )
        for note in notes:
            self._say("info", note)
        if settings.function and settings.function != before:
            # a new function opens on the colours that show it; a session file's own choice follows
            self._session.set_view(surface_log=core.make_function(settings.function).spans_decades)
        self.adopt(runs, self.runs.focus)

    def adopt(self, runs: list[Run], focus: int = 0) -> None:
        """Make `runs` (on the session's data) the runs, `focus` the focused one; the plane starts anew
        (axes of a small model, random directions in an MLP's many)."""
        self.runs.adopt(runs, focus)
        model = self._session.model
        mode = "random" if model.kind == "mlp" else "axes"
        self._session.plane.place(core.make_slice(mode, model.spec, self._session.params, seed=runs[0].settings.seed))
        self._changed(*NEW_RUN)

    # ------------------------------------------------------------------ training
    def step(self, n: int = 1) -> int:
        """Take up to n steps, every run in lock step (one Change for all of them). Returns how
        many steps the race moved on."""
        if not self.runs.raced:
            return self._after_steps(self._session.trainer.run(n), [])
        diverged: list[Run] = []
        taken = 0
        while taken < n and self.runs.step_all(diverged):
            taken += 1
        return self._after_steps(taken, diverged)

    def run_for(self, seconds: float, max_steps: int | None = None) -> int:
        """Step for about `seconds` or until `max_steps` are taken (playback at full speed, long runs): at
        least one step, and no step that the last one's time says would end past the deadline (at 100,000
        points a step takes 22 ms; a 25 ms slice that began a second one took 44)."""
        start = time.perf_counter()
        deadline = start + seconds
        diverged: list[Run] = []
        taken = 0
        while (max_steps is None or taken < max_steps) and self.runs.step_all(diverged):
            taken += 1
            now = time.perf_counter()
            if now + (now - start) / taken >= deadline:
                break
        return self._after_steps(taken, diverged)

    def _after_steps(self, taken: int, diverged: list[Run]) -> int:
        with self._session.batch():
            if taken:
                self._changed("step")
            if not self.runs.raced:
                diverged = [self._session.run] if self._session.trainer.diverged else []
            elif not taken and not diverged and self._session.all_stopped:
                diverged = [self._session.run]  # nothing moves: say why again
            for run in diverged:
                index = self.runs.index(run)
                set_lr = lambda lr, index=index: self.set_value("lr", lr, run=index)  # noqa: E731
                text, fix = divergence_note(run, set_lr, self.runs.raced, others_go_on=not self._session.all_stopped)
                self._say("warning", text, fix)
        return taken

    def step_back(self) -> bool:
        if self._session.current_step == 0:
            return False
        self._session.seek(self._session.current_step - 1)
        return True

    def seek(self, k: int) -> None:
        """Every run to step k (a run that stopped earlier, to its last step)."""
        if self.runs.seek(max(0, min(int(k), self._session.last_step))):
            self._changed("step")

    def reset(self) -> None:
        self.runs.reset()
        with self._session.batch():
            self._changed("step", "settings")
            self._say("info", "Reset to step 0 (same initial weights)")

    def restart_from(self, params: dict[str, np.ndarray]) -> bool:
        """Every run anew from step 0, starting at `params` (a point clicked on the surface). On a
        function the point becomes the settings' start (files and races keep it)."""
        if self._session.settings.is_function:
            try:
                self._session.model.spec.check(params)
            except ValueError as exc:
                self._say("error", str(exc))
                return False
            return self.set_settings(start=tuple(float(v) for v in params["xy"]))
        try:
            for run in self.runs:  # checked first: a start that one run cannot take moves none
                run.trainer.check_start(params)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        self.runs.reset(init_params=params)
        with self._session.batch():
            self._changed("step", "settings")
            self._say(
                "info",
                "A new run from the clicked start point"
                if not self.runs.raced
                else "Every run starts again from the clicked point",
            )
        return True

    # ------------------------------------------------------------------ runs
    def add_run(self, **changes) -> bool:
        """Race one more run: the focused run's settings with `changes` (field names as
        `set_value` takes them: optimizer, lr, momentum, …, loss, batch_size, seed). Every run
        starts again from step 0, the new one from the same θ₀. False, with a note, if it cannot."""
        if len(self.runs) >= MAX_RUNS:
            self._say("error", f"At most {MAX_RUNS} runs race at once; remove one first")
            return False
        settings = self._session.settings
        try:
            for name, value in changes.items():
                settings = settings.with_value(name, value, self._session.source_dataset)
        except ValueError as exc:
            self._say("error", f"Could not add the run: {exc}")
            return False
        fitted, notes = settings.fitted(self._session.source_dataset)
        problem = self.runs.race_problem(fitted, self._session.source_dataset)
        if problem:
            self._say("error", f"Could not add the run: {problem}")
            return False
        for note in notes:
            self._say("info", note)
        run = self.runs.start_like(
            None, fitted, self._session.source_dataset, init_params=self.runs.first.trainer.init_params
        )
        with self._session.batch():
            self.runs.add(run)
            self._changed("runs", "step", "settings")
            self._say("info", f"Added {run.name}: the race starts again from step 0")
        return True

    def remove_run(self, index: int) -> bool:
        """Take a run out of the race (the last one stays)."""
        if not 0 <= index < len(self.runs) or len(self.runs) == 1:
            return False
        with self._session.batch():
            removed = self.runs.remove(index)
            self._changed("runs", "step", "settings")
            self._say("info", f"Removed {removed.name}")
        return True

    def focus_run(self, index: int) -> None:
        """Make run `index` the one the per-sample views explain and the controls edit."""
        index = int(index)
        if 0 <= index < len(self.runs) and index != self.runs.focus:
            self.runs.focus = index
            self._changed("runs", "settings")

    def set_run_visible(self, index: int, visible: bool) -> None:
        if not 0 <= index < len(self.runs):  # (a table row of runs gone since: nothing to show or hide)
            return
        run = self.runs[index]
        if run.visible != bool(visible):
            run.visible = bool(visible)
            self._changed("runs")

    # ------------------------------------------------------------------ settings
    def set_settings(self, run: int | None = None, **changes) -> bool:
        """Change the settings of run `run` (default: the focused one). Model-shaping ones restart
        the run (and say so); the others carry it on.

        Returns False, with an error note, if the new settings are invalid; nothing changes then.
        """
        index = self.runs.focus if run is None else run
        try:
            new = self.runs[index].settings.replace(**changes)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        return self._use_settings(new, index)

    def set_value(self, name: str, value, run: int | None = None) -> bool:
        """Change one field of run `run` (default: the focused one) as a control does (core.FIELDS):
        what depends on it follows."""
        index = self.runs.focus if run is None else run
        try:
            new = self.runs[index].settings.with_value(name, value, self._session.source_dataset)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        return self._use_settings(new, index)

    def set_learning_rate(self, lr: float) -> bool:
        return self.set_value("lr", float(lr))

    def _use_settings(self, new: Settings, index: int) -> bool:
        try:
            new, notes = new.fitted(self._session.source_dataset)
            new.make_model(self._session.source_dataset)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        run = self.runs[index]
        old = run.settings
        if new == old:
            return True
        first = self.runs.first
        raced = self.runs.raced
        own = new.same_model_as(old)  # False: a new model, for every run
        problem = self.runs.race_problem(new, self._session.source_dataset)
        if raced and index > 0 and own and Run.restarts(old, new) and problem:
            self._say("error", f"{run.name}: {problem}. Nothing was changed.")
            return False
        with self._session.batch():
            for note in notes:
                self._say("warning", note)
            if not raced and Run.restarts(old, new):
                self.build(new, index)
                self._say("info", f"{self._session.describe_problem()}: a new run from step 0")
            elif not own or (index == 0 and (new.seed != old.seed or problem)):
                self.build(new, index)  # a new model or a new θ₀: every run anew
                self._say("info", f"{self._session.describe_problem()}: every run starts again from step 0")
            elif Run.restarts(old, new):  # this run's loss or batch seed: it races again from θ₀
                again = self.runs.start_like(
                    run, new, self._session.source_dataset, init_params=first.trainer.init_params
                )
                self.runs.replace(index, again)
                self._changed("runs", "step", "settings")
                self._say("info", f"{again.name}: the race starts again from step 0")
            else:
                run.carry_on_with(new)
                self.runs.name()
                self._changed("settings")
        return True

    # ------------------------------------------------------------------ curvature
    def next_curvature_job(self, backfill: bool = False):
        """The next Hessian spectrum worth computing in the background (a `CurvatureJob`), or None: the
        focused run's current step first, then (backfill) its stride over the run, then the other runs'
        current steps."""
        return self.runs.next_curvature_job(backfill)

    def next_unknown_curvature_job(self, backfill: bool = False):
        """`next_curvature_job`, after filing every wanted spectrum computed before for the same numbers
        (`SPECTRA`: a lesson computes its scenes' ahead): the first that must really be computed, or None."""
        with self._session.batch():
            while (job := self.next_curvature_job(backfill)) is not None:
                known = SPECTRA.get(job.key)
                if known is None:
                    return job
                self.record_curvature(job, known)
        return None

    def curvature_jobs_ahead(self) -> list:
        """Every spectrum the focused run's curvature would ask for with the curvature view in sight (its
        current step, the stride over the run), as picklable inputs: a lesson computes them ahead."""
        sharpness, trainer = self._session.run.sharpness, self._session.run.trainer
        return [sharpness.job(trainer, step).inputs() for step in sharpness.wanted(trainer, backfill=True)]

    def fill_cheap_curvature(self, budget_s: float) -> None:
        """Compute the runs' current-step spectra here and now while their measured cost (`Sharpness.cost`)
        fits in `budget_s` together: a small model's step then arrives with its own curvature, in one
        Change, instead of showing the step before's until the background's answer."""
        spent = 0.0
        while (job := self.next_curvature_job()) is not None:
            cost = job.target.cost(job)
            if cost is None or spent + cost > budget_s:
                return
            spectrum, seconds = answer(job.inputs())
            spent += seconds
            self.record_curvature(job, spectrum, seconds, remember=False)

    def record_curvature(
        self, job, spectrum: core.Spectrum | None, seconds: float | None = None, remember: bool = True
    ) -> None:
        """File a spectrum computed in the background (None: it could not be computed; not asked again),
        with the `seconds` it took if they were measured; `remember`: also by the digest of its inputs, for
        other windows and lessons (`SPECTRA`; not worth it for one computed with the step: its digest, a
        pickle of the data, costs more than computing it again)."""
        if not self.runs.owns(job):
            return  # its run is gone
        if seconds is not None:
            job.target.note_cost(job, seconds)
        if spectrum is None:
            job.target.give_up(job)
            return
        if remember:
            SPECTRA.put(job.key, spectrum)
        job.target.record(job, spectrum)
        with self._session.batch():
            self._changed("curvature")
            self._follow_eigen_slice(job, spectrum)

    def _follow_eigen_slice(self, job, spectrum: core.Spectrum) -> None:
        """An unpinned eigen slice turns with the Hessian: new top eigenvectors at the current step
        (aligned with the old ones, so no axis flips its sign)."""
        sl = self._session.plane.coordinates
        if sl.mode != "eigen" or self._session.plane.pinned or job.target is not self._session.run.sharpness:
            return
        if job.step != self._session.current_step or spectrum.vectors.shape[1] < 2:
            return
        try:
            eigen = (spectrum.values[:2], spectrum.vectors[:, :2])
            self._session.plane.place(
                core.make_slice("eigen", self._session.model.spec, self._session.params, eigen=eigen, align=sl)
            )
        except ValueError:  # the two top eigenvectors no longer span a plane (they always should)
            return
        self._changed("slice")
