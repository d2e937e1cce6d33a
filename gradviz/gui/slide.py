"""One view posed for a slide: at a slide's size, without the buttons and combos that drive it.

In the window a view has the size its dock gives it (632 × 354, say) and carries its own controls; a
slide wants the plot, its legend, colour bar and axis titles, at 1280 × 720 or whatever the slide
is. The view is lifted out of its dock for the picture, laid out off screen at that size, drawn
finished, and put back where it was: the window does not change.
"""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QWidget,
)

from gradviz.cli import SLIDE_SIZE

__all__ = ["SLIDE_SIZE", "CHROME", "chrome_of", "posed_for_slide"]

CHROME = "chrome"  # a widget property: instructions for the user at the desk (the data view's hint), not content
_CONTROLS = (QAbstractButton, QComboBox, QAbstractSpinBox, QAbstractSlider, QLineEdit)


def chrome_of(view: QWidget) -> list[QWidget]:
    """What drives the view rather than shows the state: its buttons, combos, fields, sliders and
    the widgets marked `CHROME`, among those it shows now."""
    found = [w for w in view.findChildren(QWidget) if isinstance(w, _CONTROLS) or w.property(CHROME)]
    return [w for w in found if w.isVisibleTo(view)]


@contextmanager
def posed_for_slide(window, view: str, size: tuple[int, int], keep_controls: bool = False):
    """Yield the widget of `view` (a dock's name without "Dock") laid out alone at `size`, finished
    and without its controls (unless `keep_controls`); afterwards it is back in its dock as it was."""
    dock = window.docks[f"{view}Dock"]
    widget = dock.widget()
    holder = QWidget()  # keeps the dock's place in the window meanwhile
    dock.setWidget(holder)
    widget.setParent(None)
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    hidden = [] if keep_controls else chrome_of(widget)
    for w in hidden:
        w.hide()
    widget.resize(*size)
    widget.show()
    if hasattr(widget, "set_shown"):
        widget.set_shown(True)
    try:
        for _ in range(3):
            QApplication.processEvents()
        window.finish_rendering()
        QApplication.processEvents()
        yield widget
    finally:
        for w in hidden:
            w.show()
        widget.hide()
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)
        dock.setWidget(widget)
        holder.deleteLater()
        widget.show()
        if hasattr(widget, "set_shown"):
            widget.set_shown(not dock.visibleRegion().isEmpty())
