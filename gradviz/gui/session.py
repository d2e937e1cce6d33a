"""The Session: one QObject that owns the data, the settings and the trainer, and says what changed.

Views subscribe to its `sig…` signals and redraw from its state; controls call its methods.
No widget lives here (pyqtgraph's Parameter / napari's model-emits-events rule). Every data
edit goes through the undo stack as a `DatasetEdit`, so Ctrl+Z works for all of them.
"""

from __future__ import annotations

import os
import time

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from gradviz import core
from gradviz.core.datasets import Dataset, TrainingData
from gradviz.core.settings import Settings, default_loss_for, output_of

__all__ = ["Session", "DatasetEdit"]

# Settings that change the model's shape or meaning: changing them restarts the run.
_RESTARTING = ("model", "loss", "hidden", "hidden_activation", "output", "seed")


class DatasetEdit(QUndoCommand):
    """Replace the data set; undo puts the previous one back (data sets are immutable)."""

    def __init__(self, session: Session, before: Dataset, after: Dataset, text: str):
        super().__init__(text)
        self._session = session
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._session._apply_dataset(self._after, self.text())

    def undo(self) -> None:
        self._session._apply_dataset(self._before, f"undo {self.text()}")


class Session(QObject):
    """All state of one gradviz window. Read its properties; change it through its methods."""

    sigDataChanged = Signal()  # the data set changed (edit, generate, import, undo)
    sigModelChanged = Signal()  # model / loss / output changed: a new run from step 0
    sigSettingsChanged = Signal()  # any setting changed (also hyper-parameters: the run goes on)
    sigStepped = Signal(int)  # the current step changed (step, run, seek, reset)
    sigDiverged = Signal(str)  # training stopped at a non-finite step; the message says what to try
    sigSelectionChanged = Signal(object)  # a sample index or None
    sigMessage = Signal(str)  # a short status-bar message
    sigError = Signal(str)  # a problem the user must see (bad file, invalid setting); nothing changed
    sigNewPointClassChanged = Signal(int)
    sigSliceChanged = Signal()  # the 2-D slice of parameter space the surface and gradient views share

    def __init__(self, dataset: Dataset | None = None, settings: Settings | None = None, parent=None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        dataset = dataset if dataset is not None else core.generate("blobs", n_samples=60, seed=0)
        settings = settings if settings is not None else Settings()
        settings = _fit_settings(settings, dataset)
        self._source = dataset
        self._settings = settings
        self._selected: int | None = None
        self._new_point_class = 0
        self._build()

    # ------------------------------------------------------------------ state
    def _build(self) -> None:
        self._trainer = self._settings.make_trainer(self._source)
        self._data = TrainingData(self._source, self._trainer.Y)
        self._slice = core.make_slice(
            self._default_slice_mode(), self.model.spec, self.params, seed=self._settings.seed
        )

    def _default_slice_mode(self) -> str:
        return "random" if self.model.kind == "mlp" else "axes"

    # ------------------------------------------------------------------ the slice
    @property
    def slice(self) -> core.Slice:
        """The plane of parameter space that the loss surface and the gradient view show."""
        return self._slice

    def set_slice(self, mode: str, labels: tuple[str, str] | None = None, seed: int | None = None) -> bool:
        """A new slice through the current step's parameters (random / PCA: around them)."""
        try:
            path = self._trainer.params_path(self.current_step)[1] if mode == "pca" else None
            self._slice = core.make_slice(
                mode,
                self.model.spec,
                self.params,
                labels=labels,
                seed=self._slice.seed if seed is None else seed,
                path=path,
            )
        except ValueError as exc:
            self.sigError.emit(str(exc))
            return False
        self.sigSliceChanged.emit()
        return True

    def recenter_slice(self) -> bool:
        """Move the slice's pinned centre to the current step (same directions or axes)."""
        sl = self._slice
        return self.set_slice(sl.mode, sl.axis_labels if sl.mode == "axes" else None, sl.seed)

    def restart_from(self, params: dict[str, np.ndarray]) -> bool:
        """A new run from step 0 that starts at `params` (a point clicked on the surface)."""
        try:
            self._trainer.reset(init_params=params)
        except ValueError as exc:
            self.sigError.emit(str(exc))
            return False
        self.sigMessage.emit("A new run from the clicked start point")
        self.sigStepped.emit(0)
        return True

    @property
    def dataset(self) -> TrainingData:
        """The data as the model sees it: `.X` (N, d), `.Y` (N, k), and the source's labels etc."""
        return self._data

    @property
    def source_dataset(self) -> Dataset:
        return self._source

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def trainer(self) -> core.Trainer:
        return self._trainer

    @property
    def model(self):
        return self._trainer.model

    @property
    def loss(self) -> core.Loss:
        return self._trainer.loss_fn

    @property
    def optimizer(self) -> core.Optimizer:
        return self._trainer.optimizer

    @property
    def params(self) -> dict[str, np.ndarray]:
        return self._trainer.params

    @property
    def current_step(self) -> int:
        return self._trainer.step_index

    @property
    def last_step(self) -> int:
        return self._trainer.last_step

    @property
    def diverged(self) -> bool:
        return self._trainer.diverged

    @property
    def selected(self) -> int | None:
        return self._selected

    # ------------------------------------------------------------------ selection
    def select(self, index: int | None) -> None:
        if index is not None:
            index = int(index)
            if not 0 <= index < self._source.n_samples:
                index = None
        if index != self._selected:
            self._selected = index
            self.sigSelectionChanged.emit(index)

    def focus_sample(self) -> tuple[int, bool]:
        """(index, selected): the selected sample, or the one the model gets most wrong."""
        if self._selected is not None:
            return self._selected, True
        X, Y = self._data.X, self._data.Y
        return int(np.argmax(self.model.per_sample_losses(self.params, X, Y, self.loss))), False

    # ------------------------------------------------------------------ training
    def step(self, n: int = 1) -> int:
        """Take up to n steps (one redraw for all of them). Returns how many were taken."""
        return self._after_steps(self._trainer.run(n))

    def run_for(self, seconds: float) -> int:
        """Step until `seconds` have passed (playback at full speed), then redraw once."""
        deadline = time.perf_counter() + seconds
        taken = 0
        while True:
            if not self._trainer.step():
                break
            taken += 1
            if time.perf_counter() >= deadline:
                break
        return self._after_steps(taken)

    def _after_steps(self, taken: int) -> int:
        if taken:
            self.sigStepped.emit(self.current_step)
        if self._trainer.diverged:
            self.sigDiverged.emit(self._trainer.divergence_message)
        return taken

    def step_back(self) -> bool:
        if self.current_step == 0:
            return False
        self.seek(self.current_step - 1)
        return True

    def seek(self, k: int) -> None:
        k = max(0, min(int(k), self.last_step))
        if k != self.current_step:
            self._trainer.seek(k)
            self.sigStepped.emit(k)

    def reset(self) -> None:
        self._trainer.reset()
        self.sigMessage.emit("Reset to step 0 (same initial weights)")
        self.sigStepped.emit(0)

    # ------------------------------------------------------------------ settings
    def set_settings(self, **changes) -> bool:
        """Change settings. Model-shaping ones restart the run (and say so); others carry on.

        Returns False (and emits sigError) if the new settings are invalid; nothing changes then.
        """
        try:
            new = self._settings.replace(**changes)
            new = _fit_settings(new, self._source)
            new.make_model(self._source)
        except ValueError as exc:
            self.sigError.emit(str(exc))
            return False
        old = self._settings
        if new == old:
            return True
        self._settings = new
        if any(getattr(old, name) != getattr(new, name) for name in _RESTARTING):
            self._build()
            self.sigMessage.emit(f"{self.model.describe()} + {self.loss.title}: a new run from step 0")
            self.sigModelChanged.emit()
            self.sigSettingsChanged.emit()
            self.sigStepped.emit(0)
            return True
        if (old.optimizer, old.hyperparams) != (new.optimizer, new.hyperparams):
            self._trainer.set_optimizer(new.make_optimizer())
        if old.batch_size != new.batch_size:
            self._trainer.set_batch_size(new.batch_size)
        self.sigSettingsChanged.emit()
        self.sigStepped.emit(self.current_step)
        return True

    def set_learning_rate(self, lr: float) -> bool:
        return self.set_settings(hyperparams={**self._settings.hyperparams, "lr": float(lr)})

    # ------------------------------------------------------------------ data
    def edit_dataset(self, new: Dataset, text: str, before: Dataset | None = None) -> None:
        """Replace the data set as one undoable step (`before`: where a previewed drag began)."""
        before = self._source if before is None else before
        if new is before:
            return
        self.undo_stack.push(DatasetEdit(self, before, new, text))

    @property
    def new_point_class(self) -> int:
        """The class a click adds (keys 1–9 pick it)."""
        return self._new_point_class

    def set_new_point_class(self, c: int) -> None:
        c = max(0, min(int(c), core.MAX_CLASSES - 1))
        if c != self._new_point_class:
            self._new_point_class = c
            self.sigNewPointClassChanged.emit(c)
            self.sigMessage.emit(f"New points will be class {c + 1}")

    def preview_dataset(self, new: Dataset) -> None:
        """Show an in-progress edit (a drag) without an undo entry; finish with edit_dataset."""
        self._apply_dataset(new, None)

    def add_point(self, x, target) -> None:
        try:
            new = self._source.with_point_added(x, target)
        except ValueError as exc:
            self.sigError.emit(str(exc))
            return
        self.edit_dataset(new, "add point")

    def remove_point(self, index: int) -> None:
        try:
            new = self._source.with_point_removed(index)
        except (ValueError, IndexError) as exc:
            self.sigError.emit(str(exc))
            return
        if self._selected == index:
            self.select(None)
        elif self._selected is not None and self._selected > index:
            self._selected -= 1
        self.edit_dataset(new, "remove point")

    def generate(self, name: str, n_samples: int | None = None, noise: float | None = None, **kwargs) -> bool:
        try:
            new = core.generate(name, n_samples=n_samples, noise=noise, seed=self._settings.seed, **kwargs)
        except ValueError as exc:
            self.sigError.emit(str(exc))
            return False
        self.select(None)
        self.edit_dataset(new, f"generate {name}")
        return True

    def import_csv(self, path: str | os.PathLike) -> bool:
        try:
            new = core.load_csv(path)
            _fit_settings(self._settings, new).make_model(new)
        except ValueError as exc:
            self.sigError.emit(f"Could not import: {exc}. Your data are unchanged.")
            return False
        self.select(None)
        self.edit_dataset(new, f"import {os.path.basename(path)}")
        return True

    def export_csv(self, path: str | os.PathLike) -> bool:
        try:
            core.save_csv(self._source, path)
        except OSError as exc:
            self.sigError.emit(f"Could not export to {path}: {exc.strerror or exc}")
            return False
        self.sigMessage.emit(f"Saved {self._source.n_samples} points to {os.path.basename(path)}")
        return True

    def _apply_dataset(self, new: Dataset, text: str | None) -> None:
        old = self._source
        if new is old:
            return
        self._source = new
        fitted = _fit_settings(self._settings, new)
        if self._selected is not None and self._selected >= new.n_samples:
            self._selected = None
        reshaped = (not new.same_shape_as(old)) or fitted != self._settings
        if reshaped:
            changed = fitted.model != self._settings.model or fitted.loss != self._settings.loss
            self._settings = fitted
            self._build()
            note = f" (switched to {self.model.describe()} + {self.loss.title})" if changed else ""
            self.sigMessage.emit(f"The data's shape changed{note}: a new run from step 0")
            self.sigDataChanged.emit()
            self.sigModelChanged.emit()
            self.sigSettingsChanged.emit()
            self.sigStepped.emit(0)
            return
        Y = new.encode_targets(self.model.n_outputs)
        self._trainer.set_data(new.X, Y)
        self._data = TrainingData(new, self._trainer.Y)
        if text:
            self.sigMessage.emit(f"{text.capitalize()}: training goes on from step {self.current_step}")
        self.sigDataChanged.emit()
        self.sigStepped.emit(self.current_step)

    # ------------------------------------------------------------------ files
    def session_data(self, extra: dict | None = None) -> core.SessionData:
        """Data, settings, step, and what the views share: the selection and the slice."""
        sl = self._slice
        view = {
            "selected": self._selected,
            "slice": {"mode": sl.mode, "labels": list(sl.axis_labels) if sl.mode == "axes" else None, "seed": sl.seed},
        }
        return core.SessionData(self._source, self._settings, self.current_step, {**view, **(extra or {})})

    def save(self, path: str | os.PathLike, extra: dict | None = None) -> bool:
        try:
            core.save_session(path, self.session_data(extra))
        except (OSError, ValueError) as exc:
            self.sigError.emit(f"Could not save the session: {exc}")
            return False
        self.sigMessage.emit(f"Saved session to {os.path.basename(path)}")
        return True

    def load(self, path: str | os.PathLike) -> core.SessionData | None:
        try:
            data = core.load_session(path)
        except ValueError as exc:
            self.sigError.emit(f"Could not open the session: {exc}. Nothing was changed.")
            return None
        self.apply_session(data)
        return data

    def apply_session(self, data: core.SessionData) -> None:
        self.undo_stack.clear()
        self._source = data.dataset
        self._settings = _fit_settings(data.settings, data.dataset)
        self._selected = None
        self._build()
        if data.step:
            self._trainer.run(data.step)
        self._apply_view_state(data.extra)
        self.sigDataChanged.emit()
        self.sigModelChanged.emit()
        self.sigSettingsChanged.emit()
        self.sigSelectionChanged.emit(self._selected)
        self.sigStepped.emit(self.current_step)

    def _apply_view_state(self, extra: dict) -> None:
        """The saved selection and slice; a part that no longer fits is skipped, with a note."""
        selected = extra.get("selected")
        if isinstance(selected, int) and not isinstance(selected, bool) and 0 <= selected < self._source.n_samples:
            self._selected = selected
        spec = extra.get("slice")
        if isinstance(spec, dict):
            labels = spec.get("labels")
            try:
                path = self._trainer.params_path(self.current_step)[1] if spec.get("mode") == "pca" else None
                self._slice = core.make_slice(
                    str(spec.get("mode", "axes")),
                    self.model.spec,
                    self.params,
                    labels=tuple(labels) if isinstance(labels, list) and len(labels) == 2 else None,
                    seed=int(spec.get("seed", 0)),
                    path=path,
                )
            except (ValueError, TypeError) as exc:
                self.sigMessage.emit(f"The saved slice was skipped: {exc}")


def _fit_settings(settings: Settings, dataset: Dataset) -> Settings:
    """Settings that fit the data: a model kind the data admits, and a loss the model admits."""
    model = settings.model
    if dataset.is_classification:
        if model == "logistic" and dataset.n_classes > 2:
            model = "softmax"
    elif model in ("logistic", "softmax"):
        model = "linear"
    output = settings.output
    if model == "mlp":
        if not dataset.is_classification and output in ("sigmoid", "softmax"):
            output = "identity"
        if output == "sigmoid" and dataset.n_classes > 2:
            output = "softmax"
    loss = settings.loss
    if not core.make_loss(loss).admits(output_of(model, loss, output)):
        loss = default_loss_for(model, output)
    if model == "mlp" and output is None and not dataset.is_classification:
        loss = "mse"
    if (model, loss, output) == (settings.model, settings.loss, settings.output):
        return settings
    return settings.replace(model=model, loss=loss, output=output)
