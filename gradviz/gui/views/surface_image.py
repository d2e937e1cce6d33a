"""A loss surface as an image on a plot: colours, a colour bar with its label, and contour lines."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainter

from gradviz import core

from .. import palette
from ..theme import Theme

__all__ = ["SurfaceImage", "CONTOURS"]

CONTOURS = 9
LOG_DECADES = 8  # log colours span at most this many decades below the top: lower values get the lowest colour


class _SmoothImage(pg.ImageItem):
    """The grid's colours blended between its points (bilinear) rather than drawn as blocks: the loss is
    computed on a grid of points, and on a 4K slide each of the 100 × 100 cells was a 50-pixel tile."""

    def paint(self, painter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


class SurfaceImage:
    """The image item (placed in slice coordinates), its colour bar and its contours, on one plot."""

    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.image = _SmoothImage()
        self.image.setZValue(-20)
        plot.addItem(self.image)
        self.colormap = pg.colormap.get(palette.SURFACE_MAP)
        self.image.setColorMap(self.colormap)
        self.colorbar = theme.colour_bar(self.image, plot, self.colormap, (0, 1), "loss L")
        # all contour lines as one item of segments (core.contour_segments: whole-array marching
        # squares, ~10× faster than pyqtgraph's cell-by-cell IsocurveItem, which ran on the GUI thread)
        self.contours = pg.PlotDataItem(pen=pg.mkPen(palette.CONTOURS, width=1), connect="pairs")
        self.contours.setZValue(-19)
        plot.addItem(self.contours)

    def show(
        self, S: np.ndarray, alphas: np.ndarray, betas: np.ndarray, log: bool, include=(), symbol: str = "L"
    ) -> None:
        """S[i, j] at (alphas[i], betas[j]), coloured by L or log₁₀ L, with explicit levels; `symbol`
        names the quantity (f on a function).

        The colour bar's range also spans the values in `include` (the loss at the current point,
        which lies between grid points and can be below every one of them). A log scale of values that
        go below zero (a function such as x² − y²) is the log of their height above the lowest one.
        """
        extra = np.asarray(include, dtype=float)
        shift = 0.0
        if log:
            lowest = float(np.nanmin(np.concatenate([S[np.isfinite(S)], extra[np.isfinite(extra)], [0.0]])))
            shift = -lowest if lowest < 0 else 0.0
        D = np.log10(np.maximum(S + shift, 1e-12)) if log else S
        extra = np.log10(np.maximum(extra + shift, 1e-12)) if log else extra
        finite = np.concatenate([D[np.isfinite(D)], extra[np.isfinite(extra)]])
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if log:  # a minimum at 1e-30 would spend the whole map on decades nothing else lives in
            lo = max(lo, hi - LOG_DECADES)
        if hi <= lo:
            hi = lo + max(1e-9, 1e-9 * abs(lo))
        # where L overflowed (huge parameters) it is beyond every colour: drawn as the top one
        image = np.ascontiguousarray(np.where(np.isfinite(D), D, hi).T)  # row-major: rows are β (y), columns α (x)
        self.image.setImage(image, levels=(lo, hi))
        da = (alphas[-1] - alphas[0]) / max(1, len(alphas) - 1)
        db = (betas[-1] - betas[0]) / max(1, len(betas) - 1)
        self.image.setRect(
            alphas[0] - da / 2, betas[0] - db / 2, alphas[-1] - alphas[0] + da, betas[-1] - betas[0] + db
        )
        self.colorbar.setLevels((lo, hi))
        name = "loss L" if symbol == "L" else f"{symbol}(x, y)"
        label = (f"log₁₀({symbol} + {shift:.3g})" if shift else f"log₁₀ {symbol}") if log else name
        if self.colorbar.axis.labelText != label:  # a new title re-lays out the plot: only when it changes
            self.colorbar.axis.setLabel(label)
        # contour levels evenly spaced in the displayed value, skipping the extremes
        levels = np.linspace(lo, hi, CONTOURS + 2)[1:-1]
        segments = core.contour_segments(D, levels, alphas, betas)
        self.contours.setData(segments[:, 0], segments[:, 1])
        self.plot.getViewBox().setRange(
            xRange=(alphas[0], alphas[-1]), yRange=(betas[0], betas[-1]), padding=0.0, update=False
        )
