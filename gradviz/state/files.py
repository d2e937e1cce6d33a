"""Saving and opening a session: the data, the settings, the step, and what the views share.

Besides what core's session files hold, the "extra" part keeps the selection, the slice of
parameter space and the view options, so that a prepared lecture reopens as it was left. A
part that no longer fits (a slice of another model) is skipped with a note, never an error.
"""

from __future__ import annotations

import os
from dataclasses import asdict, fields

from gradviz import core
from gradviz.core.history_csv import thinned_every

from .replay import Replay

__all__ = ["SessionFiles"]


class SessionFiles:
    def __init__(self, session, say):
        self._session = session
        self._say = say  # the session's: a note to the user

    def session_data(self, extra: dict | None = None) -> core.SessionData:
        session = self._session
        sl = session.slice
        view = {
            "selected": session.selected,
            "slice": {
                "mode": sl.mode,
                "labels": list(sl.axis_labels) if sl.mode == "axes" else None,
                "seed": sl.seed,
                "pinned": session.slice_pinned,
            },
            "view": asdict(session.view),
        }
        runs = session.runs
        if len(runs) > 1:
            view["runs"] = {
                "names": [r.given_name for r in runs],
                "visible": [r.visible for r in runs],
                "focus": session.focus_index,
            }
        budget = core.SNAPSHOT_BYTES // len(runs)  # the runs' saved timelines share one file's budget
        records = [core.record_run(r.trainer, max_bytes=budget) for r in runs]
        return core.SessionData(
            session.source_dataset,
            runs[0].settings,
            session.current_step,
            {**view, **(extra or {})},
            records[0],
            tuple(core.ComparedRun(r.settings, rec) for r, rec in zip(runs[1:], records[1:], strict=True)),
        )

    def save(self, path: str | os.PathLike, extra: dict | None = None) -> bool:
        target = core.session_path(path)  # a name without an extension gets .gradviz.json
        write = lambda p: core.save_session(p, self.session_data(extra))  # noqa: E731
        if not self.write_out(target, write, "the session", "Saved session", verb="save"):
            return False
        self._session.mark_saved()
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
        return self.replay_read(lambda: core.load_session(path))

    def replay_read(self, read) -> Replay | None:
        """`read()`'s session (a file read elsewhere, `FileRead.result`) made ready to replay; None (and a
        message) if it raised ValueError."""
        try:
            return self.replay(read())
        except ValueError as exc:
            self._say("error", f"Could not open the session: {exc}. Nothing was changed.")
            return None

    def replay(self, data: core.SessionData) -> Replay:
        """`data` rebuilt beside this session: advance it, then commit it (or drop it to cancel)."""
        return Replay(self._session, data)

    def apply_session(self, data: core.SessionData) -> None:
        """Replace everything with a saved session at once (its steps re-run, its view state restored)."""
        replay = self.replay(data)
        replay.advance()
        replay.commit()

    def apply_view_state(self, extra: dict) -> None:
        """The saved selection, slice and view options; a part that does not fit is skipped."""
        session = self._session
        selected = extra.get("selected")
        if isinstance(selected, int) and not isinstance(selected, bool):
            session.select(selected)  # (out of range: none)
        spec = extra.get("slice")
        if isinstance(spec, dict):
            labels = spec.get("labels")
            try:
                coordinates = session.make_slice(
                    str(spec.get("mode", "axes")),
                    labels=tuple(labels) if isinstance(labels, list) and len(labels) == 2 else None,
                    seed=core.LIMITS["seed"].check(spec.get("seed", 0)),
                )
                session.plane.place(coordinates, pinned=spec.get("pinned") is True)
            except (ValueError, TypeError) as exc:
                self._say("info", f"The saved slice was skipped: {exc}")
        saved = extra.get("view")
        if isinstance(saved, dict):
            known = {f.name: type(getattr(session.view, f.name)) for f in fields(session.view)}
            session.set_view(**{k: v for k, v in saved.items() if k in known and isinstance(v, known[k])})

    # ------------------------------------------------------------------ writing out
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
        source = self._session.source_dataset
        return self.write_out(path, lambda p: core.save_csv(source, p), "the data", f"Saved {source.n_samples} points")

    def export_history(self, path: str | os.PathLike) -> bool:
        """Every run's recorded steps as CSV (core.history_csv); False, with a message, if it cannot be written."""
        runs = [(r.name, r.trainer) for r in self._session.runs]
        rows = sum(len(t.history()) for _, t in runs)
        every = max(thinned_every(t) for _, t in runs)
        thinned = f" (one row every {every} steps: a long run's history is thinned)" if every > 1 else ""
        done = f"Saved {rows:,} steps of {len(runs)} run{'s' if len(runs) > 1 else ''}{thinned}"
        return self.write_out(path, lambda p: core.save_history_csv(p, runs), "the history", done)
