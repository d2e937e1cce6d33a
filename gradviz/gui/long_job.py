"""Long work in slices from the event loop: the window keeps painting, a bar shows how far, Esc cancels.

"Run 1,000,000 steps" or replaying a long session must never freeze the window. A job is a
function that does one slice of the work (a few tens of milliseconds) and says how far it got;
the event loop calls it again until it is done or cancelled. What a cancelled job has done so
far stays done (the steps taken are on the timeline) unless the job itself says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from gradviz.state import Session

__all__ = ["LongJob", "SLICE_S"]

SLICE_S = 0.04  # work per slice: the window repaints between slices


class LongJob(QObject):
    """One job at a time, shown in the status bar with a progress bar and a Cancel button."""

    sigFinished = Signal(bool)  # True: completed, False: cancelled

    def __init__(self, status_bar: QStatusBar, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        self._work: Callable[[], float | None] | None = None
        self._on_cancel: Callable[[], None] | None = None
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setObjectName("jobProgress")
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(220)
        self.cancel_button = QPushButton("Cancel (Esc)")
        self.cancel_button.setObjectName("jobCancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        for w in (self.label, self.bar, self.cancel_button):
            status_bar.addWidget(w)
            w.hide()

    @property
    def running(self) -> bool:
        return self._work is not None

    def start(self, what: str, work: Callable[[], float | None], on_cancel: Callable[[], None] | None = None) -> None:
        """Call work() from the event loop until it returns None (done); else it returns the fraction done."""
        self.cancel()
        self._work, self._on_cancel = work, on_cancel
        self.label.setText(what)
        self._slice()
        if self._work is not None:  # more than one slice: show how far it got
            for w in (self.label, self.bar, self.cancel_button):
                w.show()
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
            self.bar.setValue(int(1000 * done))

    def _stop(self) -> None:
        self._timer.stop()
        self._work = self._on_cancel = None
        for w in (self.label, self.bar, self.cancel_button):
            w.hide()

    def run_steps(self, session: Session, n: int) -> None:
        """Train n steps in slices; cancelled, the steps taken so far stay taken."""
        remaining = [int(n)]

        def work() -> float | None:
            taken = session.run_for(SLICE_S, max_steps=remaining[0])
            remaining[0] -= taken
            if remaining[0] <= 0 or taken == 0 or session.diverged:
                return None
            return 1.0 - remaining[0] / n

        self.start(f"Running {n:,} steps", work)
