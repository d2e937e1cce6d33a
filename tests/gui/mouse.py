"""Real mouse events on a pyqtgraph plot, placed in data coordinates."""

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def to_widget(plot_widget, x: float, y: float) -> QPoint:
    """Data coordinates → pixel position in the plot widget's viewport (after layout settles)."""
    QApplication.processEvents()
    vb = plot_widget.getPlotItem().getViewBox()
    scene = vb.mapViewToScene(QPointF(x, y))
    return plot_widget.mapFromScene(scene)


def _send(widget, kind, pos: QPoint, button, buttons):
    global_pos = widget.mapToGlobal(pos)
    event = QMouseEvent(kind, QPointF(pos), QPointF(global_pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def click(plot_widget, x, y, button=Qt.MouseButton.LeftButton):
    vp = plot_widget.viewport()
    pos = to_widget(plot_widget, x, y)
    _send(vp, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    _send(vp, QEvent.Type.MouseButtonPress, pos, button, button)
    _send(vp, QEvent.Type.MouseButtonRelease, pos, button, Qt.MouseButton.NoButton)
    QApplication.processEvents()


def drag(plot_widget, start, end, steps: int = 8, button=Qt.MouseButton.LeftButton):
    vp = plot_widget.viewport()
    a = to_widget(plot_widget, *start)
    b = to_widget(plot_widget, *end)
    _send(vp, QEvent.Type.MouseMove, a, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    _send(vp, QEvent.Type.MouseButtonPress, a, button, button)
    for i in range(1, steps + 1):
        # a hand moves at most ~100 times a second; pyqtgraph drops moves that come faster
        QTest.qWait(15)
        p = a + (b - a) * (i / steps)
        _send(vp, QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, button)
    _send(vp, QEvent.Type.MouseButtonRelease, b, button, Qt.MouseButton.NoButton)
    QApplication.processEvents()
