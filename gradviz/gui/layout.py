"""Where the docks go: the desk and the presentation layouts, and remembering the user's own.

Desk: controls | data, residuals, loss curve | surface, gradients, Jacobian (derivation as a
tab). Presentation: the controls closed (the toolbar and keys drive it), data and surface
large on top, the loss curve under the data, the other views as tabs under the surface.
The two are remembered separately; a layout saved with another set of docks is ignored.
"""

from __future__ import annotations

import zlib

from PySide6.QtCore import QSettings, Qt

__all__ = ["arrange", "compact", "default_sizes", "fit_to_screen", "restore", "save"]

_SETTINGS_VERSION = 1
H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical


COMPACT_BELOW = 900  # window heights (logical pixels) under this put the smaller views in tabs
_TABS = ("gradientDock", "residualsDock", "jacobianDock", "derivationDock")
_TAB_TITLES = {"gradientDock": "Gradients", "residualsDock": "Residuals", "jacobianDock": "Jacobian"}  # fit a tab
_RIGHT = ("dataDock", "lossCurveDock", "lossSurfaceDock", *_TABS)


def compact(window) -> bool:
    """Presentation fonts, or a laptop's height: two rows of views, the smaller ones as tabs."""
    return window.theme.present or window.height() < COMPACT_BELOW


def arrange(window) -> None:
    """Split and tabify the docks for the window's mode and size (again whenever that changes).

    Roomy desk: controls | data, residuals, loss curve | surface, gradients, Jacobian (derivation
    as a tab). Compact (presentation, or under 900 pixels of height): data over the loss curve,
    the surface over the other views as tabs; the presentation hides the controls.
    """
    d = window.docks
    for name in _RIGHT:  # start from one column: splitting and tabifying from there is repeatable
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, d[name])
    window.splitDockWidget(d["dataDock"], d["lossSurfaceDock"], H)
    if compact(window):
        window.splitDockWidget(d["dataDock"], d["lossCurveDock"], V)
        window.splitDockWidget(d["lossSurfaceDock"], d["gradientDock"], V)
        for a, b in zip(_TABS, _TABS[1:], strict=False):
            window.tabifyDockWidget(d[a], d[b])
    else:
        window.splitDockWidget(d["dataDock"], d["residualsDock"], V)
        window.splitDockWidget(d["residualsDock"], d["lossCurveDock"], V)
        window.splitDockWidget(d["lossSurfaceDock"], d["gradientDock"], V)
        window.splitDockWidget(d["gradientDock"], d["jacobianDock"], V)
        window.tabifyDockWidget(d["jacobianDock"], d["derivationDock"])
    for name, short in _TAB_TITLES.items():
        full = d[name].property("fullTitle") or d[name].windowTitle()
        d[name].setProperty("fullTitle", full)
        d[name].setWindowTitle(short if compact(window) else full)
    window.arranged_compact = compact(window)
    d[_front(window)].raise_()


def _front(window) -> str:
    return "gradientDock" if compact(window) else "jacobianDock"


def default_sizes(window) -> None:
    """Every dock shown at its default size for the window's current size (re-arranged if need be)."""
    if getattr(window, "arranged_compact", None) != compact(window):
        arrange(window)
    d = window.docks
    for dock in d.values():
        dock.show()
    d[_front(window)].raise_()
    width, height = window.width(), window.height()
    rows = [int((height - 140) * 0.54), int((height - 140) * 0.46)]
    if window.theme.present:
        d["controlsDock"].hide()
        window.resizeDocks([d["dataDock"], d["lossSurfaceDock"]], [width // 2, width // 2], H)
    else:
        controls = int(min(330 * window.theme.scale, 0.24 * width))
        column = (width - controls) // 2
        window.resizeDocks([d["controlsDock"], d["dataDock"], d["lossSurfaceDock"]], [controls, column, column], H)
    if compact(window):
        for names in (("dataDock", "lossCurveDock"), ("lossSurfaceDock", "gradientDock")):
            window.resizeDocks([d[n] for n in names], rows, V)
        return
    rows = [int((height - 120) * f) for f in (0.46, 0.27, 0.27)]
    for names in (("dataDock", "residualsDock", "lossCurveDock"), ("lossSurfaceDock", "gradientDock", "jacobianDock")):
        window.resizeDocks([d[n] for n in names], rows, V)


def fit_to_screen(window, screen_rect) -> None:
    """Never larger than the screen's free area: shrink to it, and move inside it."""
    width = min(window.width(), screen_rect.width())
    height = min(window.height(), screen_rect.height())
    window.resize(width, height)
    window.move(
        screen_rect.x() + (screen_rect.width() - width) // 2, screen_rect.y() + (screen_rect.height() - height) // 2
    )


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
    settings = QSettings()
    settings.setValue(f"{_key(window)}/geometry", window.saveGeometry())
    settings.setValue(f"{_key(window)}/state", window.saveState(_version(window)))
    settings.setValue(f"{_key(window)}/size", [window.width(), window.height()])
