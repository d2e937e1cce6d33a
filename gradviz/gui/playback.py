"""Playback: a parented QTimer that steps the session at a chosen speed.

Speeds are steps per second (1–500) or 0 for "as fast as frames allow". The timer never
fires faster than ~60 Hz: at higher speeds one tick takes several steps and the views redraw
once, so the GUI thread stays responsive however fast training runs.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from gradviz.state import Session

__all__ = ["Playback", "MAX_SPEED", "FRAME_MS"]

MAX_SPEED = 500
FRAME_MS = 16
_BUDGET_S = 0.010  # "max" speed: step for at most this long per frame, then let Qt paint


class Playback(QObject):
    sigPlayingChanged = Signal(bool)
    sigSpeedChanged = Signal(int)

    max_speed = MAX_SPEED

    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_tick)
        self._speed = 20
        self._owed = 0.0
        self._last = 0.0

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def speed(self) -> int:
        return self._speed

    def set_speed(self, steps_per_second: int) -> None:
        speed = max(0, min(int(steps_per_second), MAX_SPEED))
        if speed == self._speed:
            return
        self._speed = speed
        if self.playing:
            self._timer.setInterval(self._interval())
        self.sigSpeedChanged.emit(speed)

    def _interval(self) -> int:
        if self._speed == 0:
            return FRAME_MS
        return max(FRAME_MS, int(round(1000 / self._speed)))

    def play(self) -> None:
        if self.playing:
            return
        self._owed = 0.0
        self._last = time.perf_counter()
        self._timer.start(self._interval())
        self.sigPlayingChanged.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self._timer.stop()
        self.sigPlayingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def _on_tick(self) -> None:
        now = time.perf_counter()
        elapsed, self._last = now - self._last, now
        if self._speed == 0:
            self._session.run_for(_BUDGET_S)
        else:
            self._owed += self._speed * min(elapsed, 0.25)
            n = int(self._owed)
            if n <= 0:
                return
            self._owed -= n
            self._session.step(n)
        if self._session.all_stopped:  # the session said why; playing on would only repeat it
            self.pause()
