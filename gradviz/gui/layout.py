"""Where the docks go: the desk and the presentation layouts, and remembering the user's own.

Desk: controls | data, residuals, loss curve | surface, gradients, Jacobian (derivation as a
tab). Presentation: the controls closed (the toolbar and keys drive it), data and surface
large on top, the loss curve under the data, the other views as tabs under the surface.
The two are remembered separately; a layout saved with another set of docks is ignored.
"""

from __future__ import annotations

import zlib

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QTabBar, QWidget

from gradviz.state.view_registry import CONTROLS_DOCK, VIEWS, dock_name

__all__ = [
    "arrange",
    "PLOT_SHARE",
    "compact",
    "default_sizes",
    "enlarge",
    "fit_to_problem",
    "hide_stale_tab_bars",
    "open_beside_surface",
    "raise_front",
    "restore",
    "save",
    "shape",
    "whole_tab_titles",
]

_SETTINGS_VERSION = 1
H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical


COMPACT_BELOW = 900  # window heights (logical pixels) under this put the smaller views in tabs
WIDE_RATIO, WIDE_MIN = 1.5, 1100  # presenting on a screen this much wider than tall, and this wide
# (in pixels per unit of font scale: 1760 at presentation fonts): three columns
_TABS = tuple(v.dock for v in VIEWS if v.place == "tabs")  # the tab group under the surface, in the registry's order
# two rows (compact, wide): the curvature shares the data's place (the larger one, over the loss curve),
# so that each tab group's titles fit its column whole at a projector's fonts, and a scene can show the
# sharpness over the run above the loss curve
_WITH_DATA = ("curvatureDock",)
# at a laptop's desk (two rows, the controls beside them) the derivation, a text, shares the data's place,
# and the curvature's two plots go under the surface, the wider column (`DESK_SHARE`)
_WITH_DATA_AT_DESK = ("derivationDock",)
# at a laptop's desk, the share of the views' width the column of data and loss curve gets: the column of the
# surface holds the views of two plots side by side (gradients, Jacobian, curvature), which need the width
DESK_SHARE = 0.37
TOP_SHARE = {"compact": 0.54, "wide": 0.56}  # two rows: the top row's share of a column's plotting height
# presenting: a plotting area narrower or shorter than these shares of the window is a strip the hall cannot
# read; at the desk, one smaller than DESK_PLOT pixels is (the projector audit holds every plot on screen to it)
PLOT_SHARE = (1 / 10, 1 / 8)
DESK_PLOT = (140, 90)
TAB_FONT = 0.8  # presenting, the tab titles' font (of the base): they name views, the hall reads the views
_TAB_TITLES = {v.dock: v.tab_title for v in VIEWS if v.tab_title}  # shorter words, to fit a tab
_RIGHT = tuple(v.dock for v in VIEWS)


def compact(window) -> bool:
    """Presentation fonts, or a laptop's height: the smaller views go into tabs."""
    return window.theme.present or window.height() < COMPACT_BELOW


def shape(window) -> str:
    """ "desk" (roomy), "compact" (two rows, two columns) or "wide" (presenting on a wide screen:
    three columns, so that every plot is about as tall as it is wide, not a strip)."""
    if not compact(window):
        return "desk"
    w, h, scale = window.width(), window.height(), window.theme.scale
    return "wide" if window.theme.present and w >= WIDE_RATIO * h and w >= WIDE_MIN * scale else "compact"


def arrange(window) -> None:
    """Split and tabify the docks for the window's mode and size (again whenever that changes).

    Desk: controls | data, residuals, loss curve | surface, gradients, Jacobian (derivation as a
    tab). Compact: data over the loss curve | the surface over the other views as tabs. Wide:
    data over the loss curve | the surface | the other views as tabs. Presenting hides the controls.
    """
    d = window.docks
    kind = shape(window)
    size = window.size()  # the docks pass through one tall column, which can make the window grow
    for name in _RIGHT:  # take them all out first: re-adding a tabbed dock can leave its old tab bar on screen
        window.removeDockWidget(d[name])
    for name in _RIGHT:  # then one column: splitting and tabifying from there is repeatable
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, d[name])
        d[name].show()
    window.splitDockWidget(d["dataDock"], d["lossSurfaceDock"], H)
    if kind == "desk":
        window.splitDockWidget(d["dataDock"], d["residualsDock"], V)
        window.splitDockWidget(d["residualsDock"], d["lossCurveDock"], V)
        window.splitDockWidget(d["lossSurfaceDock"], d["gradientDock"], V)
        window.splitDockWidget(d["gradientDock"], d["jacobianDock"], V)
        window.tabifyDockWidget(d["jacobianDock"], d["derivationDock"])
        window.tabifyDockWidget(d["jacobianDock"], d["networkDock"])
        window.tabifyDockWidget(d["jacobianDock"], d["curvatureDock"])
        window.tabifyDockWidget(d["jacobianDock"], d["runsDock"])
    else:
        window.splitDockWidget(d["dataDock"], d["lossCurveDock"], V)
        with_data = _WITH_DATA if window.theme.present else _WITH_DATA_AT_DESK
        for name in with_data:
            window.tabifyDockWidget(d["dataDock"], d[name])
        window.splitDockWidget(d["lossSurfaceDock"], d["gradientDock"], H if kind == "wide" else V)
        for name in _TABS[1:]:
            if name not in with_data:
                window.tabifyDockWidget(d[_TABS[0]], d[name])
    for name, short in _TAB_TITLES.items():
        full = d[name].property("fullTitle") or d[name].windowTitle()
        d[name].setProperty("fullTitle", full)
        d[name].setWindowTitle(full if kind == "desk" else short)
    _tab_titles_once(window)
    window.model.shape = kind
    window.layout().activate()  # the new arrangement's minimum, not the column's, limits the size
    window.resize(size)
    whole_tab_titles(window)
    raise_front(window)
    if window.isVisible():  # once the docks have their new places
        QTimer.singleShot(0, window, lambda: hide_stale_tab_bars(window))


def _tab_titles_once(window) -> None:
    """Presenting, a dock in a tab group is named by its tab: its title bar, the same words again above
    it, gives its line to the plot (24 px of a column at 1024 × 768). Alone, a dock keeps its title."""
    for dock in window.docks.values():
        named_by_tab = window.theme.present and bool(window.tabifiedDockWidgets(dock))
        if named_by_tab and dock.titleBarWidget() is None:
            dock.setTitleBarWidget(QWidget(dock))
        elif not named_by_tab and dock.titleBarWidget() is not None:
            dock.setTitleBarWidget(None)


def hide_stale_tab_bars(window) -> None:
    """Hide the tab bars Qt left behind: the first bar of a tab group formed while another group exists
    is replaced by a new one and stays on the window, over the views, with the group's old titles. A
    live bar sits right under its group's front dock, as wide."""
    docks = [d for d in window.docks.values() if d.isVisible() and not d.isFloating()]
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        geo = bar.geometry()
        live = any(abs(d.geometry().bottom() - geo.top()) <= 3 and abs(d.x() - geo.x()) <= 3 for d in docks)
        if bar.isVisible() and not live:
            bar.hide()


def whole_tab_titles(window) -> None:
    """Six views share a tab group: whole words and scroll arrows rather than "Gradi…", "Net…" (also
    on the tab bars a restored layout makes)."""
    for bar in window.findChildren(QTabBar):
        bar.setElideMode(Qt.TextElideMode.ElideNone)
        bar.setUsesScrollButtons(True)
        if compact(window):  # Qt's padding is a roomy desk's: five or six titles must fit a column
            if window.theme.present:
                bar.setFont(window.theme.font(TAB_FONT))
            pad = round(4 * window.theme.scale)
            bar.setStyleSheet(f"QTabBar::tab {{ padding: {pad // 2}px {pad}px; }}")
        else:
            bar.setStyleSheet("")


def open_beside_surface(window, dock) -> None:
    """A dock opened from the View menu (the 3-D surface) as a tab in front of the 2-D surface's place;
    tabbed there only now: a hidden tab leaves its group's tab bar on screen."""
    surface = window.docks["lossSurfaceDock"]
    if not dock.isFloating() and dock not in window.tabifiedDockWidgets(surface) and not surface.isHidden():
        window.tabifyDockWidget(surface, dock)
    dock.show()
    dock.raise_()


def enlarge(window, dock) -> None:
    """`dock` takes its whole column (a lesson's scene that needs a larger view: the network); the views
    above and below it step aside until the layout is reset (a squeezed plot would be unreadable)."""
    if dock.isHidden() or dock.isFloating():
        return
    x0, x1 = dock.x(), dock.x() + dock.width()
    column = [
        other
        for other in window.docks.values()
        if other is not dock
        and not other.isFloating()
        and not other.visibleRegion().isEmpty()  # on screen: not closed, not behind a tab
        and other not in window.tabifiedDockWidgets(dock)
        and other.x() < x1 - 10
        and other.x() + other.width() > x0 + 10
    ]
    for other in column:  # and the tabs behind it: a tab group whose front dock hides shows its next one
        for hidden in (other, *window.tabifiedDockWidgets(other)):
            hidden.hide()


def raise_front(window) -> None:
    """The default views in front of their tab groups (and a race's table, and the view a lesson wants)."""
    d = window.docks
    d["lossSurfaceDock"].raise_()  # the 2-D surface in front of the 3-D one
    d["dataDock"].raise_()  # in front of the curvature, which shares its place in two rows
    d["jacobianDock" if window.model.shape == "desk" else "gradientDock"].raise_()
    if len(window.session.runs) > 1:  # a race: its table in front
        d["runsDock"].raise_()
    for key in window.model.front:  # the views the lesson wants in front
        d[dock_name(key)].raise_()


def fit_to_problem(window) -> None:
    """On a function the docks of data and samples step aside, so the surface and the loss curve
    have their room, and the derivation (∇f written out) comes to the front of its tab group; back
    on a model, the docks that stepped aside return. (Opened again by hand, they say why they are
    empty.)"""
    aside = window.model.stepped_aside
    d = window.docks
    if window.session.settings.is_function:
        if aside:
            return
        for spec in VIEWS:
            if spec.steps_aside and not d[spec.dock].isHidden():
                aside.add(spec.key)
                d[spec.dock].hide()
        if not window.model.front:  # unless a lesson asked for other views in front
            d["derivationDock"].raise_()
            # and again once the hidden tabs are gone (a tab bar that loses its current tab picks another)
            QTimer.singleShot(0, d["derivationDock"].raise_)
        if not (d["lossCurveDock"].isHidden() or d["lossSurfaceDock"].isHidden()):  # the surface is the picture
            docks, widths = _columns(window)
            rest = window.width() - sum(widths)
            left = int(rest * DESK_SHARE)
            window.resizeDocks(docks + [d["lossCurveDock"], d["lossSurfaceDock"]], widths + [left, rest - left], H)
            if not d["derivationDock"].isHidden():  # and the taller share of its column
                rows = window.height() - 140
                window.resizeDocks([d["lossSurfaceDock"], d["derivationDock"]], [int(rows * 0.62), int(rows * 0.38)], V)
        return
    for key in sorted(aside):
        d[dock_name(key)].show()
    if aside:
        aside.clear()
        raise_front(window)


def _columns(window) -> tuple[list, list[int]]:
    """The controls' dock and its width at the desk (none presenting, or where it is closed)."""
    dock = window.docks[CONTROLS_DOCK]
    if window.theme.present or dock.isHidden():
        return [], []
    return [dock], [int(min(330 * window.theme.scale, 0.24 * window.width()))]


def default_sizes(window) -> None:
    """Every dock shown at its default size for the window's current size (re-arranged if need be)."""
    size = window.size()
    _default_sizes(window)
    if window.size() != size:  # the docks on their way (all shown, in one column) widened it: 1024 became 1086
        window.layout().activate()
        window.resize(size)


def _default_sizes(window) -> None:
    if window.model.shape != shape(window):
        arrange(window)
    d = window.docks
    # every view is back, presenting without the controls (not shown only to be hidden: each costs a layout of
    # the window at every scene); the 3-D surface is closed until asked for (View › 3-D surface,
    # `open_beside_surface`: it needs OpenGL), after it was shown with the others (its tab group's state then
    # is the one the layout was designed and audited with)
    for name, dock in d.items():
        dock.setHidden(name == CONTROLS_DOCK and window.theme.present)
    d["surface3dDock"].hide()
    window.row_balancer.stepped_aside.clear()
    window.model.stepped_aside.clear()
    raise_front(window)
    kind = window.model.shape
    width, height = window.width(), window.height()
    if window.theme.present:
        columns = ["dataDock", "lossSurfaceDock"] + (["gradientDock"] if kind == "wide" else [])
        window.resizeDocks([d[n] for n in columns], [width // len(columns)] * len(columns), H)
    else:
        docks, widths = _columns(window)
        rest = width - sum(widths)
        left = rest // 2 if kind == "desk" else int(rest * DESK_SHARE)
        window.resizeDocks(docks + [d["dataDock"], d["lossSurfaceDock"]], widths + [left, rest - left], H)
    if kind == "desk":
        rows = [int((height - 120) * f) for f in (0.46, 0.27, 0.27)]
        for names in (
            ("dataDock", "residualsDock", "lossCurveDock"),
            ("lossSurfaceDock", "gradientDock", "jacobianDock"),
        ):
            window.resizeDocks([d[n] for n in names], rows, V)
    else:
        rows = [int((height - 140) * f) for f in (TOP_SHARE[kind], 1 - TOP_SHARE[kind])]
        window.resizeDocks([d["dataDock"], d["lossCurveDock"]], rows, V)
        if kind == "compact":
            window.resizeDocks([d["lossSurfaceDock"], d["gradientDock"]], rows, V)
    fit_to_problem(window)
    # in two rows their plots get the shares; in any column a plot under lines of words gets its least height
    window.row_balancer.request()


def _key(window) -> str:
    return "presentation" if window.theme.present else "window"


def _version(window) -> int:
    """Changes whenever the set of docks does: a layout saved by another version is ignored."""
    return (_SETTINGS_VERSION << 20) ^ (zlib.crc32(",".join(sorted(window.docks)).encode()) & 0xFFFFF)


def restore(window, screen_rect=None) -> bool:
    """The layout the user left last time (True if there was one for these docks that fits the screen).

    A layout saved on a larger screen (a projector's, then a laptop's) is discarded, not squeezed.
    """
    settings = QSettings()
    geometry = settings.value(f"{_key(window)}/geometry")
    state = settings.value(f"{_key(window)}/state")
    size = settings.value(f"{_key(window)}/size")
    if screen_rect is not None and size is not None:
        try:
            w, h = (int(v) for v in size)
        except (TypeError, ValueError):
            w = h = 10**9
        if w > screen_rect.width() or h > screen_rect.height():
            return False
    if geometry is not None:
        window.restoreGeometry(geometry)
    return bool(state is not None and window.restoreState(state, _version(window)))


def save(window) -> None:
    """The layout as the user arranged it for models: docks that stepped aside for a function count as shown."""
    for key in window.model.stepped_aside:
        window.docks[dock_name(key)].show()
    settings = QSettings()
    settings.setValue(f"{_key(window)}/geometry", window.saveGeometry())
    settings.setValue(f"{_key(window)}/state", window.saveState(_version(window)))
    settings.setValue(f"{_key(window)}/size", [window.width(), window.height()])
