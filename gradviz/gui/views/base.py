"""What every view shares: it says which aspects of the state it draws, and redraws from them
at most once per event-loop turn, and only while it can be seen."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradviz.state import ASPECTS, Change

from ..qt_session import QtSession
from ..theme import Theme

__all__ = ["View"]

_UNSET = object()


def _shown(item) -> bool:
    """A layout item that takes room: a visible widget, or a layout holding one."""
    if item.widget() is not None:
        return not item.widget().isHidden()
    layout = item.layout()
    return layout is not None and any(_shown(layout.itemAt(i)) for i in range(layout.count()))


class View(QWidget):
    """A view of the session (pyqtgraph's ParameterItem to the Session's Parameter).

    Subclasses set `depends` (the aspects whose change means a redraw) and implement
    `redraw(change)`, reading what they draw from `self.session.frame`. While the view cannot
    be seen (its dock closed, or tabbed behind another: Qt keeps such a widget "visible" but
    moves it off the window, so the dock tells the view through `set_shown`) the Changes it
    misses are merged and drawn once when it is seen again. `redraws` counts redraws (tests prove a step costs each view one).
    """

    depends: frozenset[str] = frozenset(ASPECTS)
    # what the view says instead of drawing when the runs descend on a function f(x, y), which has no
    # data, predictions or layers (empty: the view draws functions too)
    models_only: str = ""

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
        # plots side by side, or one over the other where that leaves them more room (`_orient_plots`)
        self.plots_row: QBoxLayout | None = None
        qt_session.sigChanged.connect(self._on_change)

    def lay_out(self, above: Sequence[QWidget], plots: Sequence[tuple[QWidget, int]]) -> None:
        """The views' usual arrangement: rows of words (readouts, legends), then plots side by side,
        each with its share of the width."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        for widget in above:
            layout.addWidget(widget)
        row = QHBoxLayout()
        for widget, stretch in plots:
            row.addWidget(widget, stretch)
        layout.addLayout(row, 1)
        self.plots_row = row

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
        if self.plots_row is not None:  # once the row has its new size (it follows the resize)
            QTimer.singleShot(0, self, self._orient_plots)

    def _orient_plots(self) -> None:
        """Plots side by side, or one over the other where that leaves each plotting area a clearly larger
        smaller side once its axes (about 70 × 50 px a plot at the desk) are taken off. A tall third
        column at 4K stacks the gradient plane over its bars; a laptop's short dock keeps them side by side."""
        n = sum(1 for i in range(self.plots_row.count()) if _shown(self.plots_row.itemAt(i)))
        if n < 2:
            return
        axes_w, axes_h = 70 * self.theme.scale, 50 * self.theme.scale
        w, h = self.plots_row.geometry().width(), self.plots_row.geometry().height()
        beside = min(w / n - axes_w, h - axes_h)
        stacked = min(w - axes_w, h / n - axes_h)
        Direction = QBoxLayout.Direction
        # side by side unless stacking is clearly better: at a tie the words above read across both
        self.plots_row.setDirection(Direction.TopToBottom if stacked > 1.25 * beside else Direction.LeftToRight)

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
