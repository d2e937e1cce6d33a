"""What the window shows besides the session, without Qt: the mode, the lesson and its scene, the views in
front, the playback's speed, the arrangement the layout made.

napari keeps a viewer's state in a Qt-free model that its Qt window draws; this is gradviz's. The main window
reads it and asks it what to do (which scene PageDown opens, which views a scene puts in front), a new window
for the other mode (F5) is built from a copy of it, and lesson navigation is tested without a window.
Each change is told to subscribers as one `Change` of the aspects below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .changes import Change, Emitter
from .view_registry import view_by_key, view_by_word

__all__ = ["WINDOW_ASPECTS", "LessonOnScreen", "WindowModel"]

WINDOW_ASPECTS = (
    "lesson",  # a lesson opened or closed, or another scene shown (the caption, the counter)
    "front",  # the views a scene or a scenario put in front of their tab groups
    "playback",  # the speed, the steps "Run" takes
)


class LessonOnScreen(Protocol):
    """What the window model needs of a lesson being shown (gradviz.lessons.LessonShow)."""

    scene_index: int

    @property
    def scene_count(self) -> int: ...

    def counter(self) -> str: ...


class WindowModel:
    """The window's own state. `presenting` and `rehearsal_size` are fixed for a window (fonts and docks are
    built for a mode): the other mode is another window, made from `other_mode()`."""

    def __init__(self, presenting: bool = False, rehearsal_size: tuple[int, int] | None = None):
        self._emitter = Emitter(known=WINDOW_ASPECTS)
        self.presenting = presenting
        self.rehearsal_size = rehearsal_size  # `--size WxH`: a rehearsal of a screen that size
        self.lesson: LessonOnScreen | None = None  # the guided lesson whose scenes are shown
        self.scene_target: int | None = None  # the scene being opened (PageDown again goes on from it)
        self.preset_name: str | None = None  # the scenario or lesson last opened (the picker starts there)
        self.front: tuple[str, ...] = ()  # keys of the views put in front, in the order they were raised
        self.speed = 20  # steps per second while playing
        self.run_steps = 100  # what "Run" trains
        self.shape: str | None = None  # the arrangement the docks have: "desk", "compact" or "wide"
        self.stepped_aside: set[str] = set()  # keys of the views closed while the runs are on a function
        self._raced: bool | None = None  # whether the session held a race when last told (None: not yet)

    def subscribe(self, callback: Callable[[Change], None]) -> Callable[[], None]:
        return self._emitter.subscribe(callback)

    def other_mode(self) -> WindowModel:
        """The model of the window F5 makes: the other mode, the same lesson at its scene, the same views in
        front, speed and steps; the arrangement is the new window's to make."""
        other = WindowModel(not self.presenting, self.rehearsal_size)
        other.lesson, other.preset_name, other.front = self.lesson, self.preset_name, self.front
        other.speed, other.run_steps = self.speed, self.run_steps
        return other

    # ------------------------------------------------------------------ lessons
    def show_lesson(self, show: LessonOnScreen, name: str) -> None:
        """A built lesson is on screen (at `show.scene_index` once the scene arrives)."""
        self.lesson, self.preset_name, self.scene_target = show, name, None
        self._emitter.mark("lesson")

    def close_lesson(self) -> None:
        """The session stays as the scene left it; the caption and the counter go."""
        self.lesson = self.scene_target = None
        self._emitter.mark("lesson")

    def open_scene(self, k: int) -> int | None:
        """Scene `k` (0-based, clamped to the lesson) is being opened: its index (None: no lesson)."""
        if self.lesson is None:
            return None
        self.scene_target = max(0, min(int(k), self.lesson.scene_count - 1))
        return self.scene_target

    def arrive_at_scene(self, k: int) -> None:
        """The session holds scene `k`'s state: it is the scene shown, with no views in front yet."""
        if self.lesson is None:
            return
        with self._emitter.batch():
            self.scene_target = None
            self.lesson.scene_index = k
            self.front = ()
            self._emitter.mark("lesson", "front")

    def scene_after(self, direction: int, opening: bool) -> int | None:
        """The scene PageDown (1) or PageUp (−1) opens: the one after (or before) the scene shown, or the
        one still `opening`; None at either end, or without a lesson."""
        if self.lesson is None:
            return None
        at = self.scene_target if opening and self.scene_target is not None else self.lesson.scene_index
        k = at + direction
        return k if 0 <= k < self.lesson.scene_count else None

    def last_scene(self) -> int | None:
        return None if self.lesson is None else self.lesson.scene_count - 1

    def counter(self) -> str | None:
        """ "scene 3 / 9" for the toolbar (None: no lesson)."""
        return None if self.lesson is None else f"scene {self.lesson.counter()}"

    # ------------------------------------------------------------------ views
    def bring_to_front(self, view: str | None, keep: bool = False) -> str | None:
        """Put `view` (a lesson's word, "residuals", or a key, "lossSurface") in front of its tab group: its
        key (None: no such view). `keep`: the views raised before stay in front too, each in its group."""
        spec = view_by_word(view or "") or view_by_key(view or "")
        kept = self.front if keep else ()
        self.front = kept if spec is None else (*kept, spec.key)
        self._emitter.mark("front")
        return None if spec is None else spec.key

    def race_began(self, runs: int) -> bool:
        """Told how many runs the session holds: True when a race has just begun (its table comes to the
        front); a window that opens on a race leaves the arrangement's choice alone."""
        began = self._raced is False and runs > 1
        self._raced = runs > 1
        return began

    # ------------------------------------------------------------------ playback
    def set_playback(self, speed: int | None = None, run_steps: int | None = None) -> None:
        if speed is not None:
            self.speed = speed
        if run_steps is not None:
            self.run_steps = run_steps
        self._emitter.mark("playback")
