"""The window's file commands: sessions, scenarios, data and exports in and out, the autosave offered back,
files dropped onto the window. What a file holds and what goes wrong in reading or writing it is the
session's (it says so in one sentence); this part asks the user where, and about unsaved work."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state.file_read import FileRead, is_big
from gradviz.state.replay import Replay

from .long_job import SLICE_S
from .recent import remember_file

__all__ = ["FileCommands", "SESSION_FILTER"]

SESSION_FILTER = "gradviz sessions (*.gradviz.json *.json);;All files (*)"
CSV_FILTER = "CSV files (*.csv);;All files (*)"
# a session, a data set or a lesson dropped onto the window: one local file, a .json, .csv or .toml
_DROPPED_KINDS = {".json": "session", ".csv": "data", ".toml": "lesson"}


class FileCommands(QObject):
    def __init__(self, window):
        super().__init__(window)
        self._window = window
        self.session = window.session

    def _name(self, what: str, ext: str) -> str:
        """A default file name: the scenario's, what it is, the step."""
        preset = self._window.model.preset_name or "session"
        return f"{preset}{what}-step{self.session.current_step}{ext}"

    def ask_path(self, save: bool, title: str, default: str, filters: str, handler) -> None:
        """Ask for a file name, then hand it to `handler` (which says what went wrong, if anything)."""
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = dialog(self._window, title, default, filters)
        if path:
            handler(path)

    # ------------------------------------------------------------------ in
    def open_session(self) -> None:
        if self.may_discard():
            self.ask_path(False, "Open session", "", SESSION_FILTER, self.open_file)

    def open_file(self, path: str, on_done=None) -> None:
        """Open a session file: read (a large one in another process, the window live), then replayed in slices."""
        what = f"Opening {os.path.basename(path)}"
        if not is_big(path):
            replay = self.session.replay_file(path)  # None: the session said why
            if replay is not None:
                remember_file("session", path)
                self.open_replay(replay, what, on_done)
            return
        read = FileRead(path)

        def replay_when_read() -> Replay | None | float:
            if not read.wait(SLICE_S):
                return 0.0
            replay = self.session.replay_read(read.result)  # None: the session said why
            if replay is not None:
                remember_file("session", path)
            return replay

        self._start_replay(replay_when_read, what, on_done, cancel=read.cancel)

    def open_recent(self, kind: str, path: str) -> None:
        """File › Open recent: a session (after asking about unsaved work) or a data set; Lessons › a lesson file."""
        if kind == "data":
            self.import_data(path)
        elif kind == "lesson":
            self._window.lessons.open_lesson(path)
        elif self.may_discard():
            self.open_file(path)

    def import_data(self, path: str) -> bool:
        """A CSV as the data set (undoable); remembered in File › Open recent when it opened."""
        if not self.session.import_csv(path):
            return False
        remember_file("data", path)
        return True

    def import_csv(self) -> None:
        self.ask_path(False, "Import data", "", CSV_FILTER, self.import_data)

    def open_preset(self, name: str) -> None:
        """Open a prepared scenario in this window (after asking about unsaved work)."""
        if not self.may_discard():
            return
        try:
            replay = self.session.replay(load_preset(name))
        except ValueError as exc:
            self._window.say(f"Could not open the scenario: {exc}", "error")
            return
        self.open_replay(replay, f"Opening {name}")
        self._window.model.preset_name = name

    def open_replay(self, replay, what: str, on_done=None, quiet: bool = False) -> None:
        """Re-run a saved session's steps in slices (the window stays live; Esc drops it, changing
        nothing); `on_done()` once it is the window's session. Another session than a lesson's scene
        (not `quiet`) ends the lesson."""
        self._start_replay(lambda: replay, what, on_done, quiet)

    def _start_replay(self, get_replay, what: str, on_done=None, quiet: bool = False, cancel=None) -> None:
        """`open_replay` of what `get_replay()` gives once it has it: the Replay, None (nothing to open:
        the job ends) or, while it is not there yet, a number (still coming)."""
        w = self._window
        held = []

        def work() -> float | None:
            if not held:
                got = get_replay()
                if got is None or isinstance(got, Replay):
                    held.append(got)
                if not held:
                    return 0.0
            replay = held[0]
            if replay is None:
                return None
            done = replay.advance(SLICE_S)
            if done is None:
                replay.commit()
                w.bring_to_front(replay.data.extra.get("front"))
                if not quiet and w.model.lesson is not None:
                    w.lessons.close_lesson()
                if on_done is not None:
                    on_done()
            return done

        def cancelled() -> None:
            if cancel is not None:
                cancel()
            if not quiet:
                w.say(f"{what}: cancelled, nothing changed.", "warning")

        w.jobs.start(what, work, on_cancel=cancelled)

    def offer_recovery(self, path) -> None:
        """gradviz ended without closing while this autosave was its work: reopen it, delete it, or
        leave it for the next start. Reopened, it counts as unsaved (it is in no file of the user's)."""
        when = time.strftime("%a %d %b at %H:%M", time.localtime(path.stat().st_mtime))
        box = QMessageBox(self._window)
        box.setObjectName("recoveryBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Reopen unsaved work?")
        box.setText(f"gradviz did not close properly. Its unsaved session was autosaved {when}.")
        box.setInformativeText("Reopen it? (Not now keeps it for the next start.)")
        reopen = box.addButton("Reopen", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reopen)
        box.exec()
        if box.clickedButton() is reopen:

            def restored() -> None:
                path.unlink(missing_ok=True)
                self.session.mark_unsaved()

            replay = self.session.replay_file(path)
            if replay is not None:
                self.open_replay(replay, "Reopening the autosaved session", restored)
        elif box.clickedButton() is discard:
            path.unlink(missing_ok=True)

    @staticmethod
    def dropped_file(event) -> str | None:
        """The file a drag carries, if it is one the window opens."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        path = urls[0].toLocalFile()
        return path if os.path.splitext(path.lower())[1] in _DROPPED_KINDS else None

    def open_dropped(self, path: str) -> None:
        self.open_recent(_DROPPED_KINDS[os.path.splitext(path.lower())[1]], path)

    # ------------------------------------------------------------------ out
    def may_discard(self) -> bool:
        """True when nothing unsaved would be lost, or the user saved it or chose to let it go."""
        lost = self.session.unsaved
        if not lost:
            return True
        what = ", ".join(lost[:-1]) + (" and " if len(lost) > 1 else "") + lost[-1]
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self._window,
            "Unsaved work",
            f"{what[0].upper()}{what[1:]} changed since this session was opened or saved. Save it first?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            self.save_session()
            return not self.session.unsaved
        return answer == buttons.Discard

    def save_session(self) -> None:
        self.ask_path(True, "Save session", self._name("", ".gradviz.json"), SESSION_FILTER, self.save_to)

    def save_to(self, path: str) -> None:
        if self.session.save(path):
            remember_file("session", core.session_path(path))

    def export_csv(self) -> None:
        self.ask_path(True, "Export data", "data.csv", CSV_FILTER, self.session.export_csv)

    def export_history(self) -> None:
        name = self._name("-history", ".csv")
        self.ask_path(True, "Export the runs' history", name, CSV_FILTER, self.session.export_history)

    def export_surface(self) -> None:
        """The loss surface's grid as shown (at full resolution), with its axes, as CSV or NPZ."""
        view = self._window.surface_view
        if view is None:
            return
        view.finish_rendering()
        grid = view.shown_grid()
        if grid is None:
            self._window.say("The loss surface is not computed yet.", "warning")
            return
        alphas, betas, S = grid
        labels = tuple(self.session.slice.axis_labels)

        def write(path: str) -> bool:
            done = f"Saved the {len(alphas)} × {len(betas)} loss surface"
            return self.session.write_out(
                path, lambda p: core.save_surface(p, alphas, betas, S, labels), "the loss surface", done
            )

        filters = "NumPy arrays (*.npz);;CSV files (*.csv)"
        self.ask_path(True, "Export the loss surface", self._name("-surface", ".npz"), filters, write)
