"""The window or one view as a picture or a recording: File › Save screenshot, Export a view, Record a run,
and `--export-view`, `--screenshot`, `--record` (which draw without asking). The views are named by their
keys in the registry of views ("lossSurface", "data", …) or "window"."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from gradviz.state.view_registry import view_by_key

from .export_dialog import ExportDialog
from .record_dialog import RecordDialog
from .recorder import DEFAULT_FPS, DEFAULT_STEPS, Recording, RecordingProgress
from .slide import posed_for_slide
from .snapshot import image_formats, write_image

__all__ = ["SCREENSHOT_SIZE", "ViewPictures", "prepare_for_pictures"]

SCREENSHOT_SIZE = (1600, 900)  # the window off screen, unless a size is asked for


def _sentence(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}."


def prepare_for_pictures(window, size: tuple[int, int] | None = None) -> None:
    """Lay the window out off screen at a size (default 1600 × 900), every view finished."""
    if not window.isFullScreen():
        window.resize(*(size or SCREENSHOT_SIZE))
    window.show()
    for _ in range(3):
        QApplication.processEvents()
    window.finish_rendering()
    QApplication.processEvents()


class ViewPictures(QObject):
    def __init__(self, window):
        super().__init__(window)
        self._window = window

    def _default_name(self, what: str) -> str:
        return f"{self._window.model.preset_name or 'gradviz'}-{what}"

    def exportable(self) -> list[tuple[str, str]]:
        """(name, title) of what can be exported or recorded: the window, then every dock."""
        docks = [(name[: -len("Dock")], dock.windowTitle()) for name, dock in self._window.docks.items()]
        return [("window", "The whole window"), *docks]

    def widget(self, view: str) -> QWidget | None:
        """The widget a picture of `view` draws: the window, or the contents of the view's dock."""
        w = self._window
        if view == "window":
            return w
        dock = w.docks.get(f"{view}Dock")
        return None if dock is None else dock.widget()

    def unknown(self, view: str) -> str | None:
        """Why `view` names nothing that can be drawn, with the names that exist (None: it does)."""
        if self.widget(view) is not None:
            return None
        views = ", ".join(name for name, _ in self.exportable())
        return f"there is no view named {view!r}; the views are {views}"

    def ask_export(self, view: str) -> None:
        """The window or one view as a picture: first how (a slide's size or the window's, 1×, 2× or 4×,
        the view's own controls or not), then where (PNG, SVG, PDF, …)."""
        w = self._window
        widget = self.widget(view)
        if widget is None:
            return
        title = dict(self.exportable())[view]
        dialog = ExportDialog(title, (widget.width(), widget.height()), view != "window", w.theme, w)
        if not dialog.exec():
            return
        c = dialog.choice()
        kinds = ";;".join(["PNG images (*.png)", "SVG drawings (*.svg)", "PDF documents (*.pdf)", "All images ("
                           + " ".join(f"*.{f}" for f in image_formats()) + ")"])  # fmt: skip
        default = self._default_name(f"{view}-step{w.session.current_step}.png")
        path, _ = QFileDialog.getSaveFileName(w, f"Export “{title}”", default, kinds)
        if path:
            self.write(view, path, c.scale, size=c.size, keep_controls=c.keep_controls)

    def write(self, view: str, path: str, scale: int = 1, **how) -> bool:
        """`draw` (`how`: its size and keep_controls), and say how it went."""
        problem = self.draw(view, path, scale, **how)
        if problem:
            self._window.say(_sentence(problem), "error")
            return False
        self._window.say(f"Saved {os.path.basename(path)}" + (f" at {scale}×" if scale > 1 else ""))
        return True

    def draw(
        self, view: str, path: str, scale: int = 1, size: tuple[int, int] | None = None, keep_controls: bool = False
    ) -> str | None:
        """Draw the window or a view into `path` (finished first: full-resolution surface); None, or what
        went wrong in words. A view is drawn alone at `size` (a slide's; None: as in the window) without
        its own controls unless `keep_controls`; the window does not change."""
        w = self._window
        problem = self.unknown(view)
        if problem is not None:
            return problem
        w.show_view(view)
        w.finish_rendering()
        widget = self.widget(view)
        spec = view_by_key(view)
        if view == "window" or (spec is not None and spec.drawn_in_place) or (size is None and keep_controls):
            return write_image(widget, path, scale)
        with posed_for_slide(w, view, size or (widget.width(), widget.height()), keep_controls) as posed:
            return write_image(posed, path, scale)

    def ask_record(self) -> None:
        """File › Record a run: what to record, then where (GIF or MP4)."""
        w = self._window
        s = w.session
        dialog = RecordDialog(self.exportable(), s.current_step, s.last_step, w.theme, w)
        if not dialog.exec():
            return
        c = dialog.choice()
        default = self._default_name(f"{c.view}-steps{c.start}-{c.start + c.steps}.gif")
        path, _ = QFileDialog.getSaveFileName(
            w, "Record a run", default, "Animated GIF (*.gif);;MP4 video (*.mp4);;All files (*)"
        )
        if path:
            self.record(c.view, path, c.start, c.steps, c.fps)

    def record(
        self, view: str, path: str, start: int | None = None, steps: int = DEFAULT_STEPS, fps: float = DEFAULT_FPS
    ) -> RecordingProgress | None:
        """Record `view` from `start` (default: the current step) over `steps` steps into `path`
        (.gif or .mp4) behind a progress dialog with Cancel; None, and a message, if it cannot start."""
        w = self._window
        try:
            recording = Recording(w, view, path, w.session.current_step if start is None else start, steps, fps)
        except ValueError as exc:
            w.say(_sentence(str(exc)), "error")
            return None
        w.playback.pause()
        w.jobs.cancel()
        w.show_view(view)
        w.statusBar().clearMessage()  # a message timing out mid-recording would change the frames
        progress = RecordingProgress(recording, w.say, w)
        progress.start()
        return progress
