"""The Session: all state of one gradviz window, with no Qt in it (napari's ViewerModel, glue's state).

It owns the data set, the runs (settings + trainer each; the focused one drives the views),
the slice of parameter space, the selection, the view options and the undo stack. Change it
through its methods; each call is one `Change` to subscribers, and `with session.batch():`
makes several calls one. Read what the views draw from `session.frame`. Problems never raise:
the state stays as it was and the Change carries a note that says what happened.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from gradviz import core
from gradviz.core.datasets import Dataset, TrainingData
from gradviz.core.settings import Settings

from .changes import Emitter
from .editing import DataEditing
from .files import SessionFiles
from .frame import Frame
from .run import Run
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
    residual_order: str = "index"  # or "size"
    loss_log: bool = False


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
        self._build(settings)
        self.mark_saved()

    # ------------------------------------------------------------------ changes
    def subscribe(self, callback) -> callable:
        """Call `callback(change)` after every batch of edits; returns a function that unsubscribes."""
        return self._emitter.subscribe(callback)

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
    def _build(self, settings: Settings, init_params=None) -> None:
        options = {} if init_params is None else {"init_params": init_params}
        self._adopt(Run.start("run 1", settings, self._source, **options))

    def _adopt(self, run: Run) -> None:
        """Make `run` (on the current source data) the only run."""
        self._runs = [run]
        self._focus = 0
        self._pair_data_with_run()
        self._slice = core.make_slice(
            "random" if self.model.kind == "mlp" else "axes", self.model.spec, self.params, seed=run.settings.seed
        )
        if self._selected is not None and self._selected >= self._source.n_samples:
            self._selected = None
        self._changed(*_NEW_RUN)

    def _pair_data_with_run(self) -> None:
        """The data the views show: the source's latest points with the run's latest targets.

        Not the current step's: scrubbed back past a data edit, the step trained on older data,
        but the views show the data as they are now (and the frame computes on them).
        """
        self._data = TrainingData(self._source, self.trainer.latest.Y)

    # ------------------------------------------------------------------ reading
    @property
    def runs(self) -> tuple[Run, ...]:
        return tuple(self._runs)

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
    def settings(self) -> Settings:
        return self.run.settings

    @property
    def trainer(self) -> core.Trainer:
        return self.run.trainer

    @property
    def model(self):
        return self.trainer.model

    @property
    def loss(self) -> core.Loss:
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

    def mark_saved(self) -> None:
        """The state as it is now is in a file (or is a fresh start): nothing unsaved."""
        self._unsaved.clear()

    @property
    def current_step(self) -> int:
        return self.trainer.step_index

    @property
    def last_step(self) -> int:
        return self.trainer.last_step

    @property
    def diverged(self) -> bool:
        return self.trainer.diverged

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

    def set_view(self, **changes) -> None:
        new = replace(self._view, **changes)
        if new != self._view:
            self._view = new
            self._changed("view")

    # ------------------------------------------------------------------ training
    def step(self, n: int = 1) -> int:
        """Take up to n steps (one Change for all of them). Returns how many were taken."""
        return self._after_steps(self.trainer.run(n))

    def run_for(self, seconds: float, max_steps: int | None = None) -> int:
        """Step until `seconds` have passed or `max_steps` are taken (playback at full speed, long runs)."""
        deadline = time.perf_counter() + seconds
        taken = 0
        while (max_steps is None or taken < max_steps) and self.trainer.step():
            taken += 1
            if time.perf_counter() >= deadline:
                break
        return self._after_steps(taken)

    def _after_steps(self, taken: int) -> int:
        with self.batch():
            if taken:
                self._changed("step")
            if self.trainer.diverged:
                lr = self.optimizer.lr
                fix = (f"Use η = {lr / 10:.3g}", lambda: self.set_learning_rate(lr / 10))
                self._say("warning", self.trainer.divergence_message, fix)
        return taken

    def step_back(self) -> bool:
        if self.current_step == 0:
            return False
        self.seek(self.current_step - 1)
        return True

    def seek(self, k: int) -> None:
        k = max(0, min(int(k), self.last_step))
        if k != self.current_step:
            self.trainer.seek(k)
            self._changed("step")

    def reset(self) -> None:
        self.trainer.reset()
        with self.batch():
            self._changed("step", "settings")
            self._say("info", "Reset to step 0 (same initial weights)")

    def restart_from(self, params: dict[str, np.ndarray]) -> bool:
        """A new run from step 0 that starts at `params` (a point clicked on the surface)."""
        try:
            self.trainer.reset(init_params=params)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        with self.batch():
            self._changed("step", "settings")
            self._say("info", "A new run from the clicked start point")
        return True

    # ------------------------------------------------------------------ settings
    def set_settings(self, **changes) -> bool:
        """Change settings. Model-shaping ones restart the run (and say so); the others carry it on.

        Returns False, with an error note, if the new settings are invalid; nothing changes then.
        """
        try:
            new = self.settings.replace(**changes)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        return self._use_settings(new)

    def set_value(self, name: str, value) -> bool:
        """Change one field as a control does (core.FIELDS): what depends on it follows."""
        try:
            new = self.settings.with_value(name, value, self._source)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        return self._use_settings(new)

    def set_learning_rate(self, lr: float) -> bool:
        return self.set_value("lr", float(lr))

    def _use_settings(self, new: Settings) -> bool:
        try:
            new, notes = new.fitted(self._source)
            new.make_model(self._source)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        old = self.settings
        if new == old:
            return True
        with self.batch():
            for note in notes:
                self._say("warning", note)
            if Run.restarts(old, new):
                self._build(new)
                self._say("info", f"{self.model.describe()} + {self.loss.title}: a new run from step 0")
            else:
                self.run.carry_on_with(new)
                self._changed("settings")
        return True

    # ------------------------------------------------------------------ slice
    def set_slice(self, mode: str, labels: tuple[str, str] | None = None, seed: int | None = None) -> bool:
        """A new slice through the current step's parameters (random / PCA: around them)."""
        try:
            path = self.trainer.params_path(self.current_step)[1] if mode == "pca" else None
            self._slice = core.make_slice(
                mode,
                self.model.spec,
                self.params,
                labels=labels,
                seed=self._slice.seed if seed is None else seed,
                path=path,
            )
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        self._changed("slice")
        return True

    def recenter_slice(self) -> bool:
        """Move a pinned plane to the current step (same directions or axes)."""
        if not self._slice_pinned:
            return True
        self._slice = self._slice.through(self.model.spec, self.model.spec.flatten(self.params))
        self._changed("slice")
        return True
