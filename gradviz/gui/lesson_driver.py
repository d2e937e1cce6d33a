"""Guided lessons in the window: opening one (built aside, in slices), moving through its scenes, the
caption and the counter. Which scene comes next and what is in front is the window model's
(gradviz.state.window_model); this part opens the scenes' states and arranges the docks for them."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from gradviz.lessons import LessonBuild, LessonError, LessonShow, find_lesson, lessons_dir, list_lessons
from gradviz.presets import list_presets
from gradviz.state.view_registry import view_by_word

from . import layout
from .lesson_picker import Entry, LessonPicker
from .long_job import SLICE_S
from .recent import remember_file

__all__ = ["LessonDriver"]


class LessonDriver(QObject):
    """The window's lesson commands (Lessons menu, PageDown / PageUp, Home / End in a lesson)."""

    def __init__(self, window):
        super().__init__(window)
        self._window = window
        self.model = window.model

    def open_lesson(self, name_or_path: str, scene: int = 0) -> None:
        """A guided lesson (a shipped one's name or a file): every scene is built first, off to the side
        (in slices; Esc cancels, and a lesson that cannot be shown is one line: nothing changes), then
        it is presented from scene `scene` (0-based), after asking about unsaved work."""
        w = self._window

        def refuse(exc: LessonError) -> None:
            w.say(f"Could not open the lesson: {exc}. Nothing was changed.", "error")

        try:
            lesson = find_lesson(name_or_path)
        except LessonError as exc:
            refuse(exc)
            return
        build = LessonBuild(lesson)

        def work() -> float | None:
            try:
                done = build.advance(SLICE_S)
            except LessonError as exc:
                refuse(exc)
                return None
            if done is None:  # built: asked about unsaved work once the job has ended (a dialog inside it would nest)
                QTimer.singleShot(0, lambda: self._offer(LessonShow(lesson, build.states, scene)))
            return done

        w.jobs.start(f"Preparing {lesson.title}", work, on_cancel=lambda: w.say("Lesson not opened.", "warning"))

    def _offer(self, show: LessonShow) -> None:
        if show.lesson.path.parent != lessons_dir():
            remember_file("lesson", show.lesson.path)
        if self._window.files.may_discard():
            self.present(show)

    def ask_lesson_file(self) -> None:
        """Lessons › Open a lesson file…"""
        self._window.files.ask_path(
            False, "Open a lesson", "", "gradviz lessons (*.toml);;All files (*)", self.open_lesson
        )

    def present(self, show: LessonShow):
        """Show a built lesson at its scene, in presentation mode (F5's window if this one is not
        presenting); returns the window that shows it."""
        w = self._window
        window = w if w.model.presenting else w.toggle_presentation()
        window.model.show_lesson(show, show.lesson.name)
        window.lessons.show_scene(show.scene_index)
        return window

    def show_scene(self, k: int) -> None:
        """Scene k (0-based) of the lesson: its state opened (a replay, in slices), its views in front,
        its caption under them. Whatever happened in the scene before is not carried over."""
        w = self._window
        k = self.model.open_scene(k)
        if k is None:
            return
        state = self.model.lesson.states[k]
        w.playback.pause()
        w.blackout.set_on(False)
        w.files.open_replay(w.session.replay(state.data), f"Scene {k + 1}", lambda: self.arrive_at_scene(k), quiet=True)

    def arrive_at_scene(self, k: int) -> None:
        """The session holds scene k's state: its views in front, its caption and counter shown."""
        show = self.model.lesson
        self.model.arrive_at_scene(k)
        # the sharpness the next scenes talk about, computed while this one is shown
        self._window.curvature_feed.compute_ahead(
            [inputs for later in show.states[k + 1 :] for inputs in later.spectra_ahead]
        )
        self.arrange_scene()
        if show.state.stopped:  # it diverged there: the step that fails says so again, with its fix
            self._window.session.step(1)

    def arrange_scene(self) -> None:
        """The docks as the scene shown wants them: the default arrangement (whatever was moved in the
        scene before), its views in front, the one it enlarges given its column (once laid out)."""
        w = self._window
        state = self.model.lesson.state
        self.model.bring_to_front(None)
        layout.default_sizes(w)
        if "3-d surface" in state.front:
            layout.open_beside_surface(w, w.docks[view_by_word("3-d surface").dock])
        for name in (*state.front, *state.scene.views_pointed_at):
            w.bring_to_front(name, keep=True)
        w.build_deferred_views()  # the derivation keeps the line the caption points at in sight
        w.derivation_view.keep_in_sight(state.scene.derivation_line)
        if state.large:
            dock = w.docks[view_by_word(state.large).dock]
            QTimer.singleShot(0, lambda: self.model.lesson is not None and layout.enlarge(w, dock))

    def move_scene(self, direction: int) -> None:
        """PageDown (1) / PageUp (−1): the next or the scene before (from the one being opened, if any)."""
        if self.model.lesson is None:
            self._window.say("No lesson is open: Lessons › choose one (PageDown then moves through its scenes).")
            return
        k = self.model.scene_after(direction, opening=self._window.jobs.running)
        if k is not None:
            self.show_scene(k)

    def close_lesson(self) -> None:
        """Lessons › Close the lesson: the session stays as the scene left it; the caption goes."""
        if self._window.derivation_view is not None:
            self._window.derivation_view.keep_in_sight(None)
        self.model.close_lesson()

    def show_caption(self) -> None:
        """The caption band and the scene counter for the scene shown (hidden without a lesson)."""
        w = self._window
        show = self.model.lesson
        w.caption_band.setVisible(show is not None)
        close = w.actions_by_name.get("closeLessonAction")
        if close is not None:
            close.setEnabled(show is not None)
        w.playback_bar.show_scene_counter(self.model.counter())
        if show is not None:
            w.caption_band.show_scene(show.lesson.title, show.scene)

    def choose(self) -> None:
        """Ctrl+L: a guided lesson or a prepared scenario, from a list the keys drive."""
        w = self._window
        entries = [Entry(f"lesson:{x.name}", x.title, x.description) for x in list_lessons()]
        entries += [Entry(f"preset:{x.name}", x.title, x.description) for x in list_presets()]
        show = self.model.lesson
        current = f"lesson:{show.lesson.name}" if show else f"preset:{self.model.preset_name}"
        picker = LessonPicker(entries, w.theme, w, current=current)
        if picker.exec() and picker.chosen:
            kind, _, name = picker.chosen.partition(":")
            (self.open_lesson if kind == "lesson" else w.files.open_preset)(name)
