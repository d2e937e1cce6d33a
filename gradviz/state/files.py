"""Saving and opening a session: the data, the settings, the step, and what the views share.

Besides what core's session files hold, the "extra" part keeps the selection, the slice of
parameter space and the view options, so that a prepared lecture reopens as it was left. A
part that no longer fits (a slice of another model) is skipped with a note, never an error.
"""

from __future__ import annotations

import os
from dataclasses import asdict, fields

from gradviz import core

from .changes import ASPECTS
from .replay import Replay

__all__ = ["SessionFiles"]


class SessionFiles:
    """Mixed into Session; uses its `_source`, `_runs`, `_focus`, `_selected`, `_slice`, `_view`, `_adopt`,
    `_say`, `write_out`, `mark_saved`."""

    def session_data(self, extra: dict | None = None) -> core.SessionData:
        sl = self.slice
        view = {
            "selected": self.selected,
            "slice": {
                "mode": sl.mode,
                "labels": list(sl.axis_labels) if sl.mode == "axes" else None,
                "seed": sl.seed,
                "pinned": self.slice_pinned,
            },
            "view": asdict(self.view),
        }
        runs = self._runs
        if len(runs) > 1:
            view["runs"] = {
                "names": [r.given_name for r in runs],
                "visible": [r.visible for r in runs],
                "focus": self._focus,
            }
        budget = core.SNAPSHOT_BYTES // len(runs)  # the runs' saved timelines share one file's budget
        records = [core.record_run(r.trainer, max_bytes=budget) for r in runs]
        return core.SessionData(
            self.source_dataset,
            runs[0].settings,
            self.current_step,
            {**view, **(extra or {})},
            records[0],
            tuple(core.ComparedRun(r.settings, rec) for r, rec in zip(runs[1:], records[1:], strict=True)),
        )

    def save(self, path: str | os.PathLike, extra: dict | None = None) -> bool:
        target = core.session_path(path)  # a name without an extension gets .gradviz.json
        write = lambda p: core.save_session(p, self.session_data(extra))  # noqa: E731
        if not self.write_out(target, write, "the session", "Saved session", verb="save"):
            return False
        self.mark_saved()
        return True

    def load(self, path: str | os.PathLike) -> core.SessionData | None:
        """Open a session file at once (see `replay` for one re-run in slices)."""
        replay = self.replay_file(path)
        if replay is None:
            return None
        replay.advance()
        replay.commit()
        return replay.data

    def replay_file(self, path: str | os.PathLike) -> Replay | None:
        """A session file made ready to replay off to the side; None (and a message) if it cannot be read."""
        try:
            return self.replay(core.load_session(path))
        except ValueError as exc:
            self._say("error", f"Could not open the session: {exc}. Nothing was changed.")
            return None

    def replay(self, data: core.SessionData) -> Replay:
        """`data` rebuilt beside this session: advance it, then commit it (or drop it to cancel)."""
        return Replay(self, data)

    def apply_session(self, data: core.SessionData) -> None:
        """Replace everything with a saved session at once (its steps re-run, its view state restored)."""
        replay = self.replay(data)
        replay.advance()
        replay.commit()

    def _adopt_replay(self, replay: Replay) -> None:
        with self.batch():
            self._undo.clear()
            self._source = replay.data.dataset
            self._selected = None
            self._adopt(replay.runs, replay.focus)
            self._apply_view_state(replay.data.extra)
            self._changed(*ASPECTS)
        self.mark_saved()

    def _apply_view_state(self, extra: dict) -> None:
        """The saved selection, slice and view options; a part that does not fit is skipped."""
        selected = extra.get("selected")
        if isinstance(selected, int) and not isinstance(selected, bool) and 0 <= selected < self._source.n_samples:
            self._selected = selected
        spec = extra.get("slice")
        if isinstance(spec, dict):
            labels = spec.get("labels")
            try:
                mode = str(spec.get("mode", "axes"))
                self._slice = core.make_slice(
                    mode,
                    self.model.spec,
                    self.params,
                    labels=tuple(labels) if isinstance(labels, list) and len(labels) == 2 else None,
                    seed=core.LIMITS["seed"].check(spec.get("seed", 0)),
                    **self._slice_inputs(mode) if mode in core.SLICE_MODES else {},
                )
                self._slice_pinned = spec.get("pinned") is True
            except (ValueError, TypeError) as exc:
                self._say("info", f"The saved slice was skipped: {exc}")
        saved = extra.get("view")
        if isinstance(saved, dict):
            known = {f.name: type(getattr(self._view, f.name)) for f in fields(self._view)}
            chosen = {k: v for k, v in saved.items() if k in known and isinstance(v, known[k])}
            self._view = type(self._view)(**{**asdict(self._view), **chosen})
