"""Editing the data, with undo: the part of a session that changes points and data sets.

Every edit is one undoable step that snapshots the data, the settings it may have forced
(three classes need softmax regression) and the selection, so undo puts all three back.
An edit that keeps the data's shape lets training go on from the current step; one that
changes it starts a new run (`Session.use_dataset` decides). This part owns the undo stack;
it changes the session through the session's public methods.
"""

from __future__ import annotations

import os
from dataclasses import replace

from gradviz import core
from gradviz.core.datasets import Dataset

from .undo import Snapshot, UndoStack

__all__ = ["DataEditor"]


class DataEditor:
    def __init__(self, session, changed, say):
        self._session = session
        self._changed = changed  # the session's: mark aspects changed
        self._say = say  # the session's: a note to the user
        self.history = UndoStack()

    def edit_dataset(self, new: Dataset, text: str, before: Dataset | None = None) -> None:
        """Replace the data set as one undoable step (`before`: where a previewed drag began)."""
        start = self.snapshot()
        self._edit(new, text, start if before is None else replace(start, dataset=before))

    def _edit(self, new: Dataset, text: str, before: Snapshot) -> None:
        if new is before.dataset:
            return
        with self._session.batch():
            self._session.use_dataset(new, text)
            self.history.push(text, before, self.snapshot())
            self._changed("undo")

    def add_point(self, x, target, reshape: bool = False) -> bool:
        """Add a point (one undo step). A point of a new class would change the model and restart
        the run: that happens only with `reshape`, else a warning asks (its fix adds it anyway)."""
        source = self._session.source_dataset
        try:
            new = source.with_point_added(x, target)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        if not reshape and not new.same_shape_as(source):
            _, notes = self._session.settings.fitted(new)
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
            new = self._session.source_dataset.with_point_removed(index)
        except (ValueError, IndexError) as exc:
            self._say("error", str(exc))
            return
        before = self.snapshot()
        selected = self._session.selected
        with self._session.batch():
            if selected is not None and selected >= index:
                self._session.select(None if selected == index else selected - 1)
            self._edit(new, "remove point", before)

    def generate(self, name: str, n_samples: int | None = None, noise: float | None = None, **kwargs) -> bool:
        try:
            new = core.generate(name, n_samples=n_samples, noise=noise, seed=self._session.settings.seed, **kwargs)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        self._replace_data(new, f"generate {name}")
        return True

    def import_csv(self, path: str | os.PathLike) -> bool:
        try:
            new = core.load_csv(path)
            self._session.settings.fitted(new)[0].make_model(new)
        except ValueError as exc:
            self._say("error", f"Could not import: {exc}. Your data are unchanged.")
            return False
        self._replace_data(new, f"import {os.path.basename(path)}")
        return True

    def _replace_data(self, new: Dataset, text: str) -> None:
        """New data altogether: the selection goes (and comes back with undo)."""
        before = self.snapshot()
        with self._session.batch():
            self._session.select(None)
            self._edit(new, text, before)

    # ------------------------------------------------------------------ undo
    def snapshot(self) -> Snapshot:
        session = self._session
        return Snapshot(session.source_dataset, session.runs[0].settings, session.selected)

    def undo(self) -> bool:
        return self._restore(self.history.undo(), "Undo")

    def redo(self) -> bool:
        return self._restore(self.history.redo(), "Redo")

    def _restore(self, entry, verb: str) -> bool:
        if entry is None:
            return False
        text, snap = entry
        with self._session.batch():
            self._session.use_dataset(snap.dataset, settings=snap.settings)
            self._session.select(snap.selected)
            self._changed("selection", "undo")
            self._say("info", f"{verb} {text}")
        return True
