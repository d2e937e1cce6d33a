"""What the loss surface draws for the run: the path, the current point, −∇L and the next step Δθ.

−∇L is a direction: it is drawn with a fixed length on screen (its size goes in the note) and
not at all where ∇L is zero to rounding. Δθ is a displacement: it is drawn to scale, and where
it would leave the plot it is cut at the edge and said so. Nothing is ever drawn off the plot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gradviz.core.params import norm
from gradviz.state.series import thin_polyline

from .. import palette
from ..theme import Theme
from .plot_items import head_angle

__all__ = ["DescentMarks", "Drawn", "ARROW_PX", "MARKED_STEPS", "STATIONARY", "inside"]

ARROW_PX = 60  # the −∇L arrow's length on screen (× the theme's scale)
MARKED_STEPS = 200  # paths with more drawn points are drawn without a dot per step
STATIONARY = 1e-12  # ‖∇L‖ below this × the parameters' scale is zero to rounding
_INSET = 0.02  # arrows end this fraction of the view inside its edge


@dataclass(frozen=True)
class Drawn:
    """What the marks showed, for the note under the plot (and the tests)."""

    stationary: bool  # no −∇L arrow: the gradient is zero to rounding
    update_cut: bool  # Δθ reaches beyond the plot and is drawn to its edge
    grad_tip: np.ndarray | None
    update_tip: np.ndarray


class DescentMarks:
    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.theme = theme
        self.path = pg.PlotDataItem(
            pen=pg.mkPen(palette.PATH, width=theme.line_width),
            symbol="o",
            symbolSize=4 * theme.scale,
            symbolBrush=pg.mkBrush(palette.PATH),
            symbolPen=None,
        )
        self._marked = True
        self._raced = False
        self.start = pg.ScatterPlotItem(
            size=9 * theme.scale, symbol="s", brush=pg.mkBrush(palette.PAPER), pen=pg.mkPen(palette.INK, width=1)
        )
        self.current = pg.ScatterPlotItem(
            size=15 * theme.scale, brush=pg.mkBrush(palette.CURRENT), pen=pg.mkPen(palette.INK, width=2)
        )
        self.grad_line = pg.PlotDataItem(pen=pg.mkPen(palette.GRADIENT, width=theme.line_width * 1.3))
        self.grad_head = pg.ArrowItem(headLen=14 * theme.scale, tipAngle=35, brush=palette.GRADIENT, pen=None)
        self.update_line = pg.PlotDataItem(
            pen=pg.mkPen(palette.UPDATE, width=theme.line_width * 1.2, style=Qt.PenStyle.DashLine)
        )
        self.update_head = pg.ArrowItem(headLen=11 * theme.scale, tipAngle=35, brush=palette.UPDATE, pen=None)
        # the start square over the current step's dot: at step 0 they coincide, and "the square is where
        # we start" must still show a square
        for z, item in enumerate(
            (self.path, self.update_line, self.grad_line, self.update_head, self.grad_head, self.current, self.start), 2
        ):
            item.setZValue(z)
            plot.addItem(item)

    def set_raced(self, raced: bool) -> None:
        """In a race every run's path is drawn in its colour by RaceMarks: this one keeps the start,
        the current point, −∇L and Δθ of the focused run."""
        if raced != self._raced:
            self._raced = raced
            self.path.setVisible(not raced)

    def draw(self, coords: np.ndarray, grad: np.ndarray, delta: np.ndarray, stationary: bool) -> Drawn:
        """coords: the path (T, 2) ending at the current point; grad: ∇L and delta: Δθ in slice coordinates."""
        vb = self.plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        span = np.array([x1 - x0, y1 - y0])
        with np.errstate(over="ignore"):  # zoomed far in on a path far away: those points are off the plot anyway
            drawn = coords[thin_polyline(coords / np.maximum(span, 1e-300), 1 / 400)]  # ~1 pixel apart
        marked = len(drawn) <= MARKED_STEPS  # a dot per step while the dots can be told apart
        if marked != self._marked:
            self._marked = marked
            self.path.setSymbol("o" if marked else None)
        self.path.setData(drawn[:, 0], drawn[:, 1])
        self.start.setData([coords[0, 0]], [coords[0, 1]])
        here = coords[-1]
        self.current.setData([here[0]], [here[1]])
        lo = np.array([x0, y0]) + _INSET * span
        hi = np.array([x1, y1]) - _INSET * span
        grad_tip = None
        if stationary or not np.all(np.isfinite(grad)) or not np.any(grad):
            self.grad_line.setData([], [])
            self.grad_head.setVisible(False)
        else:
            px = np.maximum(np.array(vb.viewPixelSize()), 1e-300)
            unit = grad / np.abs(grad).max()  # first to ±1: a gradient of 1e300 over pixels of 1e-300 overflows
            direction = -unit / (px / px.max())  # −∇L in pixels: both axes' scales count
            direction *= ARROW_PX * self.theme.scale / norm(direction)
            grad_tip = inside(here, here + direction * px, lo, hi)
            self._arrow(self.grad_line, self.grad_head, here, grad_tip)
        end = here + delta
        update_tip = inside(here, end, lo, hi) if np.all(np.isfinite(end)) else here
        self._arrow(self.update_line, self.update_head, here, update_tip)
        return Drawn(
            stationary=grad_tip is None,
            update_cut=not np.allclose(update_tip, end),
            grad_tip=grad_tip,
            update_tip=update_tip,
        )

    def _arrow(self, line: pg.PlotDataItem, head: pg.ArrowItem, start: np.ndarray, tip: np.ndarray) -> None:
        line.setData([start[0], tip[0]], [start[1], tip[1]])
        d = tip - start
        px = np.maximum(np.array(self.plot.getViewBox().viewPixelSize()), 1e-300)
        if norm(d / px) < 3:  # shorter than its own head: no head
            head.setVisible(False)
            return
        head.setStyle(angle=head_angle(self.plot.getViewBox(), d))
        head.setPos(tip[0], tip[1])
        head.setVisible(True)


def inside(start: np.ndarray, end: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The end of the segment start → end, cut where it leaves the box [lo, hi] (start is inside)."""
    d = end - start
    t = 1.0
    for axis in (0, 1):
        if d[axis] > 0:
            t = min(t, (hi[axis] - start[axis]) / d[axis])
        elif d[axis] < 0:
            t = min(t, (lo[axis] - start[axis]) / d[axis])
    return start + max(t, 0.0) * d
