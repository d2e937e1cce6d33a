"""Every scene of a lesson built as a state, off to the side, before the lesson is shown.

A scene is a state, not a sequence of clicks: the builder runs the lesson once on a scratch
Session (no window, no Qt), scene after scene, and keeps each scene's state as session data
(`core.SessionData`: data, settings, the runs' records, step, slice, selection, view options).
Showing scene k is opening that state, whichever scene came before, so going back a scene
restores exactly what it showed, and training inside a scene changes nothing of the next one.
Building everything first also means a lesson that cannot be shown (a setting the model does
not admit, a loss it never reaches) is refused when it is opened, not in front of the hall.
The work is done in slices (`advance`), so a window stays live while a long lesson is built.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state import Session, walk_length

from .reader import VIEW_NAMES, Lesson, Place, Scene

__all__ = ["SceneState", "LessonBuild", "LessonShow", "build_lesson"]

SLICE_S = 0.025


@dataclass(frozen=True)
class SceneState:
    scene: Scene
    data: core.SessionData  # what the window's session becomes
    front: tuple[str, ...]  # the views brought to the front, in order (a later one wins its tab group)
    large: str | None  # the view given its whole column (None: the default layout)
    stopped: bool  # every run had diverged: one more step says so again, as it did while building
    # a scene about the curvature: the spectra its view will ask for (the run's sharpness on its stride),
    # as inputs the window computes ahead while earlier scenes are shown
    spectra_ahead: tuple = ()

    @property
    def step(self) -> int:
        return self.data.step


class LessonBuild:
    """The lesson's scene states, built in slices: call `advance` until it returns None."""

    def __init__(self, lesson: Lesson):
        self.lesson = lesson
        self.states: list[SceneState] = []
        self._work = self._build()
        self._done = False

    @property
    def done(self) -> bool:
        return self._done

    def advance(self, seconds: float = math.inf) -> float | None:
        """Build for about `seconds`; the fraction done, or None when every scene is built.
        A scene that cannot be built raises LessonError (one line: file, scene, key)."""
        deadline = time.perf_counter() + seconds
        while not self._done:
            if next(self._work, None) is None:
                self._done = True
                break
            if time.perf_counter() >= deadline:
                break
        if self._done:
            return None
        return len(self.states) / len(self.lesson.scenes)

    def _build(self) -> Iterator[bool]:
        session: Session | None = None
        front: tuple[str, ...] = ()
        large: str | None = None
        for scene in self.lesson.scenes:
            place = Place(self.lesson.path, scene.number)
            kind, name = scene.origin
            if kind != "previous":
                base = _origin_data(self.lesson.path, kind, name, place)
                session = Session(base.dataset, base.settings)
                replay = session.replay(base)
                while replay.advance(SLICE_S) is not None:
                    yield True
                replay.commit()
                saved_front = base.extra.get("front")
                front = (saved_front,) if saved_front in VIEW_NAMES else ()
                large = None
            yield from _apply(session, scene, place)
            front = tuple(name for name in front if name not in scene.front) + scene.front
            if scene.large is not None:
                large = None if scene.large == "none" else scene.large
                front = tuple(name for name in front if name != large) + ((large,) if large else ())
            about_curvature = "curvature" in front or large == "curvature"
            ahead = tuple(session.curvature_jobs_ahead()) if about_curvature else ()
            self.states.append(SceneState(scene, session.session_data(), front, large, session.all_stopped, ahead))
            yield True


def build_lesson(lesson: Lesson) -> list[SceneState]:
    """Every scene's state at once (the CLI, tests; a window builds in slices)."""
    build = LessonBuild(lesson)
    build.advance()
    return build.states


def _origin_data(lesson_path: Path, kind: str, name: str, place: Place) -> core.SessionData:
    try:
        if kind == "preset":
            return load_preset(name)
        path = Path(name).expanduser()
        return core.load_session(path if path.is_absolute() else lesson_path.parent / path)
    except (ValueError, OSError) as exc:
        raise place.error(_sentence(exc), "from") from None


def _sentence(exc: Exception) -> str:
    return str(exc).rstrip(".") or type(exc).__name__


def _admit(session: Session, place: Place, key: str, call, *args, strict: bool = True) -> None:
    """Make one change; what the session refuses (or, `strict`, adjusts and warns about) is the lesson's error."""
    said = []
    unsubscribe = session.subscribe(lambda change: said.extend(n for n in change.notes if n.kind != "info"))
    try:
        ok = call(*args)
    except (TypeError, AttributeError, ArithmeticError) as exc:  # a value of a kind the key never takes
        raise place.error(f"not a value it takes ({_sentence(exc)})", key) from None
    finally:
        unsubscribe()
    errors = [n.text for n in said if n.kind == "error"]
    warnings = [n.text for n in said if n.kind == "warning"]
    problem = errors or (warnings if strict or ok is False else [])
    if problem or ok is False:
        raise place.error(problem[0].rstrip(".") if problem else "not possible here", key)


def _apply(session: Session, scene: Scene, place: Place) -> Iterator[bool]:
    """Scene `scene`'s changes, in the order the docs give: set, data, points, compare, seek, training,
    slice, select, view."""
    for name, value in scene.settings:
        _admit(session, place, f"set › {name}", session.set_value, name, value)
    if scene.data is not None:
        _admit(
            session, place, "data", session.edit_dataset, _dataset(session, scene, place), "lesson data", strict=False
        )
    for i, point in enumerate(scene.add_points, 1):
        _add_point(session, point, place, f"add_points › point {i}")
    for index in sorted(scene.remove_points, reverse=True):  # the indices of the data before the scene
        if index >= session.source_dataset.n_samples:
            raise place.error(
                f"there is no point {index} (the data have {session.source_dataset.n_samples})", "remove_points"
            )
        session.remove_point(index)
    for i, changes in enumerate(scene.compare, 1):
        _admit(session, place, f"compare › run {i}", lambda c=dict(changes): session.add_run(**c))
    if scene.seek is not None:
        if scene.seek > session.last_step:
            raise place.error(f"step {scene.seek:,} is not trained yet (the run is at {session.last_step:,})", "seek")
        session.seek(scene.seek)
    yield from _train(session, scene, place)
    if scene.slice is not None:
        spec = scene.slice
        _admit(session, place, "slice", session.set_slice, spec["mode"], spec.get("axes"), spec.get("seed"))
        if "pinned" in spec:
            session.pin_slice(spec["pinned"])
    if scene.select is not None:
        if scene.select >= session.source_dataset.n_samples:
            raise place.error(
                f"there is no sample {scene.select} (the data have {session.source_dataset.n_samples})", "select"
            )
        session.select(scene.select)
    view = dict(scene.view)
    if view.get("network_walk", 0) > walk_length(session.model.kind == "mlp"):
        raise place.error(
            f"the walk has {walk_length(session.model.kind == 'mlp')} stops on this model", "view › network_walk"
        )
    if view:
        session.set_view(**view)


def _dataset(session: Session, scene: Scene, place: Place) -> core.Dataset:
    spec = dict(scene.data)
    try:
        if "csv" in spec:
            path = Path(spec["csv"]).expanduser()
            return core.load_csv(path if path.is_absolute() else place.path.parent / path)
        name = spec.pop("generate")
        return core.generate(name, seed=spec.pop("seed", session.settings.seed), **spec)
    except (ValueError, OSError, TypeError) as exc:
        raise place.error(_sentence(exc), "data") from None


def _add_point(session: Session, point: tuple[float, ...], place: Place, key: str) -> None:
    d = session.source_dataset.n_features
    if len(point) != d + 1:
        raise place.error(
            f"the data have {d} inputs: a point is [{', '.join(f'x{i + 1}' for i in range(d))}, target]", key
        )
    *x, target = point
    _admit(session, place, key, session.add_point, np.array(x), target, False, strict=False)


def _train(session: Session, scene: Scene, place: Place) -> Iterator[bool]:
    """`train = N` or `until = {…}`: steps taken in slices (a yield between them)."""
    until = scene.until
    if until is None or until.step is not None:
        n = scene.train if until is None else until.step - session.current_step
        if n < 0:
            raise place.error(f"the run is already at step {session.current_step:,}", "until › step")
        while n > 0:
            taken = session.run_for(SLICE_S, max_steps=n)
            n -= taken
            if taken == 0:  # every run stopped (diverged): the scene shows that
                break
            yield True
        return
    taken = 0
    key = f"until › {'diverged' if until.diverged else 'loss_below'}"
    while not _reached(session, until):
        if taken >= until.max_steps:
            raise place.error(_missed(session, until, taken), key)
        if session.step(1) == 0 and not _reached(session, until):  # stopped short of the goal
            raise place.error(_missed(session, until, taken), key)
        taken += 1
        if taken % 64 == 0:
            yield True


def _reached(session: Session, until) -> bool:
    if until.diverged:
        return session.run.trainer.diverged
    return float(session.frame.loss) < until.loss_below


def _missed(session: Session, until, taken: int) -> str:
    objective = session.settings.objective
    if until.diverged:
        return f"training did not diverge in {taken:,} steps (max_steps); a larger η would"
    how = (
        f"after {taken:,} steps (max_steps)"
        if taken >= until.max_steps
        else f"when training stopped at step {session.current_step:,}"
    )
    return f"{objective} = {float(session.frame.loss):.4g} {how}, not below {until.loss_below:g}"


class LessonShow:
    """A lesson on screen (the window's `lesson`): its scenes' states and which one is shown."""

    def __init__(self, lesson: Lesson, states: list[SceneState], scene_index: int = 0):
        if len(states) != len(lesson.scenes):
            raise ValueError("a lesson is shown once every scene is built")
        self.lesson = lesson
        self.states = tuple(states)
        self.scene_index = max(0, min(scene_index, len(states) - 1))

    @property
    def scene_count(self) -> int:
        return len(self.states)

    @property
    def state(self) -> SceneState:
        return self.states[self.scene_index]

    @property
    def scene(self) -> Scene:
        return self.state.scene

    def counter(self) -> str:
        """ "3 / 9": the scene shown, of how many."""
        return f"{self.scene_index + 1} / {self.scene_count}"
