"""Zooming any plot as far in or out as a wheel goes draws and warns nothing (warnings are errors here)."""

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication


def _wheel(widget, delta, times):
    port = widget.viewport()
    at = QPoint(port.width() // 2, port.height() // 2)
    for _ in range(times):
        event = QWheelEvent(
            QPointF(at), QPointF(port.mapToGlobal(at)), QPoint(0, 0), QPoint(0, delta),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(port, event)
        QApplication.processEvents()


@pytest.mark.parametrize("delta", [120, -120])
def test_zooming_to_the_extremes_warns_nothing(make_window, qtbot, delta):
    """Each plot in turn, in one window (its zoom changes no other plot)."""
    window = make_window("--preset", "mlp-moons", "--steps", "20")
    for name in ("dataPlot", "lossSurfacePlot", "lossCurvePlot", "residualsPlot", "gradientPlanePlot"):
        window.docks["residualsDock"].raise_()
        widget = window.findChild(pg.PlotWidget, name)
        if not widget.isVisible():
            window.docks["gradientDock"].raise_()
        _wheel(widget, delta, 80)
        window.session.step(3)
        window.flush()
        qtbot.wait(200)  # the surface recomputes for the new view
        window.finish_rendering()
        assert not window.grab().isNull(), name


def test_arrows_for_a_huge_gradient_on_a_tiny_view_warn_nothing(make_window):
    """Found by the GUI fuzzer: −∇L of 1e300 over pixels of 1e-300 overflowed while drawing."""
    import numpy as np

    window = make_window("--preset", "logistic-blobs", "--steps", "3")
    marks = window.surface_view.marks
    window.surface_view.plot.getViewBox().setRange(xRange=(0, 1e-12), yRange=(0, 1e-12), padding=0)
    path = np.array([[0.0, 0.0], [5e-13, 5e-13]])
    drawn = marks.draw(path, np.array([1e300, -1e300]), np.array([1e-14, 0.0]), stationary=False)
    assert drawn.grad_tip is not None and np.all(np.isfinite(drawn.grad_tip))
