"""What every view shares: it redraws only while it can be seen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

__all__ = ["SessionView"]


class SessionView(QWidget):
    """A view of the session that does no work while hidden (its dock closed or tabbed away).

    Connect session signals through `when_visible(handler)`: while the view is hidden the
    latest call of each handler is remembered, and replayed once when the view is shown.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._deferred: dict[Callable, tuple] = {}

    def when_visible(self, handler: Callable) -> Callable:
        def call(*args):
            if self.isVisible():
                handler(*args)
            else:
                self._deferred.pop(handler, None)
                self._deferred[handler] = args  # re-inserted: replayed in the order they last came

        return call

    def follow(self, session, refresh: Callable[[], None]) -> None:
        """Redraw with `refresh` on every step, selection, data edit and model change (while visible)."""
        session.sigStepped.connect(self.when_visible(lambda _: refresh()))
        session.sigSelectionChanged.connect(self.when_visible(lambda _: refresh()))
        session.sigDataChanged.connect(self.when_visible(refresh))
        session.sigModelChanged.connect(self.when_visible(refresh))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        pending, self._deferred = self._deferred, {}
        for handler, args in pending.items():
            handler(*args)
