"""The runs of a race on the loss surface: each one's path and current point in its colour.

The focused run's path is drawn wider; its current point, −∇L and next Δθ stay DescentMarks'.
Every path has a white halo under it: the run colours are dark and light, the colour map too.
A click near a path focuses its run (`run_at`), rather than starting a new run there.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gradviz.state.series import clip_polyline, thin_polyline

from .. import palette
from ..race import RaceEntry
from ..theme import Theme

__all__ = ["RaceMarks", "HIT_PX"]

HIT_PX = 8  # a click this close to a path (in pixels) picks its run


class RaceMarks:
    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.theme = theme
        self.items: list[tuple[pg.PlotDataItem, pg.ScatterPlotItem]] = []
        self._styles: list[tuple | None] = []  # each item's (colour, focused): pens are set when it changes
        self._drawn: list[tuple[int, np.ndarray]] = []  # (run index, drawn points): what a click can hit

    def _item(self, k: int):
        while len(self.items) <= k:
            line = pg.PlotDataItem()  # its shadow pen is the halo: one path to build, not two
            dot = pg.ScatterPlotItem(size=12 * self.theme.scale, pen=pg.mkPen(palette.HALO, width=2))
            for item in (line, dot):
                self.plot.addItem(item)
            self.items.append((line, dot))
            self._styles.append(None)
        return self.items[k]

    def _style(self, k: int, entry: RaceEntry) -> None:
        if self._styles[k] == (entry.color, entry.focused, entry.stopped):
            return
        self._styles[k] = (entry.color, entry.focused, entry.stopped)
        line, dot = self.items[k]
        width = self.theme.line_width * (1.8 if entry.focused else 1.0)
        line.setPen(pg.mkPen(entry.color, width=width))
        line.setShadowPen(pg.mkPen(palette.HALO, width=width + 2.5 * self.theme.scale))
        line.setZValue(1.8 if entry.focused else 1.6)
        dot.setBrush(pg.mkBrush(entry.color))
        dot.setSymbol("x" if entry.stopped else "o")  # ✕: it diverged, here is its last finite step
        dot.setSize((16 if entry.stopped else 12) * self.theme.scale)
        dot.setZValue(7.5)
        dot.setVisible(not entry.focused)  # the focused run's point is DescentMarks' (with its arrows)

    def draw(self, entries: list[RaceEntry], paths: tuple[np.ndarray, ...]) -> None:
        """Every entry's path (the focused one's last, on top); `paths[i]` ends at run i's current point."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        span = np.maximum(np.array([x1 - x0, y1 - y0]), 1e-300)
        lo, hi = np.array([x0, y0]) - span, np.array([x1, y1]) + span  # a view around the view: cut beyond
        others = sorted(entries, key=lambda e: e.focused)
        self._drawn = []
        for k, entry in enumerate(others):
            line, dot = self._item(k)
            self._style(k, entry)
            coords = paths[entry.index]
            finite = coords[np.all(np.isfinite(coords), axis=1)]
            with np.errstate(over="ignore"):
                drawn = finite[thin_polyline(finite / span, 1 / 400)] if len(finite) else finite
            shown = clip_polyline(drawn, lo, hi)
            line.setData(shown[:, 0], shown[:, 1], connect="finite")
            line.setVisible(True)
            if not entry.focused:
                dot.setData(finite[-1:, 0], finite[-1:, 1])
                self._drawn.append((entry.index, drawn))
        for k in range(len(others), len(self.items)):
            for item in self.items[k]:
                item.setVisible(False)
            self._styles[k] = None

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
