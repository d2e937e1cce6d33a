"""The runs of a race on the loss surface: each one's path and current point in its colour.

The focused run's path is drawn wider; its current point, −∇L and next Δθ stay DescentMarks'.
Every path has a white halo under it: the run colours are dark and light, the colour map too.
A click near a path focuses its run (`run_at`), rather than starting a new run there.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gradviz.state.series import thin_polyline

from ..race import RaceEntry
from ..theme import Theme

__all__ = ["RaceMarks", "HIT_PX"]

HIT_PX = 8  # a click this close to a path (in pixels) picks its run


class RaceMarks:
    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.theme = theme
        self._items: list[tuple[pg.PlotDataItem, pg.PlotDataItem, pg.ScatterPlotItem]] = []
        self._drawn: list[tuple[int, np.ndarray]] = []  # (run index, drawn points): what a click can hit

    def _item(self, k: int):
        while len(self._items) <= k:
            w = self.theme.line_width
            halo = pg.PlotDataItem(pen=pg.mkPen("#ffffff", width=w + 2.5 * self.theme.scale))
            line = pg.PlotDataItem(pen=pg.mkPen("k", width=w))
            dot = pg.ScatterPlotItem(size=12 * self.theme.scale, pen=pg.mkPen("#ffffff", width=2))
            for z, item in zip((1.5, 1.6, 7.5), (halo, line, dot), strict=True):
                item.setZValue(z)
                self.plot.addItem(item)
            self._items.append((halo, line, dot))
        return self._items[k]

    def draw(self, entries: list[RaceEntry], paths: tuple[np.ndarray, ...]) -> None:
        """Every entry's path (the focused one's last, on top); `paths[i]` ends at run i's current point."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        span = np.maximum(np.array([x1 - x0, y1 - y0]), 1e-300)
        others = sorted(entries, key=lambda e: e.focused)
        self._drawn = []
        for k, entry in enumerate(others):
            halo, line, dot = self._item(k)
            coords = paths[entry.index]
            finite = coords[np.all(np.isfinite(coords), axis=1)]
            with np.errstate(over="ignore"):
                drawn = finite[thin_polyline(finite / span, 1 / 400)] if len(finite) else finite
            width = self.theme.line_width * (1.8 if entry.focused else 1.0)
            line.setPen(pg.mkPen(entry.color, width=width))
            halo.setPen(pg.mkPen("#ffffff", width=width + 2.5 * self.theme.scale))
            for item, z in ((halo, 1.5), (line, 1.6), (dot, 7.5)):
                item.setZValue(z + (0.2 if entry.focused else 0.0))
            halo.setData(drawn[:, 0], drawn[:, 1])
            line.setData(drawn[:, 0], drawn[:, 1])
            dot.setData(finite[-1:, 0], finite[-1:, 1], brush=pg.mkBrush(entry.color))
            for item in (halo, line):
                item.setVisible(True)
            dot.setVisible(not entry.focused)  # the focused run's point is DescentMarks' (with its arrows)
            if not entry.focused:
                self._drawn.append((entry.index, drawn))
        for halo, line, dot in self._items[len(others) :]:
            for item in (halo, line, dot):
                item.setVisible(False)

    def run_at(self, x: float, y: float) -> int | None:
        """The run whose drawn path passes within HIT_PX pixels of (x, y) in plot coordinates (the nearest)."""
        px = np.maximum(np.array(self.plot.getViewBox().viewPixelSize()), 1e-300)
        p = np.array([x, y]) / px
        best, best_d = None, HIT_PX * self.theme.scale
        for index, drawn in self._drawn:
            if len(drawn) == 0:
                continue
            q = drawn / px
            a, b = q[:-1], q[1:]
            if len(a) == 0:
                d = float(np.hypot(*(q[0] - p)))
            else:
                ab = b - a
                t = np.clip(np.einsum("ij,ij->i", p - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-300), 0, 1)
                d = float(np.min(np.hypot(*(a + t[:, None] * ab - p).T)))
            if d <= best_d:
                best, best_d = index, d
        return best
