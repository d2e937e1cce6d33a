"""Session files: the data set, every setting and the seed, as versioned JSON.

Training is deterministic, so a session stores the step reached rather than the weights;
loading re-runs those steps. Files are written atomically (a temporary file renamed over
the target), and a corrupt or newer file raises `SessionFileError` (a ValueError) saying
what is wrong, so the caller keeps whatever it had.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._files import _TooLarge, read_text_limited, write_text_atomic
from .datasets import Dataset, Recipe
from .settings import Settings

__all__ = ["SessionFileError", "SessionData", "save_session", "load_session", "SCHEMA_VERSION", "MAX_STEPS"]

SCHEMA_VERSION = 1
FORMAT = "gradviz-session"
MAX_STEPS = 1_000_000
MAX_FILE_BYTES = 64 * 2**20


class SessionFileError(ValueError):
    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(self.path).name}: {reason}")


@dataclass(frozen=True)
class SessionData:
    dataset: Dataset
    settings: Settings
    step: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # free-form view state (slice, selection, …)


def session_to_dict(data: SessionData) -> dict[str, Any]:
    ds = data.dataset
    return {
        "format": FORMAT,
        "version": SCHEMA_VERSION,
        "dataset": {
            "name": ds.name,
            "task": ds.task,
            "n_classes": ds.n_classes,
            "class_names": list(ds.class_names),
            "X": ds.X.tolist(),
            "targets": ds.targets.tolist(),
            "recipe": ds.recipe.to_dict() if ds.recipe is not None else None,
        },
        "settings": data.settings.to_dict(),
        "step": int(data.step),
        "extra": data.extra,
    }


def _recipe(doc) -> Recipe | None:
    """How the data were generated (files written before it was kept have none)."""
    if doc is None:
        return None
    if not isinstance(doc, dict) or set(doc) - {"name", "n_samples", "noise", "classes", "seed"}:
        raise ValueError("its recipe must be an object with name, n_samples, noise, classes and seed")
    return Recipe(**doc)


SESSION_SUFFIX = ".gradviz.json"


def session_path(path: str | os.PathLike) -> Path:
    """Where a session named `path` is saved: a name without an extension gets .gradviz.json."""
    path = Path(path)
    return path if path.suffix else path.with_name(path.name + SESSION_SUFFIX)


def save_session(path: str | os.PathLike, data: SessionData) -> Path:
    """Write the session; returns the path written (see session_path)."""
    path = session_path(path)
    text = json.dumps(session_to_dict(data), indent=1, allow_nan=False)
    write_text_atomic(path, text + "\n")
    return path


def load_session(path: str | os.PathLike) -> SessionData:
    try:
        text = read_text_limited(path, MAX_FILE_BYTES)
    except _TooLarge as exc:
        raise SessionFileError(path, f"too large for a session file ({exc.size / 1e6:.1f} MB)") from None
    except UnicodeDecodeError:
        raise SessionFileError(path, "not a text file (it is not UTF-8)") from None
    except OSError as exc:
        raise SessionFileError(path, f"cannot be read: {exc.strerror or exc}") from None
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise SessionFileError(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except ValueError as exc:
        raise SessionFileError(path, str(exc)) from None
    return session_from_dict(doc, path)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed in a session file (numbers must be finite)")


def session_from_dict(doc: Any, path: str | os.PathLike = "<session>") -> SessionData:
    def fail(reason: str):
        raise SessionFileError(path, reason)

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        fail('not a gradviz session file (no "format": "gradviz-session")')
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        fail(f"the schema version must be a whole number ≥ 1, got {version!r}")
    if version > SCHEMA_VERSION:
        fail(f"written by a newer gradviz (schema version {version}); this one reads up to version {SCHEMA_VERSION}")
    for key in ("dataset", "settings"):
        if not isinstance(doc.get(key), dict):
            fail(f"the {key!r} section is missing or not an object")
    ds = doc["dataset"]
    try:
        X = np.asarray(ds["X"], dtype=float)
        targets = np.asarray(ds["targets"], dtype=float)
        dataset = Dataset(
            X,
            targets,
            str(ds.get("task", "regression")),
            int(ds.get("n_classes", 0)),
            str(ds.get("name", "")),
            tuple(str(n) for n in ds.get("class_names", ())),
            _recipe(ds.get("recipe")),
        )
    except KeyError as exc:
        fail(f"the data set has no {exc.args[0]!r}")
    except (TypeError, ValueError) as exc:
        fail(f"the data set is invalid: {exc}")
    try:
        settings = Settings.from_dict(doc["settings"])
    except (TypeError, ValueError) as exc:
        fail(f"the settings are invalid: {exc}")
    try:
        settings.make_model(dataset)
    except ValueError as exc:
        fail(f"the settings do not fit the data: {exc}")
    step = doc.get("step", 0)
    if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step <= MAX_STEPS:
        fail(f"step must be a whole number from 0 to {MAX_STEPS:,}, got {step!r}")
    extra = doc.get("extra", {})
    if not isinstance(extra, dict):
        fail("'extra' must be an object")
    return SessionData(dataset, settings, step, extra)
