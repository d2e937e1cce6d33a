"""The one bridge between the Qt-free Session and Qt: its Changes as signals.

`sigChangedNow` re-emits every Change as it happens: for cheap mirrors of the state (controls,
the timeline, the status bar, messages). `sigChanged` carries the union of all Changes of one
event-loop turn, once, at the end of it: views redraw from it, so a burst of edits (a script,
a drag, ten steps) costs each view one redraw.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from gradviz.state import Change, Session

__all__ = ["QtSession"]


class QtSession(QObject):
    sigChanged = Signal(object)  # Change: once per event-loop turn, the turn's Changes together
    sigChangedNow = Signal(object)  # Change: each one, synchronously

    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._pending = Change()
        self._min_interval_ms = 0
        self._flushed_at = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)
        unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: unsubscribe())

    def _on_change(self, change: Change) -> None:
        self.sigChangedNow.emit(change)
        self._pending = self._pending | change
        if not self._timer.isActive():
            since = (time.perf_counter() - self._flushed_at) * 1000
            self._timer.start(max(0, int(self._min_interval_ms - since)))

    def set_min_interval(self, ms: int) -> None:
        """Redraw the views at most every `ms` milliseconds (0: once per event-loop turn). A long run
        asks for 100: it then spends its time training, not drawing frames nobody can follow."""
        self._min_interval_ms = ms

    def flush(self) -> None:
        """Deliver this turn's Changes now (before a screenshot, or in a test that reads a view)."""
        self._timer.stop()
        self._flushed_at = time.perf_counter()
        if self._pending:
            change, self._pending = self._pending, Change()
            self.sigChanged.emit(change)
