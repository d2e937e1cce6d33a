"""Where the docks go: the desk and the presentation layouts, and remembering the user's own.

Desk: controls | data, residuals, loss curve | surface, gradients, Jacobian (derivation as a
tab). Presentation: the controls closed (the toolbar and keys drive it), data and surface
large on top, the loss curve under the data, the other views as tabs under the surface.
The two are remembered separately; a layout saved with another set of docks is ignored.
"""

from __future__ import annotations

import zlib

from PySide6.QtCore import QSettings, Qt

__all__ = ["arrange", "default_sizes", "restore", "save"]

_SETTINGS_VERSION = 1
H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical


def arrange(window) -> None:
    """Split and tabify the docks into the layout for the window's mode."""
    d = window.docks
    window.splitDockWidget(d["dataDock"], d["lossSurfaceDock"], H)
    if window.theme.present:
        window.splitDockWidget(d["dataDock"], d["lossCurveDock"], V)
        window.splitDockWidget(d["lossSurfaceDock"], d["gradientDock"], V)
        for a, b in (
            ("gradientDock", "residualsDock"),
            ("residualsDock", "jacobianDock"),
            ("jacobianDock", "derivationDock"),
        ):
            window.tabifyDockWidget(d[a], d[b])
    else:
        window.splitDockWidget(d["dataDock"], d["residualsDock"], V)
        window.splitDockWidget(d["residualsDock"], d["lossCurveDock"], V)
        window.splitDockWidget(d["lossSurfaceDock"], d["gradientDock"], V)
        window.splitDockWidget(d["gradientDock"], d["jacobianDock"], V)
        window.tabifyDockWidget(d["jacobianDock"], d["derivationDock"])
    d[_front(window)].raise_()


def _front(window) -> str:
    return "gradientDock" if window.theme.present else "jacobianDock"


def default_sizes(window) -> None:
    """Every dock shown at its default size for the window's current size."""
    d = window.docks
    for dock in d.values():
        dock.show()
    d[_front(window)].raise_()
    width, height = window.width(), window.height()
    if window.theme.present:
        d["controlsDock"].hide()
        window.resizeDocks([d["dataDock"], d["lossSurfaceDock"]], [width // 2, width // 2], H)
        rows = [int((height - 140) * 0.6), int((height - 140) * 0.4)]
        for names in (("dataDock", "lossCurveDock"), ("lossSurfaceDock", "gradientDock")):
            window.resizeDocks([d[n] for n in names], rows, V)
        return
    controls = int(min(330 * window.theme.scale, 0.26 * width))
    column = (width - controls) // 2
    window.resizeDocks([d["controlsDock"], d["dataDock"], d["lossSurfaceDock"]], [controls, column, column], H)
    rows = [int((height - 120) * f) for f in (0.46, 0.27, 0.27)]
    for names in (("dataDock", "residualsDock", "lossCurveDock"), ("lossSurfaceDock", "gradientDock", "jacobianDock")):
        window.resizeDocks([d[n] for n in names], rows, V)


def _key(window) -> str:
    return "presentation" if window.theme.present else "window"


def _version(window) -> int:
    """Changes whenever the set of docks does: a layout saved by another version is ignored."""
    return (_SETTINGS_VERSION << 20) ^ (zlib.crc32(",".join(sorted(window.docks)).encode()) & 0xFFFFF)


def restore(window) -> bool:
    """The layout the user left last time (True if there was one for these docks)."""
    settings = QSettings()
    geometry = settings.value(f"{_key(window)}/geometry")
    state = settings.value(f"{_key(window)}/state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    return bool(state is not None and window.restoreState(state, _version(window)))


def save(window) -> None:
    settings = QSettings()
    settings.setValue(f"{_key(window)}/geometry", window.saveGeometry())
    settings.setValue(f"{_key(window)}/state", window.saveState(_version(window)))
