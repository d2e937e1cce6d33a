"""A view's plots side by side (or one over the other), sharing the room by their plotting areas.

Qt shares a row by widgets, axes included: two plots given 5 : 4 of a 460-pixel row kept plotting areas of
190 and 132 px, because one of them carries an axis title, the other a colour bar. The row here sets its
stretch factors from what each plot's axes and bars take (measured once laid out), so that the plotting
areas themselves get the shares declared."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QBoxLayout, QWidget

__all__ = ["PlotRow"]

_AXES = (70, 50)  # about what a plot's axes take across and down at the desk's fonts, before it is laid out
_CLEARLY = 1.25  # stacked only where that leaves each plot a clearly larger smaller side: at a tie, side by side
_ROUNDS = 4  # fits after a resize, as the axes settle on their ticks (then the row stays as it is)


def _shown(item) -> bool:
    """A layout item that takes room: a visible widget, or a layout holding one."""
    if item.widget() is not None:
        return not item.widget().isHidden()
    layout = item.layout()
    return layout is not None and any(_shown(layout.itemAt(i)) for i in range(layout.count()))


def _plot_in(item) -> pg.PlotWidget | None:
    """The plot an item of the row holds (a plot, or a layout with words over a plot)."""
    widget = item.widget()
    if isinstance(widget, pg.PlotWidget):
        return widget
    layout = item.layout()
    for i in range(layout.count() if layout is not None else 0):
        found = _plot_in(layout.itemAt(i))
        if found is not None:
            return found
    return None


class PlotRow(QObject):
    """`row` (a QBoxLayout of plots, each alone or under its words) with each plot's share of the plotting
    room; `stacks`: whether the plots go one over the other where that leaves them more room (a matrix
    beside its bars does not: stacked, the matrix was a strip)."""

    def __init__(self, owner: QWidget, row: QBoxLayout, shares: Sequence[float], theme, stacks: bool = True):
        super().__init__(owner)
        self.row = row
        self.shares = tuple(shares)
        self.stacks = stacks
        self._theme = theme
        self._due = QTimer(self)  # once per turn, after the layout has moved things
        self._due.setSingleShot(True)
        self._due.setInterval(0)
        self._due.timeout.connect(self.fit)
        self._rounds = 0  # fits since the view last changed size: an axis that widens for new ticks may ask again
        for i in range(row.count()):
            plot = _plot_in(row.itemAt(i))
            if plot is not None:  # an axis that grows for its tick labels takes room from the plotting area
                plot.getPlotItem().getViewBox().sigResized.connect(self._settle)

    def refit(self) -> None:
        """Once the row has its new size (after this turn: it follows its view's resize), orient it and share it."""
        self._rounds = 0
        self._due.start()

    def _settle(self, *_) -> None:
        if self._rounds < _ROUNDS:
            self._due.start()

    def fit(self) -> None:
        self._rounds += 1
        shown = [i for i in range(self.row.count()) if _shown(self.row.itemAt(i))]
        if len(shown) < 2 or self.row.geometry().isEmpty():  # nothing to share, or not laid out (a tab behind)
            return
        if self.stacks and self._orient(len(shown)):
            self.refit()  # shared once the plots have their places in the new direction
            return
        self._share(shown)

    def _orient(self, n: int) -> bool:
        """Side by side or stacked; whether that changed."""
        axes_w, axes_h = (a * self._theme.scale for a in _AXES)
        box = self.row.geometry()
        beside = min(box.width() / n - axes_w, box.height() - axes_h)
        stacked = min(box.width() - axes_w, box.height() / n - axes_h)
        Direction = QBoxLayout.Direction
        direction = Direction.TopToBottom if stacked > _CLEARLY * beside else Direction.LeftToRight
        if direction == self.row.direction():
            return False
        self.row.setDirection(direction)
        return True

    def _share(self, shown: list[int]) -> None:
        """Stretch factors in pixels: each item's axes and bars, plus its share of what is left to plot in."""
        across = self.row.direction() == QBoxLayout.Direction.LeftToRight
        extent, spare = [], []
        for i in shown:
            item = self.row.itemAt(i)
            plot = _plot_in(item)
            size = item.geometry().width() if across else item.geometry().height()
            if plot is None or size <= 0:
                return
            box = plot.getPlotItem().getViewBox().sceneBoundingRect()
            extent.append(size)
            spare.append(size - (box.width() if across else box.height()))
        room = sum(extent) - sum(spare)
        if room <= 0:
            return
        shares = [self.shares[i] for i in shown]
        # a function of the row's size and the axes' room alone, not of the last sharing: two windows that
        # show the same get the same picture, whatever the order their layouts ran in
        want = [max(1, round(s + room * share / sum(shares))) for s, share in zip(spare, shares, strict=True)]
        for i, w in zip(shown, want, strict=True):
            if self.row.stretch(i) != w:
                self.row.setStretch(i, w)
