"""The longest time the window stops answering while long work runs. Prints numbers; asserts nothing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_stalls.py [--preset mlp-moons] [--steps 100000] [--points N]

A probe posts itself an event, and posts the next one as soon as it arrives: the gaps between
arrivals are the event loop's turns, the time a click or a key press waits at most (a timer
would measure Qt's timer order instead: a busy zero-interval timer starves the others). Measured for

1. "Run N steps" from the toolbar (Run), with every view of the desk layout on screen;
2. opening a session saved at step N: as saved (with its timeline, no replay), and the same
   file with only the run's record, which re-runs its N steps in slices;
3. playing at "max" speed for five seconds;
4. recording 60 frames of the whole window as a GIF (File › Record a run);
5. playing at "max" for five seconds with the curvature view in front, its Hessian spectra
   computed on a worker thread, against the same with the Jacobian in front: an MLP with h = 64
   (322 parameters: the whole Hessian each time) and h = 256 (1,282: the top eigenvalues by Lanczos).

Goal: no stall over 100 ms. Reported: the longest gap, the 99th percentile and the median
gap, beside the total time.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(__file__))

import shiboken6
from bench_gui import long_run_window, settle

from gradviz import core


def _probe_class():
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    kind = QEvent.Type(QEvent.registerEventType())

    class Probe(QObject):
        """Records the gaps between the event loop's deliveries of an event it keeps posting."""

        def __init__(self):
            super().__init__()
            self.gaps: list[float] = []
            self._last = time.perf_counter()
            self._running = False

        def event(self, event) -> bool:
            if event.type() != kind:
                return super().event(event)
            now = time.perf_counter()
            self.gaps.append(now - self._last)
            self._last = now
            if self._running:
                QCoreApplication.postEvent(self, QEvent(kind))
            return True

        def start(self) -> None:
            self.gaps.clear()
            self._last = time.perf_counter()
            self._running = True
            QCoreApplication.postEvent(self, QEvent(kind))

        def stop(self) -> None:
            self._running = False
            self.gaps.append(time.perf_counter() - self._last)

        def report(self, what: str, total: float) -> None:
            _report(self.gaps, what, total)

    return Probe


def _report(gaps: list[float], what: str, total: float) -> None:
    gaps = sorted(gaps)
    p99 = gaps[min(len(gaps) - 1, int(0.99 * len(gaps)))]
    print(
        f"{what:42s} total {total:7.2f} s   longest stall {1000 * gaps[-1]:6.1f} ms   "
        f"99th percentile {1000 * p99:5.1f} ms   median {1000 * statistics.median(gaps):4.1f} ms"
    )


def wait_for(condition, timeout: float) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.perf_counter() + timeout
    while not condition() and time.perf_counter() < deadline:
        QApplication.processEvents()
        time.sleep(0.0005)


def play_for(window, probe, seconds: float) -> float:
    """Play (at the speed set) for `seconds` with the probe on; the time it took."""
    probe.start()
    t0 = time.perf_counter()
    window.playback.play()
    wait_for(lambda: False, seconds)
    window.playback.pause()
    probe.stop()
    return time.perf_counter() - t0


def main() -> None:
    args, window = long_run_window(__doc__, "mlp-moons")
    probe = _probe_class()()
    n = window.session.source_dataset.n_samples
    print(f"{args.preset}, {n:,} points, {args.steps:,} steps, the window at 1600 × 900 with every view on screen")

    probe.start()
    t0 = time.perf_counter()
    window.run_steps(args.steps)
    wait_for(lambda: not window.jobs.running, 3600)
    probe.stop()
    probe.report(f"Run {args.steps:,} steps", time.perf_counter() - t0)
    assert window.session.current_step == args.steps

    folder = tempfile.mkdtemp()
    saved = os.path.join(folder, "long.gradviz.json")
    window.session.save(saved)
    data = core.load_session(saved)
    record_only = os.path.join(folder, "record-only.gradviz.json")
    core.save_session(record_only, replace(data, run=replace(data.run, snapshot=None)))
    for path, what in ((saved, "as saved, with its timeline"), (record_only, "record only: re-runs its steps")):
        window.session.reset()
        settle()
        probe.start()
        t0 = time.perf_counter()
        window.files.open_file(path)
        wait_for(lambda: not window.jobs.running, 3600)
        settle()
        probe.stop()
        size = os.path.getsize(path) / 1e6
        probe.report(f"open a session at step {args.steps:,} ({what}, {size:.1f} MB)", time.perf_counter() - t0)
        assert window.session.current_step == args.steps

    window.playback.set_speed(0)
    probe.report("play at max speed for 5 s", play_for(window, probe, 5.0))

    # File › Record a run: 60 frames of the whole window into a GIF, behind its progress dialog
    probe.start()
    t0 = time.perf_counter()
    progress = window.pictures.record("window", os.path.join(folder, "run.gif"), steps=59, fps=10)
    wait_for(lambda: not shiboken6.isValid(progress) or not progress.isVisible(), 3600)  # it deletes itself
    probe.stop()
    probe.report("record 60 frames of the window (GIF)", time.perf_counter() - t0)

    # the curvature view in front while playing: spectra computed aside, the window never waits for one
    for hidden in (64, 256):
        for front in ("jacobian", "curvature"):
            window.session.set_value("hidden", hidden)
            window.show_view(front)
            settle()
            before = window.curvature_feed.computed
            seconds = play_for(window, probe, 5.0)
            spectra = window.curvature_feed.computed - before
            steps = window.session.current_step
            probe.report(f"play 5 s, h = {hidden}, {front} in front: {steps} steps, {spectra} spectra", seconds)
            window.session.set_value("hidden", 8)  # the next one starts from step 0 again


if __name__ == "__main__":
    main()
