"""Hessian spectra computed in a worker process, one at a time, as the state asks for them.

After every change the session names the next spectrum worth having (`Session.next_curvature_job`:
the focused run's current step first, its stride over the run while the curvature view is on
screen, then the other runs); the worker computes it and the answer is filed back on the GUI
thread, which asks for the next. While a run plays faster than spectra come, the worker simply
takes the newest step each time: no frame waits for a Hessian that takes longer than `INLINE_S`.
Those quicker than that (a linear or logistic model on a thousand points: a tenth of a millisecond,
measured on the last one) are computed with the change that asked for them, so the step and its
curvature are one redraw. When nothing in sight wants a spectrum, the feed computes those a lesson's coming scenes will want (`compute_ahead`) into the process's
`SPECTRA`, where the session finds them when the scene arrives (`Session.next_unknown_curvature_job`).

A process (`gradviz.state.spectrum_worker`), not a thread: a thread computing eigenvalues competes
with the GUI thread for the interpreter lock at every NumPy call, and at h = 256 that alone turned
100 ms turns of the event loop into 250 ms ones. One worker process serves every window; it starts
with the first job. A thread of ours only waits on its pipe. After each job the feed rests as long
as the job took, leaving the second core to the surface's worker half the time.
"""

from __future__ import annotations

import atexit
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QTimer, Signal

from gradviz.state.remembered import SPECTRA, digest
from gradviz.state.sharpness import answer
from gradviz.state.spectrum_worker import read_message, write_message

from .qt_session import QtSession

__all__ = ["CurvatureFeed", "INLINE_S"]

INLINE_S = 0.002  # spectra measured quicker than this are computed with the step, on the GUI thread
_NEW_STEP = frozenset({"step", "data", "model", "runs", "settings"})  # what can leave a step without its spectrum


class _Worker:
    """The worker process and the one thread that talks to it: requests in order, answers in order."""

    def __init__(self):
        self._requests: queue.Queue = queue.Queue()
        self._process: subprocess.Popen | None = None
        threading.Thread(target=self._serve, name="gradviz-spectra", daemon=True).start()
        atexit.register(self.close)

    def submit(self, inputs: tuple, done: Callable[[tuple], None]) -> None:
        self._requests.put((inputs, done))

    def _serve(self) -> None:
        while True:
            inputs, done = self._requests.get()
            if done is None:
                return
            done(self._ask(inputs))

    def _ask(self, inputs: tuple) -> tuple:
        for _ in range(2):  # a worker that died is started again once
            try:
                if self._process is not None and self._process.poll() is not None:
                    self._stop()  # it died: its pipes closed, and a new one
                if self._process is None:
                    self._process = subprocess.Popen(
                        [sys.executable, "-m", "gradviz.state.spectrum_worker"],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                    )
                write_message(self._process.stdin, inputs)
                result = read_message(self._process.stdout)
                if result is not None:
                    return result
            except (OSError, ValueError, EOFError, pickle.PicklingError, TypeError, AttributeError):
                pass  # a broken pipe, or inputs that cannot travel: computed here instead
            self._stop()  # half a message may be in its pipe: a fresh worker, or none
        return answer(inputs)  # no worker process to be had: here, then

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            try:
                pipe.close()
            except OSError:  # a broken pipe: closed all the same
                pass

    @property
    def process(self) -> subprocess.Popen | None:
        """The worker process computing now (None before the first job or after it stopped)."""
        return self._process

    def close(self) -> None:
        self._requests.put((None, None))
        self._stop()


_WORKER: _Worker | None = None


def shared_worker() -> _Worker:
    global _WORKER
    if _WORKER is None:
        _WORKER = _Worker()
    return _WORKER


class _Signals(QObject):
    done = Signal(object, object)  # the job, (its spectrum or None, seconds)
    done_ahead = Signal(object, object)  # the key of a spectrum computed ahead, (it or None, seconds)


class CurvatureFeed(QObject):
    """Keeps the runs' curvature coming; `backfill()` says whether the whole run's sharpness is wanted."""

    def __init__(self, qt_session: QtSession, backfill: Callable[[], bool], parent: QObject | None = None):
        super().__init__(parent)
        self.session = qt_session.session
        self._backfill = backfill
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._signals.done_ahead.connect(self._on_done_ahead)
        self._ahead: list[tuple] = []  # inputs of spectra a coming lesson scene will want, in order
        self.busy = False
        self.paused = False  # nothing new is started (tests that count one change's redraws)
        self.computed = 0  # spectra filed (tests and benchmarks read it)
        self._rest = QTimer(self)  # the pause after a job
        self._rest.setSingleShot(True)
        self._rest.timeout.connect(self.request)
        qt_session.sigChangedNow.connect(self._fill_cheap)
        qt_session.sigChanged.connect(lambda change: self.request())

    def _fill_cheap(self, change) -> None:
        """A change that may leave the current step without its spectrum: computed at once where the
        last one took under `INLINE_S` (within the change, so the views redraw once, with it)."""
        if not self.paused and change.touches(_NEW_STEP):
            self.session.race.fill_cheap_curvature(INLINE_S)

    def request(self) -> None:
        """Start the next job if the worker is free and rested, and something is wanted."""
        if self.busy or self._rest.isActive() or self.paused:
            return
        job = self.session.next_unknown_curvature_job(backfill=self._backfill())
        if job is None:
            self._start_ahead()
            return
        self._submit(job.inputs(), self._signals.done, job)

    def _submit(self, inputs: tuple, signal, tag) -> None:
        """Hand one spectrum to the worker; its answer comes back as signal(tag, (spectrum, seconds))."""
        self.busy = True

        def done(result: tuple) -> None:  # on the worker's thread: on to the GUI thread
            try:
                signal.emit(tag, result)
            except RuntimeError:  # the window closed while we computed: nobody is listening
                return

        shared_worker().submit(inputs, done)

    def compute_ahead(self, inputs: list[tuple]) -> None:
        """Spectra that scenes still to come will want (`Session.curvature_jobs_ahead`, in the order they
        come): computed whenever nothing in sight wants one, and remembered (`SPECTRA`), so that a scene
        about its sharpness is complete when it appears. Replaces what was asked ahead before."""
        self._ahead = list(inputs)
        self.request()

    @property
    def ahead_done(self) -> bool:
        """Everything asked ahead is computed (or was known)."""
        return not self._ahead and not self.busy

    def _start_ahead(self) -> None:
        while self._ahead:
            inputs = self._ahead.pop(0)
            key = digest(inputs)
            if key is not None and key not in SPECTRA:  # None: a formula, which cannot travel
                self._submit(inputs, self._signals.done_ahead, key)
                return

    def _on_done_ahead(self, key: bytes, result) -> None:
        spectrum, seconds = result
        self.busy = False
        if spectrum is not None:
            SPECTRA.put(key, spectrum)
        self._rest.start(int(1000 * seconds))

    def _on_done(self, job, result) -> None:
        spectrum, seconds = result
        self.busy = False
        self.computed += 1
        self.session.record_curvature(job, spectrum, seconds)
        self._rest.start(int(1000 * seconds))  # then request() again

    @property
    def idle(self) -> bool:
        """Nothing computing and nothing more wanted: every spectrum the views in sight ask for is filed."""
        return not self.busy and self.session.next_curvature_job(backfill=self._backfill()) is None

    def wait(self, timeout_ms: int = 60_000) -> None:
        """Until the worker has nothing left to do (tests, screenshots)."""

        deadline = QDeadlineTimer(timeout_ms)
        while not deadline.hasExpired():
            QCoreApplication.processEvents()
            self._rest.stop()
            self.request()
            if self.idle:
                return
            time.sleep(0.002)

    def shut_down(self) -> None:
        self._rest.stop()
        self.paused = True
