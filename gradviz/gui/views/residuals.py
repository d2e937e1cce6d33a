"""Residuals ŷ − y per sample: the error signal that, for a canonical pair, *is* dL/dz (×N).

For a non-canonical pair (MSE with a sigmoid or softmax) the view also draws N·dL/dz beside
ŷ − y, so the user sees that backprop does not get ŷ − y there. Stems, one per sample and
output, ordered by sample or by size; the selected sample stands out and a click selects a
sample everywhere; hovering shows the numbers. With many samples it draws a few thousand of
them (the worst fits, the batch, the selection, a fixed random rest) and says so.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from gradviz.state import Change

from .. import palette
from ..axis_labels import set_axis_label
from ..legend import Legend
from ..numbers import num, vec
from ..qt_session import QtSession
from ..readout import Readout
from ..theme import SymmetricRange, Theme, zero_line
from .base import View

__all__ = ["ResidualsView"]


class ResidualsView(View):
    depends = frozenset({"data", "model", "step", "selection", "settings", "view", "runs"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("residualsView")
        self.samples = np.zeros(0, dtype=int)  # the sample at each x position
        self.residuals = np.zeros((0, 1))  # ŷ − y (n, k) of the drawn samples, in sample order
        self.deltas: np.ndarray | None = None  # N·dL/dz of the drawn samples (non-canonical pairs)

        self.order_combo = QComboBox()
        self.order_combo.setObjectName("residualOrderCombo")
        self.order_combo.addItem("by sample", "index")
        self.order_combo.addItem("by size |ŷ − y|", "size")
        self.order_combo.setToolTip("Order the samples by index or by how wrong the model is on them")
        self.order_combo.setFont(theme.font(0.9))
        self.order_combo.currentIndexChanged.connect(
            lambda _: self.session.set_view(residual_order=self.order_combo.currentData())
        )
        self.readout = Readout(theme.font(0.9))
        self.readout.setObjectName("residualReadout")
        self._y_range = SymmetricRange()
        self.legend = Legend("residualsLegend", theme, 0.85, leading=[self.order_combo], trailing=[self.readout])

        self.plot_widget, self.plot = theme.plot_widget("residualsPlot")
        self.plot.setLabel("left", "ŷ − y")
        zero_line(self.plot)
        self.stems: list[pg.PlotDataItem] = []
        self.delta_stems = pg.PlotDataItem(
            pen=pg.mkPen(palette.LOGIT_GRAD, width=theme.line_width * 0.9), connect="pairs", antialias=False
        )
        self.delta_stems.setZValue(6)
        self.plot.addItem(self.delta_stems)
        self.selected_line = pg.InfiniteLine(
            angle=90, pen=pg.mkPen(palette.SELECTION, width=1, style=Qt.PenStyle.DotLine)
        )
        self.selected_marks = pg.ScatterPlotItem(
            size=11 * theme.scale, brush=pg.mkBrush(palette.TRANSPARENT), pen=pg.mkPen(palette.SELECTION, width=2)
        )
        self.selected_marks.setZValue(10)
        self.plot.addItem(self.selected_line)
        self.plot.addItem(self.selected_marks)
        self.hover = pg.TextItem(
            anchor=(0, 1), color=palette.INK, fill=pg.mkBrush(palette.BACKDROP), border=palette.FRAME
        )
        self.hover.setFont(theme.font(0.85))
        self.hover.setZValue(20)
        self.hover.setVisible(False)
        self.plot.addItem(self.hover, ignoreBounds=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot_widget, 1)

        self.plot.scene().sigMouseClicked.connect(self._on_clicked)
        self.plot.scene().sigMouseMoved.connect(self._on_hover)
        self.start()

    # ------------------------------------------------------------------ drawing
    def redraw(self, change: Change) -> None:
        s = self.session
        f = s.frame
        order = s.view.residual_order
        self.order_combo.blockSignals(True)
        self.order_combo.setCurrentIndex(self.order_combo.findData(order))
        self.order_combo.blockSignals(False)
        shown = np.arange(len(f.residuals)) if f.shown is None else f.shown
        residuals = f.residuals[shown]
        deltas = None if s.settings.is_canonical else f.logit_grads[shown]
        if order == "size":
            ranked = np.argsort(-f.misfit[shown], kind="stable")
            shown, residuals = shown[ranked], residuals[ranked]
            deltas = None if deltas is None else deltas[ranked]
        self.samples, self.residuals, self.deltas = shown, residuals, deltas
        n, k = residuals.shape
        classify = s.source_dataset.is_classification
        while len(self.stems) < k:
            item = pg.PlotDataItem(connect="pairs", antialias=False)
            item.setZValue(5)
            self.plot.addItem(item)
            self.stems.append(item)
        x = np.arange(n, dtype=float)
        width = self._stem_width(n, k)
        for c, item in enumerate(self.stems):
            if c >= k:
                item.setData([], [])
                continue
            color = palette.class_color(c) if classify and k > 1 else pg.mkColor(palette.DATA)
            item.setPen(pg.mkPen(color, width=width))
            item.setData(*_stems(x + self._offset(c, k), residuals[:, c]))
        if deltas is not None:  # beside each ŷ − y stem, the same output's N·dL/dz
            self.delta_stems.setPen(pg.mkPen(palette.LOGIT_GRAD, width=width))
            xs = np.concatenate([x + self._offset(c, k, delta=True) for c in range(k)])
            self.delta_stems.setData(*_stems(xs, deltas.T.ravel()))
        else:
            self.delta_stems.setData([], [])
        self._label(n, len(f.residuals), k, classify)
        big = max(
            float(np.abs(residuals).max(initial=0)), float(np.abs(deltas).max(initial=0)) if deltas is not None else 0
        )
        fresh = change.touches({"data", "model", "view", "runs"})
        if fresh:
            self._y_range.reset()
        if self._y_range.update(big) is not None or fresh:
            self.plot.getViewBox().setRange(
                xRange=(-1, n), yRange=(-self._y_range.half, self._y_range.half), padding=0.02
            )
        self._draw_selection()
        every = f.residuals.T  # class-major: contiguous
        mean_sq = float(np.vdot(every, every)) / every.size
        self.readout.setText(f"mean (ŷ − y)² = {num(mean_sq)}    max |ŷ − y| = {num(f.misfit.max(), 3)}")

    def _label(self, n: int, total: int, k: int, classify: bool) -> None:
        s = self.session
        order = "sample index i" if s.view.residual_order == "index" else "samples, largest |ŷ − y| first"
        if n < total:
            order += f" ({n:,} of {total:,} shown: the worst fits, the batch, the selection, a random rest)"
        self.once("axis", order, lambda text: set_axis_label(self.plot, "bottom", text))
        if classify and k > 1:
            entries = [(palette.class_color(c).name(), "line", s.source_dataset.class_names[c]) for c in range(k)]
        else:
            entries = [(palette.DATA, "line", "ŷ − y")]
        if self.deltas is not None:
            entries.append((palette.LOGIT_GRAD, "line", "N·dL/dz (what backprop uses)"))
        entries.append((palette.SELECTION, "box", "selected"))
        self.legend.set_entries(entries)

    def _offset(self, c: int, k: int, delta: bool = False) -> float:
        """x offset of output c's stem within a sample's slot (and of its N·dL/dz stem)."""
        width = 0.8 / k
        if self.deltas is None:
            return (c - (k - 1) / 2) * width
        return (c - (k - 1) / 2) * width + (0.2 if delta else -0.2) * width

    def _stem_width(self, n: int, k: int) -> float:
        return max(1.0, min(6.0, 500.0 / max(n * k, 1))) * self.theme.scale

    def _draw_selection(self) -> None:
        i = self.session.selected
        at = np.flatnonzero(self.samples == i) if i is not None else []
        if len(at) == 0:
            self.selected_line.setVisible(False)
            self.selected_marks.setData([], [])
            return
        x = float(at[0])
        k = self.residuals.shape[1]
        self.selected_line.setPos(x)
        self.selected_line.setVisible(True)
        self.selected_marks.setData([x + self._offset(c, k) for c in range(k)], self.residuals[at[0]])

    # ------------------------------------------------------------------ mouse
    def _sample_at(self, scene_pos) -> int | None:
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos) or len(self.samples) == 0:
            return None
        j = int(round(vb.mapSceneToView(scene_pos).x()))
        return int(self.samples[j]) if 0 <= j < len(self.samples) else None

    def _on_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        i = self._sample_at(ev.scenePos())
        if i is not None:
            self.session.select(i)
            ev.accept()

    def _on_hover(self, scene_pos) -> None:
        i = self._sample_at(scene_pos)
        if i is None:
            self.hover.setVisible(False)
            return
        s = self.session
        P, Y = s.frame.predictions[i], s.dataset.Y[i]
        lines = [f"sample {i}"]
        for c in range(len(P)):
            name = f"[{c}]" if len(P) > 1 else ""
            lines.append(f"ŷ{name} = {num(P[c])}   y{name} = {num(Y[c])}   ŷ − y = {num(P[c] - Y[c])}")
        if not s.settings.is_canonical:
            lines.append("N·dL/dz = " + vec(s.frame.logit_grads[i]))
        self.hover.setText("\n".join(lines))
        pos = self.plot.getViewBox().mapSceneToView(scene_pos)
        self.hover.setPos(pos.x(), pos.y())
        self.hover.setVisible(True)


def _stems(x: np.ndarray, heights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertical segments from 0 to each height, as pairs for connect='pairs'."""
    xs = np.repeat(x, 2)
    ys = np.zeros(2 * len(heights))
    ys[1::2] = heights
    return xs, ys
