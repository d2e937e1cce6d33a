"""Record a run: the window or one view drawn at each step of a range, into an animated GIF or an MP4.

Frame k shows step start + k: steps already on the timeline are sought, later ones are trained
(the steps taken stay taken, as after Run N steps). Each frame is drawn as a screenshot is (the
views finish what they defer: the full-resolution surface), so the same session always gives the
same frames. In the window a recording runs a frame per event-loop turn behind a window-modal
progress dialog: the window keeps painting (the frames appear as they are drawn), its controls
wait, and Cancel (or Esc) leaves no file. The command line runs the same frames in one go.
"""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressDialog

from .movie import open_movie
from .snapshot import frame_array

__all__ = ["DEFAULT_FPS", "DEFAULT_STEPS", "Recording", "RecordingProgress"]

DEFAULT_STEPS = 60
DEFAULT_FPS = 10


class Recording:
    """Frames of `view` over steps start … start + steps into the movie at `path`. Made only when it
    can be: a ValueError says why not (an unknown view, format or folder, a step not reached yet)."""

    def __init__(self, window, view: str, path: str, start: int, steps: int, fps: float):
        session = window.session
        problem = window.pictures.unknown(view)
        if problem:
            raise ValueError(problem)
        if not 0 <= start <= session.last_step:
            raise ValueError(f"a recording starts at a step the timeline has (0 to {session.last_step}), not {start}")
        if steps < 0:
            raise ValueError(f"a recording takes 0 steps or more, not {steps}")
        self.window, self.view, self.path = window, view, path
        self.start, self.steps, self.fps = start, steps, fps
        self.movie = open_movie(path, fps, steps + 1)
        self.drawn = 0  # frames in the movie so far
        self.was_at = session.current_step  # where the live window goes back to once the frames are drawn
        self.stopped_at: int | None = None  # the step where the run stopped early (it diverged)

    @property
    def frames(self) -> int:
        """The frames asked for: the start and one per step."""
        return self.steps + 1

    def draw_next(self) -> bool:
        """Draw the next frame into the movie; False when there are none left (all drawn, or the run
        stopped before the next step)."""
        session = self.window.session
        target = self.start + self.drawn
        if target <= session.last_step:
            session.seek(target)
        else:
            session.seek(session.last_step)
            session.step(target - session.current_step)
        if session.current_step != target:
            self.stopped_at = session.current_step
            return False
        self.window.finish_rendering()
        self.movie.add(frame_array(self.window.pictures.widget(self.view)))
        self.drawn += 1
        return self.drawn < self.frames

    def finish(self) -> str:
        """Write the file; what was recorded, in words (an OSError if it could not be written)."""
        self.movie.finish()
        name = os.path.basename(self.path)
        title = dict(self.window.pictures.exportable())[self.view]
        what = "the window" if self.view == "window" else f"“{title}”"
        last = self.start + self.drawn - 1
        said = (
            f"Recorded {what}, steps {self.start}–{last}: {self.drawn} frames at {self.fps:g} a second "
            f"({self.drawn / self.fps:.1f} s) in {name}"
        )
        if self.stopped_at is not None:
            said += f". The run stopped at step {self.stopped_at}, before the {self.frames} frames asked for"
        return said

    def discard(self) -> None:
        self.movie.discard()

    def run_all(self) -> str:
        """Every frame now, then the file (the command line); an OSError if it cannot be written."""
        try:
            while self.draw_next():
                pass
        except BaseException:
            self.discard()
            raise
        return self.finish()


class RecordingProgress(QProgressDialog):
    """A recording in the window: one frame per event-loop turn, a progress bar and Cancel in a
    window-modal dialog (the window paints on; its controls wait so the session cannot change under
    the recording). The file is written on a worker thread (a GIF is encoded at the end: most of a
    second at full HD), the window painting meanwhile. Cancelled, or failing, it leaves no file;
    `say(text, kind)` hears how it ended."""

    def __init__(self, recording: Recording, say, parent):
        super().__init__(f"Recording {os.path.basename(recording.path)}…", "Cancel", 0, recording.frames, parent)
        self.setObjectName("recordingProgress")
        self.setWindowTitle("Recording")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.recording = recording
        self._say = say
        self._writer: threading.Thread | None = None
        self._written: list[BaseException | str] = []  # the writer's outcome: what was recorded, or why not
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)  # restarted after each frame: never a frame inside another
        self._timer.timeout.connect(self._next)
        self.canceled.connect(self._cancelled)

    def start(self) -> None:
        self.setValue(0)
        self.show()
        self._timer.start(0)

    def _next(self) -> None:
        if self._writer is not None:
            self._check_written()
            return
        try:
            more = self.recording.draw_next()
        except (OSError, ValueError) as exc:
            self._end(f"The recording failed and was not kept: {exc}", "error", discard=True)
            return
        self.setValue(self.recording.drawn)
        if self.wasCanceled():
            return
        if not more:  # every frame drawn: write the file off the GUI thread
            self.setLabelText(f"Writing {os.path.basename(self.recording.path)}…")
            self.setCancelButton(None)  # a few hundred milliseconds; the file appears whole or not at all
            self._writer = threading.Thread(target=self._write, name="gradviz-recording", daemon=True)
            self._writer.start()
        self._timer.start(0 if more else 15)

    def _write(self) -> None:
        try:
            self._written.append(self.recording.finish())
        except BaseException as exc:  # handed to the GUI thread, which says it
            self._written.append(exc)

    def _check_written(self) -> None:
        if self._writer.is_alive():
            self._timer.start(15)
            return
        outcome = self._written[0]
        if isinstance(outcome, Exception):  # a full disk, a folder in the way, an encoder that failed
            self._end(f"Could not write {os.path.basename(self.recording.path)}: {outcome}", "error")
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            self._end(outcome, "warning" if self.recording.stopped_at is not None else "info")

    def _cancelled(self) -> None:
        self._end("Recording cancelled: no file was written (the steps taken stay).", "info", discard=True)

    def _end(self, text: str, kind: str, discard: bool = False) -> None:
        self._timer.stop()
        if discard:
            self.recording.discard()
        # the window where it was before: recording shows a run, it does not move the lecture on (the
        # steps it trained stay on the timeline)
        session = self.recording.window.session
        session.seek(min(self.recording.was_at, session.last_step))
        self.canceled.disconnect(self._cancelled)
        self.close()
        self.deleteLater()
        self._say(text, kind)
