"""Saving and opening a session: the data, the settings, the step, and what the views share.

Besides what core's session files hold, the "extra" part keeps the selection, the slice of
parameter space and the view options, so that a prepared lecture reopens as it was left. A
part that no longer fits (a slice of another model) is skipped with a note, never an error.
"""

from __future__ import annotations

import os
from dataclasses import asdict, fields

from gradviz import core

__all__ = ["session_data", "save", "load", "apply_view_state"]


def session_data(session, extra: dict | None = None) -> core.SessionData:
    sl = session.slice
    view = {
        "selected": session.selected,
        "slice": {"mode": sl.mode, "labels": list(sl.axis_labels) if sl.mode == "axes" else None, "seed": sl.seed},
        "view": asdict(session.view),
    }
    return core.SessionData(session.source_dataset, session.settings, session.current_step, {**view, **(extra or {})})


def save(session, path: str | os.PathLike, extra: dict | None = None) -> bool:
    try:
        core.save_session(path, session_data(session, extra))
    except (OSError, ValueError) as exc:
        session._say("error", f"Could not save the session: {exc}")
        return False
    session._say("info", f"Saved session to {os.path.basename(path)}")
    return True


def load(session, path: str | os.PathLike) -> core.SessionData | None:
    try:
        data = core.load_session(path)
    except ValueError as exc:
        session._say("error", f"Could not open the session: {exc}. Nothing was changed.")
        return None
    session.apply_session(data)
    return data


def apply_view_state(session, extra: dict) -> None:
    """Restore the saved selection, slice and view options; a part that does not fit is skipped."""
    selected = extra.get("selected")
    if not (
        isinstance(selected, int)
        and not isinstance(selected, bool)
        and 0 <= selected < session.source_dataset.n_samples
    ):
        selected = None
    sl = None
    spec = extra.get("slice")
    if isinstance(spec, dict):
        labels = spec.get("labels")
        try:
            mode = str(spec.get("mode", "axes"))
            path = session.trainer.params_path(session.current_step)[1] if mode == "pca" else None
            sl = core.make_slice(
                mode,
                session.model.spec,
                session.params,
                labels=tuple(labels) if isinstance(labels, list) and len(labels) == 2 else None,
                seed=core.LIMITS["seed"].check(spec.get("seed", 0)),
                path=path,
            )
        except (ValueError, TypeError) as exc:
            session._say("info", f"The saved slice was skipped: {exc}")
    session._set_restored(selected, sl, _view_options(session, extra.get("view")))


def _view_options(session, saved):
    if not isinstance(saved, dict):
        return None
    current = session.view
    known = {f.name: type(getattr(current, f.name)) for f in fields(current)}
    chosen = {k: v for k, v in saved.items() if k in known and isinstance(v, known[k])}
    return type(current)(**{**asdict(current), **chosen})
