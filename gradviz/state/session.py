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

from collections import Counter
from dataclasses import replace
from functools import wraps

import numpy as np

from gradviz import core
from gradviz.core.datasets import Dataset, TrainingData
from gradviz.core.settings import Settings

from .changes import ASPECTS, Emitter
from .editing import DataEditor
from .files import SessionFiles
from .frame import Frame
from .plane import Plane
from .race_control import RaceControl
from .run import Run
from .run_set import RunSet
from .view_options import ViewOptions, walk_length

__all__ = ["Session", "ViewOptions", "walk_length"]

# what a session file holds that the user changes, in the words the unsaved-work question uses
_UNSAVED = {"data": "the data", "settings": "the settings", "step": "the training step", "runs": "the runs"}


def _forwarded(part: str, method):
    """A Session method that is `method` of its part `part` (the part does the work, the session is its face)."""

    @wraps(method)
    def forward(self, *args, **kwargs):
        return method(getattr(self, part), *args, **kwargs)

    return forward


class Session:
    def __init__(self, dataset: Dataset | None = None, settings: Settings | None = None):
        self._emitter = Emitter()
        self.work: Counter = Counter()  # how often each frame quantity was computed
        self._source = dataset if dataset is not None else core.generate("blobs", n_samples=60, seed=0)
        settings, _ = (settings if settings is not None else Settings()).fitted(self._source)
        self._selected: int | None = None
        self._new_point_class = 0
        self._view = ViewOptions()
        self._frame = Frame(self, self.work)
        self._dirty: set[str] = set()
        self._unsaved: set[str] = set()
        self._paired = (None, None, None, None)  # (source, focused run, its targets, the data the views show)
        # the parts, each with its own state: the runs and what changes them, the plane the surface shows,
        # the data edits with their undo, the files
        self._runs = RunSet()
        self.workspaces = self._runs.workspaces
        self.plane = Plane(None)  # placed by the first runs
        self.race = RaceControl(self, self._runs, self._changed, self._say)
        self.edits = DataEditor(self, self._changed, self._say)
        self.files = SessionFiles(self, self._say)
        self.race.build(settings)
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
    def adopt_replay(self, replay) -> None:
        """Become the session a `Replay` rebuilt (its data, runs and view state), in one Change; undo starts afresh."""
        with self.batch():
            self.edits.history.clear()
            self._source = replay.data.dataset
            self._selected = None
            self.race.adopt(replay.runs, replay.focus)
            self.files.apply_view_state(replay.data.extra)
            self._changed(*ASPECTS)
        self.mark_saved()

    # ------------------------------------------------------------------ reading
    @property
    def runs(self) -> tuple[Run, ...]:
        """The runs in order: `runs[0]` is the first (its seed gives θ₀), `run` the focused one."""
        return self._runs.runs

    @property
    def focus_index(self) -> int:
        return self._runs.focus

    @property
    def run(self) -> Run:
        """The focused run: the one the per-sample views explain."""
        return self._runs.focused

    @property
    def dataset(self) -> TrainingData:
        """The data as the model sees it: `.X` (N, d), `.Y` (N, k), and the source's labels etc.

        The source's latest points with the focused run's latest targets, not the current step's:
        scrubbed back past a data edit, the step trained on older data, but the views show the data as
        they are now (and the frame computes on them). On a function the data wait, encoded for the model
        the user comes back to (the views that draw them say they apply to models). The same object
        until one of those changes (the views' caches know it by identity).
        """
        run = self.run
        key = (self._source, run, None if run.settings.is_function else run.trainer.latest.Y)
        if any(a is not b for a, b in zip(key, self._paired[:3], strict=True)):
            if run.settings.is_function:
                back = run.settings.replace(function=None, start=None).fitted(self._source)[0]
                data = TrainingData.encode(self._source, back.make_model(self._source).n_outputs)
            else:
                data = TrainingData(self._source, key[2])
            self._paired = (*key, data)
        return self._paired[3]

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
        return self._runs.current_step

    @property
    def last_step(self) -> int:
        return self._runs.last_step

    @property
    def diverged(self) -> bool:
        """Whether the focused run diverged: its views show its last finite step."""
        return self.run.stopped(self.current_step)

    @property
    def all_stopped(self) -> bool:
        """Whether no run can take another step (playing on would only repeat why)."""
        return self._runs.all_stopped

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

    def validation_loss(self) -> float | None:
        """The focused run's loss on the held-out points at the current step (None without a split)."""
        return self.frame.validation[0] if self.frame.validation is not None else None

    def describe_problem(self) -> str:
        """What the runs minimise, in words: "softmax regression … + categorical cross-entropy", or
        "f(x, y) = x² − y² from (−1.5, 0.001)"."""
        if self.settings.is_function:
            x, y = self.trainer.init_params["xy"]
            return f"{self.model.describe()} from ({x:.4g}, {y:.4g})"
        return f"{self.model.describe()} + {self.loss_fn.title}"

    @property
    def selected(self) -> int | None:
        return self._selected

    @property
    def slice(self) -> core.Slice:
        """The plane of parameter space that the loss surface and the gradient view show: the pinned one,
        or the one through the current parameters (`Plane`), so the surface under the current point is the
        loss there. Its directions give the (α, β) coordinates every view uses."""
        return self.plane.shown(self.model.spec, self.params)

    @property
    def slice_coordinates(self) -> core.Slice:
        """The slice that defines the (α, β) of every point: the same for every plane parallel to it."""
        return self.plane.coordinates

    @property
    def slice_pinned(self) -> bool:
        """Whether the plane stays where it was pinned instead of following the run."""
        return self.plane.pinned

    def pin_slice(self, pinned: bool) -> None:
        """Pin the plane where the run is now, or let it follow the run again."""
        if self.plane.pin(pinned, self.model.spec, self.params):
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

    # ------------------------------------------------------------------ slice
    def make_slice(self, mode: str, labels: tuple[str, str] | None = None, seed: int | None = None) -> core.Slice:
        """A slice through the current step's parameters (random / PCA / eigen: around them); raises
        ValueError if the mode cannot be made here."""
        inputs = {}
        if mode == "pca":  # the path so far
            inputs = {"path": self.trainer.params_path(self.current_step)[1]}
        elif mode == "eigen":  # the Hessian's top eigenvectors here (computed now if the feed has not yet)
            spectrum = self.run.curvature()
            inputs = {"eigen": (spectrum.values[:2], spectrum.vectors[:, :2]), "align": self.plane.coordinates}
        seed = self.plane.coordinates.seed if seed is None else seed
        return core.make_slice(mode, self.model.spec, self.params, labels=labels, seed=seed, **inputs)

    def set_slice(self, mode: str, labels: tuple[str, str] | None = None, seed: int | None = None) -> bool:
        """A new slice through the current step's parameters (random / PCA / eigen: around them)."""
        try:
            self.plane.place(self.make_slice(mode, labels, seed))
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        self._changed("slice")
        return True

    def recenter_slice(self) -> bool:
        """Move a pinned plane to the current step (same directions or axes)."""
        if self.plane.recenter(self.model.spec, self.params):
            self._changed("slice")
        return True

    # ------------------------------------------------------------------ data
    def use_dataset(self, new: Dataset, text: str | None = None, settings: Settings | None = None) -> None:
        """`new` as the data of every run, without an undo entry (a drag in progress, and the editor's edits
        and undo): the runs go on from the current step where the data keep their shape and the runs'
        settings, and start again from step 0 where not (said so). `settings`: the first run's settings to
        go back to with these data (undo). `text` names the edit in the note."""
        old = self._source
        if settings is not None and (settings != self._runs.first.settings or not new.same_shape_as(old)):
            with self.batch():
                self._source = new  # back to the model that went with those data
                if self._selected is not None and self._selected >= new.n_samples:
                    self._selected = None
                self.race.build(settings, index=0)
            return
        if new is old:
            return
        self._source = new
        fits = [run.settings.fitted(new) for run in self.runs]
        if self._selected is not None and self._selected >= new.n_samples:
            self._selected = None
            self._changed("selection")
        with self.batch():
            self._changed("data")
            if all(run.settings.is_function for run in self.runs):  # f(x, y) has no data: no run changes
                return
            fitted, notes = fits[self._runs.focus]
            if not new.same_shape_as(old) or any(
                Run.restarts(r.settings, f) for r, (f, _) in zip(self.runs, fits, strict=True)
            ):
                self.race.build(fitted)
                again = "every run starts again from step 0" if self._runs.raced else "a new run from step 0"
                if notes:
                    self._say("warning", f"{notes[0]}; {again}")
                else:
                    self._say("info", f"The data's shape changed: {again}")
                return
            for run, (fitted, notes) in zip(self.runs, fits, strict=True):
                run.trainer.set_data(new.X, new.encode_targets(run.trainer.model.n_outputs))
                if fitted != run.settings:  # a batch now as large as the data: the full batch, said so
                    run.carry_on_with(fitted)
                    for note in notes if run is self.run else ():
                        self._say("info", f"{note[0].upper()}{note[1:]}")
            self._changed("step", "settings")
            if text:
                self._say("info", f"{text.capitalize()}: training goes on from step {self.current_step}")

    preview_dataset = use_dataset  # a drag shows each move so; edit_dataset makes the whole drag one undo step

    # the race, the data edits and the files are parts of the session; these are their faces
    step = _forwarded("race", RaceControl.step)
    run_for = _forwarded("race", RaceControl.run_for)
    step_back = _forwarded("race", RaceControl.step_back)
    seek = _forwarded("race", RaceControl.seek)
    reset = _forwarded("race", RaceControl.reset)
    restart_from = _forwarded("race", RaceControl.restart_from)
    add_run = _forwarded("race", RaceControl.add_run)
    remove_run = _forwarded("race", RaceControl.remove_run)
    focus_run = _forwarded("race", RaceControl.focus_run)
    set_run_visible = _forwarded("race", RaceControl.set_run_visible)
    set_settings = _forwarded("race", RaceControl.set_settings)
    set_value = _forwarded("race", RaceControl.set_value)
    set_learning_rate = _forwarded("race", RaceControl.set_learning_rate)
    next_curvature_job = _forwarded("race", RaceControl.next_curvature_job)
    next_unknown_curvature_job = _forwarded("race", RaceControl.next_unknown_curvature_job)
    curvature_jobs_ahead = _forwarded("race", RaceControl.curvature_jobs_ahead)
    record_curvature = _forwarded("race", RaceControl.record_curvature)
    edit_dataset = _forwarded("edits", DataEditor.edit_dataset)
    add_point = _forwarded("edits", DataEditor.add_point)
    remove_point = _forwarded("edits", DataEditor.remove_point)
    generate = _forwarded("edits", DataEditor.generate)
    import_csv = _forwarded("edits", DataEditor.import_csv)
    undo = _forwarded("edits", DataEditor.undo)
    redo = _forwarded("edits", DataEditor.redo)
    session_data = _forwarded("files", SessionFiles.session_data)
    save = _forwarded("files", SessionFiles.save)
    load = _forwarded("files", SessionFiles.load)
    replay_file = _forwarded("files", SessionFiles.replay_file)
    replay_read = _forwarded("files", SessionFiles.replay_read)
    replay = _forwarded("files", SessionFiles.replay)
    apply_session = _forwarded("files", SessionFiles.apply_session)
    write_out = _forwarded("files", SessionFiles.write_out)
    export_csv = _forwarded("files", SessionFiles.export_csv)
    export_history = _forwarded("files", SessionFiles.export_history)

    @property
    def undo_text(self) -> str | None:
        """What Undo would undo ("add point"), or None."""
        return self.edits.history.undo_text

    @property
    def redo_text(self) -> str | None:
        """What Redo would redo, or None."""
        return self.edits.history.redo_text
