"""The runs of a session: which there are, which one is focused, and how they step in lock step.

Runs race from the same θ₀ (the first run's), share the data, the model and one pair of scratch
workspaces, and move together: the race's step is the furthest any run got, and a run that
diverged stays at its last finite step (it is "stopped") while the others go on. This part knows
nothing of Changes: the session says what its calls changed.
"""

from __future__ import annotations

from gradviz import core
from gradviz.core.datasets import Dataset
from gradviz.core.fields import MAX_RUNS
from gradviz.core.settings import Settings

from .run import Run, run_names

__all__ = ["RunSet"]


class RunSet:
    def __init__(self):
        self._runs: list[Run] = []
        self.focus = 0  # the index of the run the per-sample views explain and the controls edit
        # the runs take turns, so they share their scratch arrays: 7 runs of an MLP with 256 hidden
        # units on 100,000 points needed 7 × 0.9 GB; shared, the race needs one run's
        self.workspaces = (core.Workspace(), core.Workspace())

    # ------------------------------------------------------------------ reading
    @property
    def runs(self) -> tuple[Run, ...]:
        return tuple(self._runs)

    @property
    def focused(self) -> Run:
        return self._runs[self.focus]

    @property
    def first(self) -> Run:
        """The first run: its seed gives θ₀, and every other races from it."""
        return self._runs[0]

    def __len__(self) -> int:
        return len(self._runs)

    def __iter__(self):
        return iter(self._runs)

    def __getitem__(self, index: int) -> Run:
        return self._runs[index]

    def index(self, run: Run) -> int:
        return self._runs.index(run)

    @property
    def raced(self) -> bool:
        return len(self._runs) > 1

    @property
    def current_step(self) -> int:
        """The race's step: the furthest any run is (a stopped run stays behind)."""
        return max(r.trainer.step_index for r in self._runs)

    @property
    def last_step(self) -> int:
        return max(r.trainer.last_step for r in self._runs)

    @property
    def all_stopped(self) -> bool:
        """Whether no run can take another step (playing on would only repeat why)."""
        clock = self.current_step
        return all(r.stopped(clock) for r in self._runs)

    def focused_last(self) -> list[Run]:
        """The runs, the focused one last: the runs share one workspace, and the forward pass the
        views reuse (trainer.forward) is then the focused run's."""
        return [r for r in self._runs if r is not self.focused] + [self.focused]

    # ------------------------------------------------------------------ making runs
    def start_like(self, old: Run | None, settings: Settings, source: Dataset, **trainer_options) -> Run:
        """A new run in `old`'s place (its name, colour and visibility) with `settings`."""
        options = {"workspaces": self.workspaces, **trainer_options}
        if old is None:
            return Run.start(None, settings, source, **options)
        return Run.start(old.given_name, settings, source, old.slot, old.visible, **options)

    def race_problem(self, settings: Settings, source: Dataset) -> str:
        """Why a run with `settings` cannot race from the first run's θ₀ (empty if it can)."""
        return settings.race_problem(self.first.settings, source)

    def rebuilt(self, settings: Settings, index: int, source: Dataset, init_params=None) -> tuple[list[Run], list[str]]:
        """Every run anew from step 0 (not adopted yet), and the notes to say: run `index` with `settings`,
        the others with its model (the race stays fair). θ₀ comes from the first run's seed, or is
        `init_params`."""
        old = self._runs or [None]  # None: the session's first run
        wanted = [settings if k == index else r.settings.with_model_of(settings) for k, r in enumerate(old)]
        options = {} if init_params is None else {"init_params": init_params}
        first = self.start_like(old[0], wanted[0].fitted(source)[0], source, **options)
        runs, notes = [first], []
        for r, s in zip(old[1:], wanted[1:], strict=True):
            fitted, fit_notes = s.with_model_of(first.settings).fitted(source)
            problem = fitted.race_problem(first.settings, source)
            if problem:
                fitted = fitted.replace(loss=first.settings.loss, output=first.settings.output)
                fit_notes += (f"{problem}: this run uses {first.settings.loss.upper()} too",)
            notes += [f"{r.name}: {note}" for note in fit_notes]
            runs.append(self.start_like(r, fitted, source, init_params=first.trainer.init_params))
        return runs, notes

    def adopt(self, runs: list[Run], focus: int = 0) -> None:
        self._runs = list(runs)
        self.focus = focus
        self.name()

    def name(self) -> None:
        """Runs without a given name are named after what sets them apart."""
        for run, name in zip(self._runs, run_names([r.settings for r in self._runs]), strict=True):
            run.name = run.given_name or name

    def add(self, run: Run) -> None:
        """Race `run` too, in the first colour free, focused; the others start again from step 0."""
        run.slot = min(set(range(MAX_RUNS)) - {r.slot for r in self._runs})
        for other in self._runs:
            other.trainer.reset()
        self._runs.append(run)
        self.focus = len(self._runs) - 1
        self.name()

    def remove(self, index: int) -> Run:
        """Take run `index` out (removing the first: the next is first, from the same θ₀)."""
        removed = self._runs.pop(index)
        if self.focus >= index and self.focus > 0:
            self.focus -= 1
        self.name()
        return removed

    def replace(self, index: int, run: Run) -> None:
        """`run` races in run `index`'s place; the others start again from step 0."""
        self._runs[index] = run
        for other in self._runs:
            if other is not run:
                other.trainer.reset()
        self.name()

    # ------------------------------------------------------------------ moving
    def step_all(self, diverged: list[Run]) -> bool:
        """One step of every run that keeps up; those that diverge now go to `diverged`."""
        clock = self.current_step
        moved = False
        for run in self.focused_last():
            if run.stopped(clock):
                continue
            if run.trainer.step():
                moved = True
            else:
                diverged.append(run)
        return moved

    def seek(self, k: int) -> bool:
        """Every run to step k (a run that stopped earlier, to its last step); whether any moved."""
        moved = False
        for run in self.focused_last():
            target = min(k, run.trainer.last_step)
            if target != run.trainer.step_index:
                run.trainer.seek(target)
                moved = True
        return moved

    def reset(self, init_params=None) -> None:
        """Every run to step 0 (from `init_params`, given)."""
        options = {} if init_params is None else {"init_params": init_params}
        for run in self.focused_last():
            run.trainer.reset(**options)

    # ------------------------------------------------------------------ curvature
    def next_curvature_job(self, backfill: bool = False):
        """The next Hessian spectrum worth computing (a `CurvatureJob`), or None: the focused run's
        current step first, then (backfill) its stride over the run, then the other runs' current steps."""
        order = [self.focused] + [r for r in self._runs if r is not self.focused]
        for k, run in enumerate(order):
            steps = run.sharpness.wanted(run.trainer, backfill=backfill and k == 0)
            if steps:
                return run.sharpness.job(run.trainer, steps[0])
        return None

    def owns(self, job) -> bool:
        """Whether `job`'s run still races (a spectrum for a run removed since is dropped)."""
        return any(run.sharpness is job.target for run in self._runs)
