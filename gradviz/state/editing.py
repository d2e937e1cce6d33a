"""Editing the data, with undo: the part of the Session that changes points and data sets.

Every edit is one undoable step that snapshots the data, the settings it may have forced
(three classes need softmax regression) and the selection, so undo puts all three back.
An edit that keeps the data's shape lets training go on from the current step; one that
changes it starts a new run.
"""

from __future__ import annotations

import os
from dataclasses import replace

from gradviz import core
from gradviz.core.datasets import Dataset
from gradviz.core.history_csv import thinned_every

from .run import Run
from .undo import Snapshot

__all__ = ["DataEditing"]


class DataEditing:
    """Mixed into Session; uses its `_source`, `_selected`, `_undo`, `_build`, `_pair_data_with_run`, `_changed`, `_say`."""

    def edit_dataset(self, new: Dataset, text: str, before: Dataset | None = None) -> None:
        """Replace the data set as one undoable step (`before`: where a previewed drag began)."""
        start = self._snapshot()
        self._edit(new, text, start if before is None else replace(start, dataset=before))

    def _edit(self, new: Dataset, text: str, before: Snapshot) -> None:
        if new is before.dataset:
            return
        with self.batch():
            self._apply_dataset(new, text)
            self._undo.push(text, before, self._snapshot())
            self._changed("undo")

    def preview_dataset(self, new: Dataset) -> None:
        """Show an edit in progress (a drag) without an undo entry; finish with edit_dataset."""
        self._apply_dataset(new, None)

    def add_point(self, x, target, reshape: bool = False) -> bool:
        """Add a point (one undo step). A point of a new class would change the model and restart
        the run: that happens only with `reshape`, else a warning asks (its fix adds it anyway)."""
        try:
            new = self._source.with_point_added(x, target)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        if not reshape and not new.same_shape_as(self._source):
            _, notes = self.settings.fitted(new)
            consequence = notes[0] if notes else f"the model gets a {new.n_classes}th output"
            self._say(
                "warning",
                f"Class {int(target) + 1} is new here: adding it makes {new.n_classes} classes ({consequence}), "
                "and training starts again from step 0. Nothing was added.",
                (f"Add class {int(target) + 1} anyway", lambda: self.add_point(x, target, reshape=True)),
            )
            return False
        self.edit_dataset(new, "add point")
        return True

    def remove_point(self, index: int) -> None:
        try:
            new = self._source.with_point_removed(index)
        except (ValueError, IndexError) as exc:
            self._say("error", str(exc))
            return
        before = self._snapshot()
        with self.batch():
            if self._selected is not None and self._selected >= index:
                self._selected = None if self._selected == index else self._selected - 1
                self._changed("selection")
            self._edit(new, "remove point", before)

    def generate(self, name: str, n_samples: int | None = None, noise: float | None = None, **kwargs) -> bool:
        try:
            new = core.generate(name, n_samples=n_samples, noise=noise, seed=self.settings.seed, **kwargs)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        self._replace_data(new, f"generate {name}")
        return True

    def import_csv(self, path: str | os.PathLike) -> bool:
        try:
            new = core.load_csv(path)
            self.settings.fitted(new)[0].make_model(new)
        except ValueError as exc:
            self._say("error", f"Could not import: {exc}. Your data are unchanged.")
            return False
        self._replace_data(new, f"import {os.path.basename(path)}")
        return True

    def _replace_data(self, new: Dataset, text: str) -> None:
        """New data altogether: the selection goes (and comes back with undo)."""
        before = self._snapshot()
        with self.batch():
            self.select(None)
            self._edit(new, text, before)

    def write_out(self, path: str | os.PathLike, write, what: str, done: str, verb: str = "export") -> bool:
        """write(path), then `done` said; if it fails (OSError, or a ValueError such as an unknown
        format), one sentence naming `what` and why, and False. Writes are atomic: the old file stays."""
        try:
            write(path)
        except (OSError, ValueError) as exc:
            reason = core.os_reason(exc) if isinstance(exc, OSError) else str(exc)
            self._say(
                "error", f"Could not {verb} {what} to {os.path.basename(path)}: {reason}. The file was not changed."
            )
            return False
        self._say("info", f"{done} to {os.path.basename(path)}")
        return True

    def export_csv(self, path: str | os.PathLike) -> bool:
        n = self._source.n_samples
        return self.write_out(path, lambda p: core.save_csv(self._source, p), "the data", f"Saved {n} points")

    def export_history(self, path: str | os.PathLike) -> bool:
        """Every run's recorded steps as CSV (core.history_csv); False, with a message, if it cannot be written."""
        runs = [(r.name, r.trainer) for r in self._runs]
        rows = sum(len(t.history()) for _, t in runs)
        every = max(thinned_every(t) for _, t in runs)
        thinned = f" (one row every {every} steps: a long run's history is thinned)" if every > 1 else ""
        done = f"Saved {rows:,} steps of {len(runs)} run{'s' if len(runs) > 1 else ''}{thinned}"
        return self.write_out(path, lambda p: core.save_history_csv(p, runs), "the history", done)

    def _apply_dataset(self, new: Dataset, text: str | None) -> None:
        old = self._source
        if new is old:
            return
        self._source = new
        fits = [run.settings.fitted(new) for run in self._runs]
        if self._selected is not None and self._selected >= new.n_samples:
            self._selected = None
            self._changed("selection")
        with self.batch():
            self._changed("data")
            if all(run.settings.is_function for run in self._runs):  # f(x, y) has no data: no run changes
                self._pair_data_with_run()
                return
            fitted, notes = fits[self._focus]
            if not new.same_shape_as(old) or any(
                Run.restarts(r.settings, f) for r, (f, _) in zip(self._runs, fits, strict=True)
            ):
                self._build(fitted)
                again = "a new run from step 0" if len(self._runs) == 1 else "every run starts again from step 0"
                if notes:
                    self._say("warning", f"{notes[0]}; {again}")
                else:
                    self._say("info", f"The data's shape changed: {again}")
                return
            for run, (fitted, notes) in zip(self._runs, fits, strict=True):
                run.trainer.set_data(new.X, new.encode_targets(run.trainer.model.n_outputs))
                if fitted != run.settings:  # a batch now as large as the data: the full batch, said so
                    run.carry_on_with(fitted)
                    for note in notes if run is self.run else ():
                        self._say("info", f"{note[0].upper()}{note[1:]}")
            self._pair_data_with_run()
            self._changed("step", "settings")
            if text:
                self._say("info", f"{text.capitalize()}: training goes on from step {self.current_step}")

    # ------------------------------------------------------------------ undo
    def _snapshot(self) -> Snapshot:
        return Snapshot(self._source, self._runs[0].settings, self._selected)

    @property
    def undo_text(self) -> str | None:
        return self._undo.undo_text

    @property
    def redo_text(self) -> str | None:
        return self._undo.redo_text

    def undo(self) -> bool:
        return self._restore(self._undo.undo(), "Undo")

    def redo(self) -> bool:
        return self._restore(self._undo.redo(), "Redo")

    def _restore(self, entry, verb: str) -> bool:
        if entry is None:
            return False
        text, snap = entry
        with self.batch():
            if snap.settings != self._runs[0].settings or not snap.dataset.same_shape_as(self._source):
                self._source = snap.dataset  # back to the model that went with those data
                self._build(snap.settings, index=0)
            else:
                self._apply_dataset(snap.dataset, None)
            self._selected = snap.selected
            self._changed("selection", "undo")
            self._say("info", f"{verb} {text}")
        return True
