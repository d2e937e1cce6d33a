"""What every view shares: it says which aspects of the state it draws, and redraws from them
at most once per event-loop turn, and only while it can be seen."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradviz.state import ASPECTS, Change
from gradviz.state.view_registry import ViewSpec, view_of_class

from ..qt_session import QtSession
from ..theme import Theme
from .plot_row import PlotRow

__all__ = ["View"]

_UNSET = object()


class View(QWidget):
    """A view of the session (pyqtgraph's ParameterItem to the Session's Parameter).

    Subclasses set `depends` (the aspects whose change means a redraw) and implement
    `redraw(change)`, reading what they draw from `self.session.frame`. While the view cannot
    be seen (its dock closed, or tabbed behind another: Qt keeps such a widget "visible" but
    moves it off the window, so the dock tells the view through `set_shown`) the Changes it
    misses are merged and drawn once when it is seen again. `redraws` counts redraws (tests prove a step costs each view one).
    """

    depends: frozenset[str] = frozenset(ASPECTS)

    came_into_sight = Signal()  # the view is seen again: work it waits for (spectra, a surface) is wanted now

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = qt_session.session
        self.theme = theme
        self.redraws = 0
        self._missed = Change()
        self._applied: dict[str, object] = {}
        self._in_sight = True
        self._instead: QLabel | None = None  # the words shown over the view where it does not apply
        self.plots: PlotRow | None = None  # the plots, sharing the room by their plotting areas
        # its line in the registry of views; what it says instead of drawing on a function f(x, y), which has
        # no data, predictions or layers (empty: the view draws functions too)
        self.spec: ViewSpec | None = view_of_class(type(self).__module__, type(self).__name__)
        self.models_only = "" if self.spec is None else self.spec.models_only
        qt_session.sigChanged.connect(self._on_change)

    def lay_out(self, above: Sequence[QWidget], plots: Sequence[tuple[QWidget, int]]) -> None:
        """The views' usual arrangement: rows of words (readouts, legends), then plots side by side (or one
        over the other where that gives them more room), each plotting area with its share."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        for widget in above:
            layout.addWidget(widget)
        row = QHBoxLayout()
        for widget, share in plots:
            row.addWidget(widget, share)
        layout.addLayout(row, 1)
        self.plots = PlotRow(self, row, [share for _, share in plots], self.theme)

    def start(self) -> None:
        """Draw the state as it is (the end of a subclass's __init__); a view of models on a function
        says so instead, and draws once it applies again."""
        if self.models_only and self.session.settings.is_function:
            self._say_instead(self.models_only)
            self._missed = Change.everything()
            return
        self._redraw(Change.everything())

    def _on_change(self, change: Change) -> None:
        if self.models_only and change.touches({"model", "runs"}):
            self._say_instead(self.models_only if self.session.settings.is_function else "")
        if not change.touches(self.depends):
            return
        if self.seen:
            self._redraw(change)
        else:
            self._missed = self._missed | change

    @property
    def seen(self) -> bool:
        return self._in_sight and self.isVisible() and not self.applies_not

    @property
    def applies_not(self) -> bool:
        """Whether the view shows words instead: it explains models, and the runs are on a function. Read
        off the session, not off the words on screen, which follow a turn of the event loop later: a dock
        shown in between (a lesson's scene raising its views) must not draw a model's numbers for f."""
        return bool(self.models_only) and self.session.settings.is_function

    @property
    def words_instead(self) -> str:
        """What the view says in place of its picture ("" while it draws)."""
        shown = self._instead is not None and not self._instead.isHidden()
        return self._instead.text() if shown else ""

    def _say_instead(self, text: str) -> None:
        """Cover the view with `text` (a dock that goes blank would look broken), or uncover it ("")."""
        if not text:
            if self._instead is not None and not self._instead.isHidden():
                self._instead.hide()
                self._catch_up()
            return
        if self._instead is None:
            self._instead = QLabel(self)
            self._instead.setObjectName(f"{self.objectName() or type(self).__name__}Instead")
            self._instead.setWordWrap(True)
            self._instead.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._instead.setAutoFillBackground(True)
            self._instead.setFont(self.theme.font(1.0))
            self._instead.setMargin(int(16 * self.theme.scale))
        self._instead.setText(text)
        self._instead.setGeometry(self.rect())
        self._instead.raise_()
        self._instead.show()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._instead is not None:
            self._instead.setGeometry(self.rect())
        if self.plots is not None:
            self.plots.refit()

    def set_shown(self, shown: bool) -> None:
        """The dock holding the view became visible (True) or was closed or tabbed away."""
        self._in_sight = shown
        self._catch_up()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._catch_up()

    def _catch_up(self) -> None:
        if self.seen:
            self.came_into_sight.emit()
        if self._missed and self.seen:
            missed, self._missed = self._missed, Change()
            self._redraw(missed)

    def _redraw(self, change: Change) -> None:
        self.redraws += 1
        self.redraw(change)

    def redraw(self, change: Change) -> None:
        raise NotImplementedError

    def once(self, key: str, value, apply: Callable[[object], object]) -> None:
        """apply(value) only if value differs from the last one applied under key.

        Axis labels, legends and titles re-lay out their plot when set; set per frame they cost
        milliseconds, set when they change they cost nothing.
        """
        if self._applied.get(key, _UNSET) != value:
            self._applied[key] = value
            apply(value)
