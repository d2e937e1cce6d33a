"""Long work in slices from the event loop: the window keeps painting, a bar shows how far, Esc cancels.

"Run 1,000,000 steps" or replaying a long session must never freeze the window. A job is a
function that does one slice of the work (a few tens of milliseconds) and says how far it got;
the event loop calls it again until it is done or cancelled. What a cancelled job has done so
far stays done (the steps taken are on the timeline) unless the job itself says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QProgressBar, QPushButton

from gradviz.state import Session

__all__ = ["LongJob", "SLICE_S"]

SLICE_S = 0.025  # work per slice: the window repaints between slices


class LongJob(QObject):
    """One job at a time. Its progress bar (saying what it does) and Cancel button are shown
    while it runs by whoever holds them (the playback toolbar, in place of the timeline)."""

    sigFinished = Signal(bool)  # True: completed, False: cancelled
    sigRunning = Signal(bool)  # the widgets are to be shown (True) or hidden (False)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        self._work: Callable[[], float | None] | None = None
        self._on_cancel: Callable[[], None] | None = None
        self.what = ""
        self.bar = QProgressBar()
        self.bar.setObjectName("jobProgress")
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("jobCancelButton")
        self.cancel_button.setToolTip("Stop here; what is done so far stays (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        self.widgets = (self.bar, self.cancel_button)
        for w in self.widgets:
            w.hide()

    @property
    def running(self) -> bool:
        return self._work is not None

    def start(self, what: str, work: Callable[[], float | None], on_cancel: Callable[[], None] | None = None) -> None:
        """Call work() from the event loop until it returns None (done); else it returns the fraction done."""
        self.cancel()
        self._work, self._on_cancel = work, on_cancel
        self.what = what
        self.bar.setValue(0)
        self.bar.setFormat(f"{what}: %p%")
        self._slice()
        if self._work is not None:  # more than one slice: show how far it got
            self.sigRunning.emit(True)
            self._timer.start()

    def cancel(self) -> None:
        if self._work is None:
            return
        on_cancel = self._on_cancel
        self._stop()
        if on_cancel is not None:
            on_cancel()
        self.sigFinished.emit(False)

    def _slice(self) -> None:
        done = self._work()
        if done is None:
            self._stop()
            self.sigFinished.emit(True)
        else:
            value = int(1000 * done)
            if value != self.bar.value():  # a repaint of the bar costs ~0.5 ms: only when it moves
                self.bar.setValue(value)

    def _stop(self) -> None:
        was_shown = self._timer.isActive()
        self._timer.stop()
        self._work = self._on_cancel = None
        if was_shown:
            self.sigRunning.emit(False)

    def run_steps(self, session: Session, n: int) -> None:
        """Train n steps in slices; cancelled, the steps taken so far stay taken."""
        remaining = [int(n)]

        def work() -> float | None:
            taken = session.run_for(SLICE_S, max_steps=remaining[0])
            remaining[0] -= taken
            if remaining[0] <= 0 or taken == 0 or session.all_stopped:
                return None
            return 1.0 - remaining[0] / n

        self.start(f"Running {n:,} steps", work)
