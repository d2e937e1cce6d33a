"""The Session: all state of one gradviz window, with no Qt in it (napari's ViewerModel, glue's state).

It owns the data set, the runs (settings + trainer each; the focused one drives the views),
the slice of parameter space, the selection, the view options and the undo stack.

Runs race in lock step: they share the data, the model and the start θ₀, and every step,
seek and reset moves them all. The session's step is the furthest any run got; a run that
diverged stays at its last finite step (it is "stopped") while the others go on. Change it
through its methods; each call is one `Change` to subscribers, and `with session.batch():`
makes several calls one. Read what the views draw from `session.frame`. Problems never raise:
the state stays as it was and the Change carries a note that says what happened.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from gradviz import core
from gradviz.core.datasets import Dataset, TrainingData
from gradviz.core.fields import MAX_RUNS
from gradviz.core.settings import Settings

from .changes import Emitter
from .editing import DataEditing
from .files import SessionFiles
from .frame import Frame
from .run import Run, run_names
from .spectrum_cache import SPECTRA
from .undo import UndoStack

__all__ = ["Session", "ViewOptions"]

_NEW_RUN = ("data", "model", "settings", "step", "slice", "selection", "runs")
# what a session file holds that the user changes, in the words the unsaved-work question uses
_UNSAVED = {"data": "the data", "settings": "the settings", "step": "the training step", "runs": "the runs"}


@dataclass(frozen=True)
class ViewOptions:
    """How the views show the state (saved with the session, so a lecture reopens as prepared)."""

    surface_log: bool = False
    gradient_field: bool = False
    tip_to_tail: bool = False
    residual_order: str = field(default="index", metadata={"choices": ("index", "size")})
    loss_log: bool = False
    loss_threshold: float = 0.1  # τ of the race's table: the first step at which L ≤ τ
    network_edges: str = field(default="weights", metadata={"choices": ("weights", "gradient")})  # what its edges show
    network_walk: int = 0  # the network view's backward walk: 0 off, else its stop (1 …)
    unit_map: int = -1  # the hidden unit whose activation the data view shows as its background (−1: none)
    step_parts: bool = False  # the surface draws the optimizer's step in its parts (velocity, m/√v, …)
    surface3d_log: bool = False  # the 3-D surface's height is log₁₀ of the loss


def walk_length(mlp: bool) -> int:
    """The stops of the backward walk through one sample: δ at the outputs, (MLP: δ¹ at the hidden
    units,) and each weight matrix's gradient."""
    return 4 if mlp else 2


class Session(DataEditing, SessionFiles):
    def __init__(self, dataset: Dataset | None = None, settings: Settings | None = None):
        self._emitter = Emitter()
        self.work: Counter = Counter()  # how often each frame quantity was computed
        self._undo = UndoStack()
        self._source = dataset if dataset is not None else core.generate("blobs", n_samples=60, seed=0)
        settings, _ = (settings if settings is not None else Settings()).fitted(self._source)
        self._selected: int | None = None
        self._new_point_class = 0
        self._view = ViewOptions()
        self._slice_pinned = False
        self._plane_key = None
        self._plane = None
        self._frame = Frame(self, self.work)
        self._dirty: set[str] = set()
        self._unsaved: set[str] = set()
        self._runs: list[Run] = []
        self._focus = 0
        # the runs take turns, so they share their scratch arrays: 7 runs of an MLP with 256 hidden
        # units on 100,000 points needed 7 × 0.9 GB; shared, the race needs one run's
        self.workspaces = (core.Workspace(), core.Workspace())
        self._build(settings)
        self.mark_saved()

    # ------------------------------------------------------------------ changes
    def subscribe(self, callback) -> callable:
        """Call `callback(change)` after every batch of edits; returns a function that unsubscribes."""
        return self._emitter.subscribe(callback)

    @property
    def followers(self) -> int:
        """How many subscribers follow the session's Changes."""
        return self._emitter.followers

    def batch(self):
        """`with session.batch(): …` makes everything inside one Change."""
        return self._emitter.batch()

    def _changed(self, *aspects: str) -> None:
        self._dirty.update(aspects)
        self._unsaved.update(a for a in aspects if a in _UNSAVED)
        self._emitter.mark(*aspects)

    def _say(self, kind: str, text: str, fix=None) -> None:
        self._emitter.note(kind, text, fix)

    @property
    def frame(self) -> Frame:
        """The numbers derived from the current state, each computed once."""
        if self._dirty:
            self._frame = self._frame.successor(frozenset(self._dirty))
            self._dirty.clear()
        return self._frame

    # ------------------------------------------------------------------ building
    def _build(self, settings: Settings, index: int | None = None, init_params=None) -> None:
        """Every run anew from step 0: run `index` (default: the focused one) with `settings`, the
        others with its model (the race stays fair). θ₀ comes from the first run's seed, or is
        `init_params`."""
        i = self._focus if index is None else index
        old = self._runs or [None]  # None: the session's first run
        wanted = [settings if k == i else r.settings.with_model_of(settings) for k, r in enumerate(old)]
        options = {} if init_params is None else {"init_params": init_params}
        first = self._start_like(old[0], wanted[0].fitted(self._source)[0], **options)
        runs = [first]
        for r, s in zip(old[1:], wanted[1:], strict=True):
            s, notes = self._fit_to_first(s, first)
            for note in notes:
                self._say("info", f"{r.name}: {note}")
            runs.append(self._start_like(r, s, init_params=first.trainer.init_params))
        if settings.function and settings.function != (old[0].settings.function if old[0] else None):
            # a new function opens on the colours that show it; a session file's own choice follows
            self.set_view(surface_log=core.make_function(settings.function).spans_decades)
        self._adopt(runs, self._focus)

    def _start_like(self, old: Run | None, settings: Settings, **trainer_options) -> Run:
        """A new run in `old`'s place (its name, colour and visibility) with `settings`."""
        options = {"workspaces": self.workspaces, **trainer_options}
        if old is None:
            return Run.start(None, settings, self._source, **options)
        return Run.start(old.given_name, settings, self._source, old.slot, old.visible, **options)

    def _fit_to_first(self, settings: Settings, first: Run) -> tuple[Settings, tuple[str, ...]]:
        """`settings` fitted to the data and to the first run's parameters θ (their shapes)."""
        fitted, notes = settings.with_model_of(first.settings).fitted(self._source)
        problem = self._shape_problem(fitted, first)
        if problem:
            fitted = fitted.replace(loss=first.settings.loss, output=first.settings.output)
            notes += (f"{problem}: this run uses {first.settings.loss.upper()} too",)
        return fitted, notes

    def _shape_problem(self, settings: Settings, first: Run) -> str:
        """Why a run with `settings` cannot race from the first run's θ₀ (empty if it can)."""
        return settings.race_problem(first.settings, self._source)

    def _adopt(self, runs: list[Run] | Run, focus: int = 0) -> None:
        """Make `runs` (on the current source data) the runs, `focus` the focused one."""
        self._runs = list(runs) if isinstance(runs, list) else [runs]
        self._focus = focus
        self._name_runs()
        self._pair_data_with_run()
        self._slice = core.make_slice(
            "random" if self.model.kind == "mlp" else "axes",
            self.model.spec,
            self.params,
            seed=self._runs[0].settings.seed,
        )
        if self._selected is not None and self._selected >= self._source.n_samples:
            self._selected = None
        self._changed(*_NEW_RUN)

    def _pair_data_with_run(self) -> None:
        """The data the views show: the source's latest points with the run's latest targets.

        Not the current step's: scrubbed back past a data edit, the step trained on older data,
        but the views show the data as they are now (and the frame computes on them). On a function
        the data wait, encoded for the model the user comes back to (the views that draw them say
        they apply to models).
        """
        if self.settings.is_function:
            model = self.settings.replace(function=None, start=None).fitted(self._source)[0].make_model(self._source)
            self._data = TrainingData.encode(self._source, model.n_outputs)
            return
        self._data = TrainingData(self._source, self.trainer.latest.Y)

    def _name_runs(self) -> None:
        """Runs without a given name are named after what sets them apart."""
        for run, name in zip(self._runs, run_names([r.settings for r in self._runs]), strict=True):
            run.name = run.given_name or name

    # ------------------------------------------------------------------ reading
    @property
    def runs(self) -> tuple[Run, ...]:
        """The runs in order: `runs[0]` is the first (its seed gives θ₀), `run` the focused one."""
        return tuple(self._runs)

    @property
    def focus_index(self) -> int:
        return self._focus

    @property
    def run(self) -> Run:
        """The focused run: the one the per-sample views explain."""
        return self._runs[self._focus]

    @property
    def dataset(self) -> TrainingData:
        """The data as the model sees it: `.X` (N, d), `.Y` (N, k), and the source's labels etc."""
        return self._data

    @property
    def source_dataset(self) -> Dataset:
        return self._source

    @property
    def measures_accuracy(self) -> bool:
        """Whether the runs have an accuracy to show: a model on classes (a function has none)."""
        return self._source.is_classification and not self.settings.is_function

    @property
    def settings(self) -> Settings:
        return self.run.settings

    @property
    def trainer(self) -> core.Trainer:
        return self.run.trainer

    @property
    def model(self):
        return self.trainer.model

    @property
    def loss_fn(self) -> core.Loss:
        return self.trainer.loss_fn

    @property
    def optimizer(self) -> core.Optimizer:
        return self.trainer.optimizer

    @property
    def params(self) -> dict[str, np.ndarray]:
        return self.trainer.params

    @property
    def unsaved(self) -> tuple[str, ...]:
        """What changed since the session was made, opened or saved ("the data", "the settings",
        "the training step", "the runs"): what opening another one would lose."""
        return tuple(words for aspect, words in _UNSAVED.items() if aspect in self._unsaved)

    def mark_unsaved(self) -> None:
        """Everything counts as unsaved: the state is in no file of the user's (an autosave reopened)."""
        self._unsaved.update(_UNSAVED)

    def mark_saved(self) -> None:
        """The state as it is now is in a file (or is a fresh start): nothing unsaved."""
        self._unsaved.clear()

    @property
    def current_step(self) -> int:
        """The race's step: the furthest any run is (a stopped run stays behind)."""
        return max(r.trainer.step_index for r in self._runs)

    @property
    def last_step(self) -> int:
        return max(r.trainer.last_step for r in self._runs)

    @property
    def diverged(self) -> bool:
        """Whether the focused run diverged: its views show its last finite step."""
        return self.run.stopped(self.current_step)

    @property
    def all_stopped(self) -> bool:
        """Whether no run can take another step (playing on would only repeat why)."""
        clock = self.current_step
        return all(r.stopped(clock) for r in self._runs)

    @property
    def train_indices(self) -> np.ndarray:
        """The points the focused run trains on (sorted; every point without a split)."""
        split = self.trainer.split(self._source.n_samples)
        return np.arange(self._source.n_samples) if split is None else split[0]

    @property
    def val_indices(self) -> np.ndarray:
        """The points held out for validation (sorted; none without a split)."""
        split = self.trainer.split(self._source.n_samples)
        return np.zeros(0, dtype=np.int64) if split is None else split[1]

    @property
    def max_stable_lr(self) -> float | None:
        """The largest stable η of the focused run's optimizer at the current step, from λmax of the
        full-batch Hessian on its training points: 2/λmax for sgd, 2(1 + β)/λmax for momentum,
        2(1 + β)/((1 + 2β)λmax) for Nesterov (inf where nothing curves upward); None for the adaptive
        optimizers, whose step has no single bound (`run.step_bound().reason` says why)."""
        return self.run.step_bound().lr

    def next_curvature_job(self, backfill: bool = False):
        """The next Hessian spectrum worth computing in the background (a `CurvatureJob`), or None: the
        focused run's current step first, then (backfill) its stride over the run, then the other runs'
        current steps."""
        order = [self.run] + [r for r in self._runs if r is not self.run]
        for k, run in enumerate(order):
            steps = run.sharpness.wanted(run.trainer, backfill=backfill and k == 0)
            if steps:
                return run.sharpness.job(run.trainer, steps[0])
        return None

    def next_unknown_curvature_job(self, backfill: bool = False):
        """`next_curvature_job`, after filing every wanted spectrum computed before for the same numbers
        (`SPECTRA`: a lesson computes its scenes' ahead): the first that must really be computed, or None."""
        with self.batch():
            while (job := self.next_curvature_job(backfill)) is not None:
                known = SPECTRA.get(job.key)
                if known is None:
                    return job
                self.record_curvature(job, known)
        return None

    def curvature_jobs_ahead(self) -> list:
        """Every spectrum the focused run's curvature would ask for with the curvature view in sight (its
        current step, the stride over the run), as picklable inputs: a lesson computes them ahead."""
        sharpness, trainer = self.run.sharpness, self.run.trainer
        return [sharpness.job(trainer, step).inputs() for step in sharpness.wanted(trainer, backfill=True)]

    def record_curvature(self, job, spectrum: core.Spectrum | None) -> None:
        """File a spectrum computed in the background (None: it could not be computed; not asked again)."""
        if not any(run.sharpness is job.target for run in self._runs):
            return  # its run is gone
        if spectrum is None:
            job.target.give_up(job)
            return
        SPECTRA.put(job.key, spectrum)
        job.target.record(job, spectrum)
        with self.batch():
            self._changed("curvature")
            self._follow_eigen_slice(job, spectrum)

    def validation_loss(self) -> float | None:
        """The focused run's loss on the held-out points at the current step (None without a split)."""
        return self.frame.validation[0] if self.frame.validation is not None else None

    @property
    def selected(self) -> int | None:
        return self._selected

    @property
    def slice(self) -> core.Slice:
        """The plane of parameter space that the loss surface and the gradient view show.

        Its directions give the (α, β) coordinates every view uses. Unless it is pinned the
        plane follows the run: it passes through the current parameters (`Slice.through`), so
        the surface under the current point is the loss there; the coordinates stay the same.
        """
        if self._slice_pinned:
            return self._slice
        params = self.params  # the trainer makes a new dict for every step it takes, seeks or resets
        key = self._plane_key
        if key is None or key[0] is not params or key[1] is not self._slice:
            self._plane_key = (params, self._slice)
            self._plane = self._slice.through(self.model.spec, self.model.spec.flatten(params))
        return self._plane

    @property
    def slice_coordinates(self) -> core.Slice:
        """The slice that defines the (α, β) of every point: the same for every plane parallel to it."""
        return self._slice

    @property
    def slice_pinned(self) -> bool:
        """Whether the plane stays where it was pinned instead of following the run."""
        return self._slice_pinned

    def pin_slice(self, pinned: bool) -> None:
        """Pin the plane where the run is now, or let it follow the run again."""
        if bool(pinned) == self._slice_pinned:
            return
        if pinned:
            self._slice = self.slice  # the plane through the current point stays
        self._slice_pinned = bool(pinned)
        self._changed("slice")

    @property
    def view(self) -> ViewOptions:
        return self._view

    @property
    def new_point_class(self) -> int:
        """The class a click adds (keys 1–9 pick it)."""
        return self._new_point_class

    def focus_sample(self) -> tuple[int, bool]:
        """(index, selected): the selected sample, or the one the model gets most wrong."""
        return self.frame.focus

    # ------------------------------------------------------------------ selection, tools, view
    def select(self, index: int | None) -> None:
        if index is not None:
            index = int(index)
            if not 0 <= index < self._source.n_samples:
                index = None
        if index != self._selected:
            self._selected = index
            self._changed("selection")

    def set_new_point_class(self, c: int) -> None:
        c = max(0, min(int(c), core.MAX_CLASSES - 1))
        if c != self._new_point_class:
            self._new_point_class = c
            self._changed("tool")
            self._say("info", f"New points will be class {c + 1}")

    @property
    def walk_stop(self) -> int:
        """Where the network's backward walk is: 0 off, else its stop (at most this model's last)."""
        return min(self._view.network_walk, walk_length(self.model.kind == "mlp"))

    def move_walk(self, direction: int) -> None:
        """The backward walk one stop on (1) or back (−1); back from the first stop turns it off."""
        n = walk_length(self.model.kind == "mlp")
        self.set_view(network_walk=max(0, min(n, self.walk_stop + direction)))

    @property
    def shown_unit(self) -> int | None:
        """The hidden unit the data view shows over the input plane, if the model has it (else None)."""
        unit = self._view.unit_map
        model = self.model
        return unit if model.kind == "mlp" and model.n_features == 2 and 0 <= unit < model.hidden else None

    def show_unit(self, unit: int) -> None:
        """Show hidden unit `unit`'s activation as the data view's background; again: the regions."""
        self.set_view(unit_map=-1 if self.shown_unit == unit else int(unit))

    def set_view(self, **changes) -> None:
        new = replace(self._view, **changes)
        if new != self._view:
            self._view = new
            self._changed("view")

    # ------------------------------------------------------------------ training
    def step(self, n: int = 1) -> int:
        """Take up to n steps, every run in lock step (one Change for all of them). Returns how
        many steps the race moved on."""
        if len(self._runs) == 1:
            return self._after_steps(self.trainer.run(n), [])
        diverged: list[Run] = []
        taken = 0
        while taken < n and self._step_all(diverged):
            taken += 1
        return self._after_steps(taken, diverged)

    def run_for(self, seconds: float, max_steps: int | None = None) -> int:
        """Step until `seconds` have passed or `max_steps` are taken (playback at full speed, long runs)."""
        deadline = time.perf_counter() + seconds
        diverged: list[Run] = []
        taken = 0
        while (max_steps is None or taken < max_steps) and self._step_all(diverged):
            taken += 1
            if time.perf_counter() >= deadline:
                break
        return self._after_steps(taken, diverged)

    def _focused_last(self) -> list[Run]:
        """The runs, the focused one last: the runs share one workspace, and the forward pass the
        views reuse (trainer.forward) is then the focused run's."""
        return [r for r in self._runs if r is not self.run] + [self.run]

    def _step_all(self, diverged: list[Run]) -> bool:
        """One step of every run that keeps up; those that diverge now go to `diverged`."""
        clock = self.current_step
        moved = False
        for run in self._focused_last():
            if run.stopped(clock):
                continue
            if run.trainer.step():
                moved = True
            else:
                diverged.append(run)
        return moved

    def _after_steps(self, taken: int, diverged: list[Run]) -> int:
        with self.batch():
            if taken:
                self._changed("step")
            if len(self._runs) == 1:
                diverged = [self.run] if self.trainer.diverged else []
            elif not taken and not diverged and self.all_stopped:
                diverged = [self.run]  # nothing moves: say why again
            for run in diverged:
                self._say_diverged(run, others_go_on=not self.all_stopped)
        return taken

    def _say_diverged(self, run: Run, others_go_on: bool) -> None:
        index = self._runs.index(run)
        lr = run.settings.get("lr")
        fix = (f"Use η = {lr / 10:.3g}", lambda: self.set_value("lr", lr / 10, run=index))
        text = run.trainer.divergence_message
        unbounded = _function_stop(run) if run.settings.is_function else ""
        if unbounded:
            text, fix = unbounded, None
            if len(self._runs) > 1:
                text = f"{run.name}: {text}" + (" The other runs go on." if others_go_on else "")
            self._say("warning", text, fix)
            return
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
            fix = (f"Use η = {safe:.3g}", lambda: self.set_value("lr", safe, run=index))
        if len(self._runs) > 1:
            text = f"{run.name}: {text}" + (" The other runs go on." if others_go_on else "")
        self._say("warning", text, fix)

    def step_back(self) -> bool:
        if self.current_step == 0:
            return False
        self.seek(self.current_step - 1)
        return True

    def seek(self, k: int) -> None:
        """Every run to step k (a run that stopped earlier, to its last step)."""
        k = max(0, min(int(k), self.last_step))
        moved = False
        for run in self._focused_last():
            target = min(k, run.trainer.last_step)
            if target != run.trainer.step_index:
                run.trainer.seek(target)
                moved = True
        if moved:
            self._changed("step")

    def reset(self) -> None:
        for run in self._focused_last():
            run.trainer.reset()
        with self.batch():
            self._changed("step", "settings")
            self._say("info", "Reset to step 0 (same initial weights)")

    def describe_problem(self) -> str:
        """What the runs minimise, in words: "softmax regression … + categorical cross-entropy", or
        "f(x, y) = x² − y² from (−1.5, 0.001)"."""
        if self.settings.is_function:
            x, y = self.trainer.init_params["xy"]
            return f"{self.model.describe()} from ({x:.4g}, {y:.4g})"
        return f"{self.model.describe()} + {self.loss_fn.title}"

    def restart_from(self, params: dict[str, np.ndarray]) -> bool:
        """Every run anew from step 0, starting at `params` (a point clicked on the surface). On a
        function the point becomes the settings' start (files and races keep it)."""
        if self.settings.is_function:
            try:
                self.model.spec.check(params)
            except ValueError as exc:
                self._say("error", str(exc))
                return False
            return self.set_settings(start=tuple(float(v) for v in params["xy"]))
        try:
            for run in self._runs:  # checked first: a start that one run cannot take moves none
                run.trainer.check_start(params)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        for run in self._focused_last():
            run.trainer.reset(init_params=params)
        with self.batch():
            self._changed("step", "settings")
            self._say(
                "info",
                "A new run from the clicked start point"
                if len(self._runs) == 1
                else "Every run starts again from the clicked point",
            )
        return True

    # ------------------------------------------------------------------ runs
    def add_run(self, **changes) -> bool:
        """Race one more run: the focused run's settings with `changes` (field names as
        `set_value` takes them: optimizer, lr, momentum, …, loss, batch_size, seed). Every run
        starts again from step 0, the new one from the same θ₀. False, with a note, if it cannot."""
        if len(self._runs) >= MAX_RUNS:
            self._say("error", f"At most {MAX_RUNS} runs race at once; remove one first")
            return False
        settings = self.settings
        try:
            for name, value in changes.items():
                settings = settings.with_value(name, value, self._source)
        except ValueError as exc:
            self._say("error", f"Could not add the run: {exc}")
            return False
        first = self._runs[0]
        fitted, notes = settings.fitted(self._source)
        problem = self._shape_problem(fitted, first)
        if problem:
            self._say("error", f"Could not add the run: {problem}")
            return False
        for note in notes:
            self._say("info", note)
        run = self._start_like(None, fitted, init_params=first.trainer.init_params)
        run.slot = min(set(range(MAX_RUNS)) - {r.slot for r in self._runs})  # the first colour free
        with self.batch():
            for other in self._runs:
                other.trainer.reset()
            self._runs.append(run)
            self._focus = len(self._runs) - 1
            self._name_runs()
            self._changed("runs", "step", "settings")
            self._say("info", f"Added {run.name}: the race starts again from step 0")
        return True

    def remove_run(self, index: int) -> bool:
        """Take a run out of the race (the last one stays)."""
        if not 0 <= index < len(self._runs) or len(self._runs) == 1:
            return False
        with self.batch():
            removed = self._runs.pop(index)  # (removing the first: the next is first, from the same θ₀)
            if self._focus >= index and self._focus > 0:
                self._focus -= 1
            self._name_runs()
            self._pair_data_with_run()
            self._changed("runs", "step", "settings")
            self._say("info", f"Removed {removed.name}")
        return True

    def focus_run(self, index: int) -> None:
        """Make run `index` the one the per-sample views explain and the controls edit."""
        index = int(index)
        if 0 <= index < len(self._runs) and index != self._focus:
            self._focus = index
            self._pair_data_with_run()
            self._changed("runs", "settings")

    def set_run_visible(self, index: int, visible: bool) -> None:
        if not 0 <= index < len(self._runs):  # (a table row of runs gone since: nothing to show or hide)
            return
        run = self._runs[index]
        if run.visible != bool(visible):
            run.visible = bool(visible)
            self._changed("runs")

    # ------------------------------------------------------------------ settings
    def set_settings(self, run: int | None = None, **changes) -> bool:
        """Change the settings of run `run` (default: the focused one). Model-shaping ones restart
        the run (and say so); the others carry it on.

        Returns False, with an error note, if the new settings are invalid; nothing changes then.
        """
        index = self._focus if run is None else run
        try:
            new = self._runs[index].settings.replace(**changes)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        return self._use_settings(new, index)

    def set_value(self, name: str, value, run: int | None = None) -> bool:
        """Change one field of run `run` (default: the focused one) as a control does (core.FIELDS):
        what depends on it follows."""
        index = self._focus if run is None else run
        try:
            new = self._runs[index].settings.with_value(name, value, self._source)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        return self._use_settings(new, index)

    def set_learning_rate(self, lr: float) -> bool:
        return self.set_value("lr", float(lr))

    def _use_settings(self, new: Settings, index: int) -> bool:
        try:
            new, notes = new.fitted(self._source)
            new.make_model(self._source)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        run = self._runs[index]
        old = run.settings
        if new == old:
            return True
        first = self._runs[0]
        raced = len(self._runs) > 1
        own = new.same_model_as(old)  # False: a new model, for every run
        if raced and index > 0 and own and Run.restarts(old, new) and self._shape_problem(new, first):
            self._say("error", f"{run.name}: {self._shape_problem(new, first)}. Nothing was changed.")
            return False
        with self.batch():
            for note in notes:
                self._say("warning", note)
            if not raced and Run.restarts(old, new):
                self._build(new, index)
                self._say("info", f"{self.describe_problem()}: a new run from step 0")
            elif not own or (index == 0 and (new.seed != old.seed or self._shape_problem(new, first))):
                self._build(new, index)  # a new model or a new θ₀: every run anew
                self._say("info", f"{self.describe_problem()}: every run starts again from step 0")
            elif Run.restarts(old, new):  # this run's loss or batch seed: it races again from θ₀
                self._runs[index] = self._start_like(run, new, init_params=first.trainer.init_params)
                for other in self._runs:
                    if other is not self._runs[index]:
                        other.trainer.reset()
                self._name_runs()
                self._pair_data_with_run()
                self._changed("runs", "step", "settings")
                self._say("info", f"{self._runs[index].name}: the race starts again from step 0")
            else:
                run.carry_on_with(new)
                self._name_runs()
                self._changed("settings")
        return True

    # ------------------------------------------------------------------ slice
    def set_slice(self, mode: str, labels: tuple[str, str] | None = None, seed: int | None = None) -> bool:
        """A new slice through the current step's parameters (random / PCA / eigen: around them)."""
        try:
            self._slice = core.make_slice(
                mode,
                self.model.spec,
                self.params,
                labels=labels,
                seed=self._slice.seed if seed is None else seed,
                **self._slice_inputs(mode),
            )
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        self._changed("slice")
        return True

    def _slice_inputs(self, mode: str) -> dict:
        """What a slice mode needs besides θ: the path so far (PCA), the Hessian's top eigenvectors here
        (eigen; computed now if the feed has not yet), the old directions (so no axis flips its sign)."""
        if mode == "pca":
            return {"path": self.trainer.params_path(self.current_step)[1]}
        if mode == "eigen":
            spectrum = self.run.curvature()
            return {"eigen": (spectrum.values[:2], spectrum.vectors[:, :2]), "align": self._slice}
        return {}

    def _follow_eigen_slice(self, job, spectrum: core.Spectrum) -> None:
        """An unpinned eigen slice turns with the Hessian: new top eigenvectors at the current step."""
        sl = self._slice
        if sl.mode != "eigen" or self._slice_pinned or job.target is not self.run.sharpness:
            return
        if job.step != self.current_step or spectrum.vectors.shape[1] < 2:
            return
        try:
            self._slice = core.make_slice(
                "eigen", self.model.spec, self.params, eigen=(spectrum.values[:2], spectrum.vectors[:, :2]), align=sl
            )
        except ValueError:  # the two top eigenvectors no longer span a plane (they always should)
            return
        self._changed("slice")

    def recenter_slice(self) -> bool:
        """Move a pinned plane to the current step (same directions or axes)."""
        if not self._slice_pinned:
            return True
        self._slice = self._slice.through(self.model.spec, self.model.spec.flatten(self.params))
        self._changed("slice")
        return True


def _function_stop(run: Run) -> str:
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
