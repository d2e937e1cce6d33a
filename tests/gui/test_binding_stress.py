"""PySide6 releases have broken pyqtgraph painting before (6.12.0 aborts in AxisItem.drawPicture).

Repaint a plot from a QTimer at least 1,000 times, as playback does, so that a binding
release that breaks painting fails here instead of in front of a lecture hall.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer


def test_plot_survives_a_thousand_timer_driven_repaints(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    curve = widget.plot(pen="b")
    x = np.linspace(0, 1, 200)
    count = {"n": 0}

    def tick():
        count["n"] += 1
        curve.setData(x, np.sin(x * 10 + count["n"] * 0.1))
        widget.setTitle(f"frame {count['n']}")
        widget.repaint()
        if count["n"] >= 1000:
            timer.stop()

    timer = QTimer(widget)
    timer.timeout.connect(tick)
    timer.start(0)
    qtbot.waitUntil(lambda: count["n"] >= 1000, timeout=120_000)
    assert count["n"] == 1000
