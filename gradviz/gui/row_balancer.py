"""Room for the plots: the views of a column share its height by their plotting areas, and a plot short of
the least readable size takes height from a neighbour; presenting, where a column cannot give two views room,
the one named keeps it."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QTabBar

from gradviz.state.view_registry import dock_name, view_by_word

from .layout import DESK_PLOT, PLOT_SHARE, TOP_SHARE, V, enlarge

__all__ = ["RowBalancer", "least_plot", "plot_height"]


def _dock(word: str) -> str:
    """The dock of a view a lesson names."""
    return view_by_word(word).dock


class RowBalancer(QObject):
    """In two rows (presenting, or a laptop's height), the two views of a column share its height so that
    their plots, not their docks, get the rows' shares; in any column, a plot short of `least_plot`'s
    height takes it from a neighbour that can spare it (`_floor`: a table or text scrolls, a taller plot
    gives its surplus); presenting, on a screen too small for both, the one named takes the column
    (`make_room`; `stepped_aside` says which view made room for which, until the next arrangement).

    Each view's words (legend rows, readouts, a menu button) take what they need at the column's width
    first: at 1024 × 768 a loss curve under three rows of words kept 66 px of plot while the data view
    above it, under one row, had three times that. The rows are balanced again whenever a view's words
    change height (the curvature's readout grows a line when the Hessian arrives, the Jacobian's three
    lines of numbers appear once it is built) while presenting: a presentation is always the designed
    layout. At the desk the rows are balanced when arranged, and then they are the user's."""

    def __init__(self, window):
        super().__init__(window)
        self._window = window
        self.stepped_aside: dict[str, str] = {}  # dock name -> the dock that took its column
        self._hands_off = False  # the user opened or closed a view since the docks were arranged
        self._clicked: str | None = None  # the view whose tab the user clicked since then: it is named
        self._due = QTimer(self)  # many views re-lay out in one turn: balance once, after them
        self._due.setSingleShot(True)
        self._due.setInterval(0)
        self._due.timeout.connect(self.balance)

    def watch(self) -> None:
        """Listen to every view in a dock (again after deferred views are built: installing twice is once),
        to the View menu (a view the user opens there stays, whatever room it leaves) and to the tabs (a
        view whose tab the user clicks is the one that keeps its column)."""
        for dock in self._window.docks.values():
            if dock.widget() is not None:
                dock.widget().installEventFilter(self)
            if not dock.property("roomWatched"):
                dock.setProperty("roomWatched", True)
                dock.toggleViewAction().triggered.connect(self._user_chose)
                dock.visibilityChanged.connect(self._dock_shown)
        for bar in self._window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not bar.property("roomWatched"):  # Qt makes the docks' tab bars as groups form
                bar.setProperty("roomWatched", True)
                bar.tabBarClicked.connect(lambda index, bar=bar: self._tab_clicked(bar.tabText(index)))

    @property
    def due(self) -> bool:
        """A balance is waiting for this turn to end (tests wait for it before they measure)."""
        return self._due.isActive()

    def _dock_shown(self, shown: bool) -> None:
        """A view brought to the front of its tab group (a tab clicked, a scene's or the app's choice) shares
        the column by its own needs: its layout may ask for nothing, having been laid out before (the
        Jacobian's bars, raised over the derivation at 1280 × 720, kept 88 px of a plot that needs 90)."""
        if shown:
            self._soon_if_presenting()

    def _soon_if_presenting(self) -> None:
        """Presenting, the rows follow the views; at the desk they are the user's once arranged."""
        if self._window.theme.present:
            self._due.start()

    def _user_chose(self) -> None:
        self._hands_off = True

    def _tab_clicked(self, title: str) -> None:
        self._clicked = next((n for n, d in self._window.docks.items() if d.windowTitle() == title), None)

    def request(self) -> None:
        """Balance once the docks are laid out and the views have drawn (after this turn)."""
        self._hands_off = False  # a new arrangement: the app places the views again
        self._clicked = None
        self.watch()  # the arrangement's new tab bars
        self._due.start()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._soon_if_presenting()
        return False

    def balance(self) -> None:
        window = self._window
        kind = window.model.shape or "desk"
        window.flush()  # the scene's legends as they will be
        # and every widget laid out for them: the caption band's new height is a posted layout request
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        window.layout().activate()
        columns: dict[int, list] = {}
        for dock in window.docks.values():
            if not dock.isFloating() and not dock.isHidden() and not dock.visibleRegion().isEmpty():
                columns.setdefault(dock.x(), []).append(dock)
        for docks in columns.values():
            docks.sort(key=lambda dock: dock.y())
            plots = [plot_height(dock) for dock in docks]
            if kind != "desk" and len(docks) == 2 and 0 not in plots:  # two rows: the shares
                words = [dock.height() - plot for dock, plot in zip(docks, plots, strict=True)]
                top = int(sum(plots) * TOP_SHARE[kind])
                _resize_column(window, docks, [words[0] + top, words[1] + sum(plots) - top])
            _floor(window, docks)
            # presenting only: at the desk the student picks the tabs, and a tab group gone would be missed
            if window.theme.present and not self._hands_off and any(_strip(window, dock) for dock in docks):
                self.make_room(docks)

    def make_room(self, column: list) -> None:
        """Where the two views of a column cannot both have room (a 1024 × 768 projector), the one named
        takes the column and the other steps aside until the next arrangement. Named is, first, a view whose
        tab the user clicked; in a lesson then what the caption points at (`points_at`), then the scene's own
        `front`, then the view the lesson brought to the front last; presenting a scenario, the view it puts
        in front. Neither named,
        the upper one (data, surface) stays; two named alike both stay (the projector audit tells the
        lesson's author). A view the user opens from the View menu stays (`_hands_off`)."""
        window = self._window
        docks = {dock.objectName(): dock for dock in column}
        lesson = window.model.lesson
        tiers = [[self._clicked]] if self._clicked else []
        if lesson is not None:
            if lesson.state.large:
                return
            state = lesson.state
            tiers += [
                [_dock(name) for name in state.scene.views_pointed_at],
                [_dock(name) for name in state.scene.front],
                [_dock(name) for name in reversed(state.front) if _dock(name) in docks][:1],
            ]
        else:
            tiers += [[dock_name(key) for key in window.model.front]]
        named = next(([n for n in tier if n in docks] for tier in tiers if any(n in docks for n in tier)), [])
        if len(named) > 1:
            return
        keeper = (named or [column[0].objectName()])[0]
        for name in docks:
            if name != keeper:
                self.stepped_aside[name] = keeper
        enlarge(window, docks[keeper])


def _resize_column(window, docks: list, want: list[int]) -> None:
    """The docks of a column `want` pixels tall each: Qt shares the sizes asked for out with the column's
    other items (separators, tab bars), so ask again by what it missed."""
    if min(want) <= 0:  # not laid out yet (a window still being built)
        return
    asked = list(want)
    for _ in range(4):
        miss = [w - dock.height() for w, dock in zip(want, docks, strict=True)]
        if max(abs(m) for m in miss) <= 2:
            return
        asked = [max(1, a + m) for a, m in zip(asked, miss, strict=True)]
        window.resizeDocks(docks, asked, V)
        window.layout().activate()


def _floor(window, docks: list) -> None:
    """Every plot of the column at least `least_plot` tall where the others can spare it: a table or a
    text scrolls, a plot taller than its least gives the difference (the Jacobian's bars under three lines
    of numbers kept 62 px of a 1600 × 900 desk's column, the surface above them 360)."""
    low = math.ceil(least_plot(window)[1]) + 3  # and the pixels `_resize_column` may miss by
    for _ in range(len(docks)):
        needs = {dock: (low - _lowest_plot(dock)) * _bands(dock) for dock in docks if _bands(dock)}
        needy = max(needs, key=needs.get, default=None)
        if needy is None or needs[needy] <= 0:
            return
        spare = {
            dock: (dock.height() - dock.minimumSizeHint().height()) if not _bands(dock) else -needs[dock]
            for dock in docks
            if dock is not needy
        }
        donor = max(spare, key=spare.get, default=None)
        give = min(needs[needy], spare[donor]) if donor is not None else 0
        if give <= 0:
            return
        _resize_column(
            window, docks, [d.height() + (give if d is needy else -give if d is donor else 0) for d in docks]
        )


def least_plot(window) -> tuple[float, float]:
    """The narrowest and shortest plotting area that can be read in this window: presenting, the hall's
    (PLOT_SHARE of the screen); at the desk, a student's (DESK_PLOT)."""
    if not window.theme.present:
        return DESK_PLOT
    return PLOT_SHARE[0] * window.width(), PLOT_SHARE[1] * window.height()


def _strip(window, dock) -> bool:
    """Whether a plot of the dock is narrower or shorter than `least_plot`."""
    low_w, low_h = least_plot(window)
    for plot in dock.findChildren(pg.PlotWidget):
        box = plot.getPlotItem().getViewBox().sceneBoundingRect()
        if plot.isVisible() and (box.width() < low_w or box.height() < low_h):
            return True
    return False


def _rows_of_plots(dock) -> list[list]:
    """The plots a dock shows, in rows one over the other (plots side by side share a row)."""
    rows: list[list] = []
    bottom = None
    placed = sorted(
        ((plot.mapTo(dock, plot.rect().topLeft()).y(), plot) for plot in dock.findChildren(pg.PlotWidget)),
        key=lambda placed: placed[0],
    )
    for top, plot in placed:
        if not plot.isVisible():
            continue
        if bottom is None or top >= bottom:  # under the one before: a new row
            rows.append([])
        rows[-1].append(plot)
        bottom = max(bottom or 0, top + plot.height())
    return rows


def _area_height(plot) -> float:
    return plot.getPlotItem().getViewBox().sceneBoundingRect().height()


def plot_height(dock) -> int:
    """How tall the plotting areas a dock shows are (stacked ones added; side by side, the tallest): 0 for
    a view without a plot. Their axes count as words: a colour bar or an axis title takes its own room."""
    return int(sum(max(_area_height(plot) for plot in row) for row in _rows_of_plots(dock)))


def _lowest_plot(dock) -> float:
    """The height of the dock's shortest plotting area."""
    return min(_area_height(plot) for row in _rows_of_plots(dock) for plot in row)


def _bands(dock) -> int:
    """How many plots the dock shows one over the other (0: none): a pixel more of the dock is a pixel
    more for each plot side by side, a share of it for plots stacked."""
    return len(_rows_of_plots(dock))
