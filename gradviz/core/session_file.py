"""Session files: the data set, every setting, the runs' records and the step, as versioned JSON.

Training is deterministic, so a session stores how its run was made (its start parameters and
what was in force from which step on: core.run_record) rather than every step's weights; opening
re-runs it and every step of the timeline is what it was, bit for bit. Version 1 files (no run
record) still open: they replay their steps with the saved settings, as they always did.
Version 3 adds the runs raced beside the first ("compare": each one's settings and record);
version 2 files hold one run.

Reading is bounded before parsing (a regular file, a size, a nesting depth), and every field is
checked before it becomes a number or an array (core.doc_reader): a bad file raises
`SessionFileError` (a ValueError) with one sentence naming the file and the field, and the
caller keeps what it had. Files are written atomically (beside the target, then renamed).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._files import UnreadableFile, read_text_limited, write_text_atomic
from .datasets import GENERATORS, TASKS, Dataset, Recipe
from .doc_reader import Doc, DocError, read_document
from .expression import MAX_LENGTH, FunctionError
from .fields import FIELDS, MAX_RUNS
from .function_model import START_LIMIT
from .functions import make_function
from .limits import LIMITS, MAX_CLASSES, MAX_FEATURES, MAX_SAMPLES, MAX_STEPS
from .optimizers import OPTIMIZERS
from .rules import HIDDEN_ACTIVATIONS, LOSS_NAMES, MODEL_KINDS, OUTPUTS
from .run_record import RunRecord, read_hyperparams
from .settings import Settings

__all__ = [
    "SessionFileError",
    "SessionData",
    "ComparedRun",
    "save_session",
    "load_session",
    "session_path",
    "SCHEMA_VERSION",
    "SESSION_SUFFIX",
    "MAX_STEPS",
]

SCHEMA_VERSION = 3  # 3: runs raced beside the first ("compare"); 2: the run's record ("run"); 1: data, settings, step
FORMAT = "gradviz-session"
MAX_FILE_BYTES = 64 * 2**20


class SessionFileError(ValueError):
    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(self.path).name}: {reason}")


@dataclass(frozen=True)
class ComparedRun:
    """A run raced beside the first: its own settings (on the first run's model) and its record."""

    settings: Settings
    run: RunRecord | None = None  # None: train from the first run's start parameters with `settings`


@dataclass(frozen=True)
class SessionData:
    dataset: Dataset
    settings: Settings
    step: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # free-form view state (slice, selection, …)
    run: RunRecord | None = None  # how the run was made; None: replay `step` steps with `settings`
    compare: tuple[ComparedRun, ...] = ()  # the runs raced beside the first, in order


def session_to_dict(data: SessionData) -> dict[str, Any]:
    ds = data.dataset
    doc = {
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
    if data.run is not None:
        doc["run"] = _run_doc(data.run, data.settings, ds)
    if data.compare:
        doc["compare"] = [
            {"settings": c.settings.to_dict(), **({"run": _run_doc(c.run, c.settings, ds)} if c.run else {})}
            for c in data.compare
        ]
    return doc


def _run_doc(run: RunRecord, settings: Settings, ds: Dataset) -> dict:
    return run.to_doc(settings.training_arrays(ds))


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
    except UnreadableFile as exc:
        raise SessionFileError(path, exc.reason) from None
    try:
        return read_document(text, lambda doc: _read(Doc(doc)))
    except DocError as exc:
        raise SessionFileError(path, str(exc)) from None


def session_from_dict(doc: Any, path: str | os.PathLike = "<session>") -> SessionData:
    """Check and read a parsed session file; SessionFileError names the field that is wrong."""
    try:
        return _read(Doc(doc))
    except DocError as exc:
        raise SessionFileError(path, str(exc)) from None


_TOP = (
    "format",
    "version",
    "title",
    "description",
    "dataset",
    "settings",
    "step",
    "extra",
    "run",
    "compare",
)  # a lesson has a title


def _read(doc: Doc) -> SessionData:
    if not isinstance(doc.value, dict) or doc.value.get("format") != FORMAT:
        raise DocError("", 'not a gradviz session file (no "format": "gradviz-session")')
    doc.obj(_TOP)
    version = doc["version"].integer(LIMITS["steps"])
    if version > SCHEMA_VERSION:
        raise DocError(
            "", f"written by a newer gradviz (version {version}); this one reads up to version {SCHEMA_VERSION}"
        )
    if version < 1:
        raise doc["version"].fail(f"must be from 1 to {SCHEMA_VERSION}, not {version}")
    doc.get("title", "").text(max_len=200)
    doc.get("description", "").text(max_len=2000)
    dataset = _dataset(doc["dataset"])
    settings = _settings(doc["settings"])
    try:
        model = settings.make_model(dataset)
    except ValueError as exc:
        raise DocError("settings", f"do not fit the data: {exc}") from None
    step = doc.get("step", 0).integer(LIMITS["steps"])
    extra = doc.get("extra", {})
    extra.obj()
    run = _run(doc, dataset, settings, model) if version >= 2 else None
    compare = ()
    if "compare" in doc and version >= 3:
        entries = doc["compare"].elements(max_len=MAX_RUNS - 1)
        compare = tuple(_compared(entry, dataset, settings) for entry in entries)
    records = [r for r in (run, *(c.run for c in compare)) if r is not None]
    if records and step > max(r.last_step for r in records):
        last = max(r.last_step for r in records)
        raise doc["step"].fail(f"must be at most the runs' last step, {last:,}, not {step:,}")
    return SessionData(dataset, settings, step, extra.value, run, compare)


def _run(doc: Doc, dataset: Dataset, settings: Settings, model) -> RunRecord | None:
    """A run's record, checked against its model and the data (None if the file has none)."""
    if "run" not in doc:
        return None
    current = settings.training_arrays(dataset)
    return RunRecord.from_doc(doc["run"], model.spec, current, MAX_STEPS)


def _compared(entry: Doc, dataset: Dataset, first: Settings) -> ComparedRun:
    entry.obj(("settings", "run"))
    settings = _settings(entry["settings"])
    try:
        model = settings.make_model(dataset)
    except ValueError as exc:
        raise entry["settings"].fail(f"do not fit the data: {exc}") from None
    problem = settings.race_problem(first, dataset)
    if problem:
        raise entry["settings"].fail(f"cannot race the first run: {problem}")
    return ComparedRun(settings, _run(entry, dataset, settings, model))


_DATASET = ("name", "task", "n_classes", "class_names", "X", "targets", "recipe")


def _dataset(ds: Doc) -> Dataset:
    ds.obj(_DATASET)
    X = ds["X"].matrix(max_rows=MAX_SAMPLES)
    if X.shape[0] == 0:
        raise ds["X"].fail("holds no points; a data set needs at least one")
    if not 1 <= X.shape[1] <= MAX_FEATURES:
        raise ds["X"].fail(f"has {X.shape[1]} features per point; from 1 to {MAX_FEATURES} are allowed")
    targets = ds["targets"].vector(length=X.shape[0])
    task = ds.get("task", "regression").text(TASKS)
    n_classes = ds.get("n_classes", 0).integer(LIMITS["classes"], extra=(0,))
    names = ds.get("class_names", [])
    class_names = tuple(entry.text(max_len=80) for entry in names.elements(max_len=MAX_CLASSES))
    name = ds.get("name", "").text(max_len=200)
    recipe = None if ds.get("recipe").is_null() else _recipe(ds["recipe"])
    try:
        return Dataset(X, targets, task, n_classes, name, class_names, recipe)
    except ValueError as exc:
        raise ds.fail(str(exc)) from None


def _recipe(doc: Doc) -> Recipe:
    """How the data were generated (files written before it was kept have none)."""
    doc.obj(("name", "n_samples", "noise", "classes", "seed"))
    classes = doc.get("classes")
    return Recipe(
        doc["name"].text(GENERATORS),
        doc["n_samples"].integer(LIMITS["n_samples"]),
        doc["noise"].number(LIMITS["noise"]),
        None if classes.is_null() else classes.integer(LIMITS["classes"]),
        doc.get("seed", 0).integer(LIMITS["seed"]),
    )


def _settings(doc: Doc) -> Settings:
    """Every field checked for its kind and range before the settings check how they go together."""

    doc.obj(Settings.__dataclass_fields__)
    values: dict[str, Any] = {}
    for key, choices in (
        ("model", MODEL_KINDS),
        ("loss", LOSS_NAMES),
        ("hidden_activation", HIDDEN_ACTIVATIONS),
        ("optimizer", OPTIMIZERS),
    ):
        if key in doc:
            values[key] = doc[key].text(choices)
    if "output" in doc:
        values["output"] = None if doc["output"].is_null() else doc["output"].text(OUTPUTS)
    if "hidden" in doc:
        values["hidden"] = doc["hidden"].integer(FIELDS["hidden"].limit)
    if "seed" in doc:
        values["seed"] = doc["seed"].integer(LIMITS["seed"])
    if "batch_size" in doc:
        batch = doc["batch_size"]
        if isinstance(batch.value, str):
            raise batch.fail(f"must be a whole number, or null for the full batch, not the text {batch.value!r}")
        values["batch_size"] = None if batch.is_null() else batch.integer(LIMITS["batch_size"])
    if "val_fraction" in doc:
        values["val_fraction"] = doc["val_fraction"].number(LIMITS["val_fraction"])
    if "hyperparams" in doc:
        values["hyperparams"] = read_hyperparams(doc["hyperparams"])
    if "function" in doc:  # read by the same parser as typed formulas: refused the same way
        values["function"] = None if doc["function"].is_null() else doc["function"].text(max_len=MAX_LENGTH)
        try:
            make_function(values["function"] or "x")
        except FunctionError as exc:
            raise doc["function"].fail(str(exc)) from None
    if "start" in doc:
        values["start"] = None if doc["start"].is_null() else tuple(doc["start"].vector(2, limit=START_LIMIT))
    try:
        return Settings(**values)
    except ValueError as exc:
        raise doc.fail(str(exc)) from None
