"""What the command line asks for, as a session: the data, settings and runs of --preset, --load, --data,
--dataset and their overrides, a lesson's scenes, the runs' history as CSV. No Qt: the window opens
this session (gui/app.py), and `--export-history` needs no window at all."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from gradviz import core
from gradviz.core.fields import HYPERPARAMETER_FIELDS, MAX_RUNS
from gradviz.core.settings import Settings
from gradviz.lessons import LessonShow, build_lesson, find_lesson
from gradviz.presets import load_preset
from gradviz.state import Session

__all__ = ["DEFAULT_PRESET", "export_history", "lesson_from_args", "session_data_from_args"]

DEFAULT_PRESET = "logistic-blobs"


def session_data_from_args(args: argparse.Namespace) -> tuple[core.SessionData, tuple[str, ...]]:
    """Data set, settings and step from --load / --preset / --data / --dataset and overrides,
    and what was asked but could not be honoured (also said on stderr), in words."""
    if args.load:
        data = core.load_session(args.load)
    else:
        data = load_preset(args.preset or DEFAULT_PRESET)
    dataset, settings = data.dataset, data.settings
    if args.data:
        dataset = core.load_csv(args.data)
    elif args.dataset:
        dataset = core.generate(args.dataset, seed=settings.seed if args.seed is None else args.seed)
    if args.function is not None:  # a named function brings its start and a stable η (given ones win)
        settings = settings.with_value("function", args.function)
    changes = {}
    if args.start is not None:
        if not settings.is_function:
            raise ValueError("--start X,Y is where descent on a function starts: give --function too")
        changes["start"] = args.start
    for key in ("model", "loss", "optimizer", "hidden", "seed", "val_fraction"):
        value = getattr(args, key)
        if value is not None:
            changes[key] = value
    if args.optimizer is not None and args.optimizer != settings.optimizer:
        changes["hyperparams"] = {"lr": settings.hyperparams.get("lr", 0.1)}
    for name in ("lr", "weight_decay"):
        if getattr(args, name) is not None:
            changes["hyperparams"] = {**changes.get("hyperparams", settings.hyperparams), name: getattr(args, name)}
    if hasattr(args, "batch_size"):  # given on the command line ("full" is None)
        changes["batch_size"] = args.batch_size
    if args.model is not None and args.loss is None:
        changes["loss"], changes["output"] = core.rules.model_defaults(args.model, dataset)
    if changes:
        settings = Settings.from_dict({**settings.to_dict(), **changes})
    settings, notes = settings.fitted(dataset)
    for note in notes:  # what was asked cannot be honoured: say what is used instead
        print(f"gradviz: {note}", file=sys.stderr)
    settings.make_model(dataset)  # a clear ValueError if the data and the settings do not fit
    if dataset is data.dataset and settings == data.settings:  # as saved: the runs' records stay
        compare = data.compare + _raced(args.compare, settings, dataset)
        return replace(data, step=data.step + args.steps, compare=compare[: MAX_RUNS - 1]), notes
    compare = _raced([_changes_of(c.settings, data.settings) for c in data.compare] + args.compare, settings, dataset)
    return core.SessionData(dataset, settings, data.step + args.steps, data.extra, compare=compare), notes


def _raced(specs: list[dict], first: Settings, dataset: core.Dataset) -> tuple[core.ComparedRun, ...]:
    """The runs --compare asks for (each the first run's settings with its changes), or a ValueError
    that names the one that cannot race."""
    raced = []
    for changes in specs:
        shown = ",".join(f"{k.replace('_', '-')}={v}" for k, v in changes.items())
        settings = first
        try:
            for name, value in changes.items():
                settings = settings.with_value(name, value, dataset)
            settings, _ = settings.fitted(dataset)
        except ValueError as exc:
            raise ValueError(f"--compare {shown}: {exc}") from None
        problem = settings.race_problem(first, dataset)
        if problem:
            raise ValueError(f"--compare {shown}: {problem}")
        raced.append(core.ComparedRun(settings))
    return tuple(raced)


def _changes_of(settings: Settings, first: Settings) -> dict:
    """A raced run of a lesson as changes from its first run, to apply to new first settings."""
    fields = ("optimizer", "loss", "output", "batch_size", "seed")
    changes = {name: getattr(settings, name) for name in fields if getattr(settings, name) != getattr(first, name)}
    if settings.optimizer != first.optimizer or settings.hyperparams != first.hyperparams:
        changes.update({name: settings.get(name) for name in HYPERPARAMETER_FIELDS if settings.applies(name)})
    return changes


def lesson_from_args(args: argparse.Namespace):
    """--lesson NAME|FILE [--scene K]: the lesson with every scene built, at scene K (None: no lesson)."""
    if not args.lesson:
        return None
    lesson = find_lesson(args.lesson)
    if args.scene is not None and args.scene > len(lesson.scenes):
        raise ValueError(f"--scene {args.scene}: {lesson.path.name} has {len(lesson.scenes)} scenes")
    return LessonShow(lesson, build_lesson(lesson), (args.scene or 1) - 1)


def export_history(args: argparse.Namespace) -> int:
    """`--export-history OUT.csv`: the session the options describe, trained, its runs' history written."""
    try:
        data, _ = session_data_from_args(args)
    except (ValueError, OSError) as exc:
        print(f"gradviz: {exc}", file=sys.stderr)
        return 2
    session = Session(data.dataset, data.settings)
    said = []
    session.subscribe(lambda change: said.extend(change.notes))
    session.apply_session(data)
    if not session.export_history(args.export_history):
        print(f"gradviz: {said[-1].text}", file=sys.stderr)
        return 2
    return 0
