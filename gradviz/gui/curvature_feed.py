"""Hessian spectra computed off the GUI thread, one at a time, as the state asks for them.

After every change the session names the next spectrum worth having (`Session.next_curvature_job`:
the focused run's current step first, its stride over the run while the curvature dock is on
screen, then the other runs); one worker thread computes it and the answer is filed back on the
GUI thread, which asks for the next. While a run plays faster than spectra come, the worker
simply takes the newest step each time: no frame ever waits for a Hessian. The worker rests twice
as long as its last job took before the next one, so it never holds more than a third of the
interpreter the GUI thread shares with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from .qt_session import QtSession

__all__ = ["CurvatureFeed"]


class _Signals(QObject):
    done = Signal(object, object)  # the job, its spectrum (None: it could not be computed)


class _Run(QRunnable):
    def __init__(self, job, signals: _Signals):
        super().__init__()
        self._job, self._signals = job, signals

    def run(self) -> None:
        start = time.perf_counter()
        try:
            spectrum = self._job.compute()
        except (ValueError, RuntimeError, ArithmeticError):  # no convergence, or nothing finite to decompose
            spectrum = None
        try:
            self._signals.done.emit(self._job, (spectrum, time.perf_counter() - start))
        except RuntimeError:  # the window closed while we computed: nobody is listening
            return


class CurvatureFeed(QObject):
    """Keeps the runs' curvature coming; `backfill()` says whether the whole run's sharpness is wanted."""

    def __init__(self, qt_session: QtSession, backfill: Callable[[], bool], parent: QObject | None = None):
        super().__init__(parent)
        self.session = qt_session.session
        self._backfill = backfill
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._busy = False
        self.paused = False  # nothing new is started (tests that count one change's redraws)
        self.computed = 0  # spectra filed (tests and benchmarks read it)
        self._rest = QTimer(self)  # the pause after a job
        self._rest.setSingleShot(True)
        self._rest.timeout.connect(self.request)
        qt_session.sigChanged.connect(lambda change: self.request())

    def request(self) -> None:
        """Start the next job if the worker is free and rested, and something is wanted."""
        if self._busy or self._rest.isActive() or self.paused:
            return
        job = self.session.next_curvature_job(backfill=self._backfill())
        if job is None:
            return
        self._busy = True
        self._pool.start(_Run(job, self._signals))

    def _on_done(self, job, result) -> None:
        spectrum, seconds = result
        self._busy = False
        self.computed += 1
        self.session.record_curvature(job, spectrum)
        self._rest.start(int(2000 * seconds))  # then request() again

    def wait(self, timeout_ms: int = 30_000) -> None:
        """Until the worker has nothing left to do (tests, screenshots)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(timeout_ms)
        while not deadline.hasExpired():
            self._pool.waitForDone(50)
            QCoreApplication.processEvents()
            self._rest.stop()
            self.request()
            if not self._busy and self.session.next_curvature_job(backfill=self._backfill()) is None:
                return

    def shut_down(self) -> None:
        self._rest.stop()
        self._pool.clear()
        self._pool.waitForDone(5_000)
