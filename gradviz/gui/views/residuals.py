"""Residuals ŷ − y per sample: the error signal that, for a canonical pair, *is* dL/dz (×N).

For a non-canonical pair (MSE with a sigmoid or softmax) the view also draws N·dL/dz beside
ŷ − y, so the user sees that backprop does not get ŷ − y there (seed 001's closing warning).
Stems, one per sample and output, ordered by sample or by size; the selected sample stands out
and a click selects a sample everywhere; hovering shows the numbers.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from ..readout import Readout
from ..session import Session
from ..theme import (
    ACCENT_COLOR,
    REGRESSION_COLOR,
    SELECTION_COLOR,
    SymmetricRange,
    Theme,
    class_color,
    legend_html,
    legend_label,
    zero_line,
)
from .base import SessionView

__all__ = ["ResidualsView"]

_DELTA_COLOR = "#D55E00"


class ResidualsView(SessionView):
    def __init__(self, session: Session, theme: Theme, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("residualsView")
        self._session = session
        self._theme = theme
        self.order = np.zeros(0, dtype=int)  # sample index at each x position
        self.residuals = np.zeros((0, 1))  # ŷ − y (N, k) in sample order
        self.deltas: np.ndarray | None = None  # N·dL/dz (N, k) for non-canonical pairs

        self.order_combo = QComboBox()
        self.order_combo.setObjectName("residualOrderCombo")
        self.order_combo.addItem("by sample", "index")
        self.order_combo.addItem("by size |ŷ − y|", "size")
        self.order_combo.setToolTip("Order the samples by index or by how wrong the model is on them")
        self.order_combo.setFont(theme.font(0.9))
        self.readout = Readout(theme.font(0.9))
        self.readout.setObjectName("residualReadout")
        self.legend = legend_label("residualsLegend", theme, 0.85)
        self._legend_key = None
        self._order_label = None
        self._y_range = SymmetricRange()
        row = QHBoxLayout()
        row.addWidget(self.order_combo)
        row.addWidget(self.readout, 1)
        row.addWidget(self.legend, 1)

        self.plot_widget, self.plot = theme.plot_widget("residualsPlot")
        self.plot.setLabel("left", "ŷ − y")
        zero_line(self.plot)
        self.stems: list[pg.PlotDataItem] = []
        self.delta_stems = pg.PlotDataItem(
            pen=pg.mkPen(_DELTA_COLOR, width=theme.line_width * 0.9), connect="pairs", antialias=False
        )
        self.delta_stems.setZValue(6)
        self.plot.addItem(self.delta_stems)
        self.selected_line = pg.InfiniteLine(
            angle=90, pen=pg.mkPen(SELECTION_COLOR, width=1, style=Qt.PenStyle.DotLine)
        )
        self.selected_marks = pg.ScatterPlotItem(
            size=11 * theme.scale, brush=pg.mkBrush(ACCENT_COLOR), pen=pg.mkPen(SELECTION_COLOR, width=1.5)
        )
        self.selected_marks.setZValue(10)
        self.plot.addItem(self.selected_line)
        self.plot.addItem(self.selected_marks)
        self.hover = pg.TextItem(anchor=(0, 1), color="k", fill=pg.mkBrush(255, 255, 255, 230), border="#999")
        self.hover.setFont(theme.font(0.85))
        self.hover.setZValue(20)
        self.hover.setVisible(False)
        self.plot.addItem(self.hover, ignoreBounds=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.plot_widget, 1)

        self.plot.scene().sigMouseClicked.connect(self._on_clicked)
        self.plot.scene().sigMouseMoved.connect(self._on_hover)
        self.order_combo.currentIndexChanged.connect(lambda _: self.refresh(autorange=True))
        session.sigStepped.connect(self.when_visible(lambda _: self.refresh()))
        session.sigDataChanged.connect(self.when_visible(lambda: self.refresh(autorange=True)))
        session.sigModelChanged.connect(self.when_visible(lambda: self.refresh(autorange=True)))
        session.sigSelectionChanged.connect(self.when_visible(lambda _: self._draw_selection()))
        self.refresh(autorange=True)

    # ------------------------------------------------------------------ data
    def _compute(self) -> None:
        s = self._session
        X, Y = s.dataset.X, s.dataset.Y
        P = s.model.predict(s.params, X)
        self.residuals = P - Y
        if s.settings.is_canonical:
            self.deltas = None
        else:
            self.deltas = s.model.logit_delta(s.params, X, Y, s.loss) * X.shape[0]
        if self.order_combo.currentData() == "size":
            self.order = np.argsort(-np.abs(self.residuals).max(axis=1), kind="stable")
        else:
            self.order = np.arange(X.shape[0])

    def refresh(self, autorange: bool = False) -> None:
        s = self._session
        self._compute()
        N, k = self.residuals.shape
        while len(self.stems) < k:
            item = pg.PlotDataItem(connect="pairs", antialias=False)
            item.setZValue(5)
            self.plot.addItem(item)
            self.stems.append(item)
        classify = s.source_dataset.is_classification
        pos = np.empty(N)
        pos[self.order] = np.arange(N)
        for c, item in enumerate(self.stems):
            if c >= k:
                item.setData([], [])
                continue
            color = class_color(c) if classify and k > 1 else pg.mkColor(REGRESSION_COLOR)
            item.setPen(pg.mkPen(color, width=self._stem_width(N, k)))
            item.setData(*_stems(pos + self._offset(c, k), self.residuals[:, c]))
        if self.deltas is not None:  # beside each ŷ − y stem, the same output's N·dL/dz
            self.delta_stems.setPen(pg.mkPen(_DELTA_COLOR, width=self._stem_width(N, k)))
            xs = np.concatenate([pos + self._offset(c, k, delta=True) for c in range(k)])
            self.delta_stems.setData(*_stems(xs, self.deltas.T.ravel()))
        else:
            self.delta_stems.setData([], [])
        self._update_legend(k, classify)
        order = "sample index i" if self.order_combo.currentData() == "index" else "samples, largest |ŷ − y| first"
        if order != self._order_label:
            self._order_label = order
            self.plot.setLabel("bottom", order)
        if autorange:
            self._y_range.reset()
        biggest = max(
            float(np.abs(self.residuals).max(initial=0)),
            float(np.abs(self.deltas).max(initial=0)) if self.deltas is not None else 0.0,
        )
        half = self._y_range.update(biggest)
        if half is not None or autorange:
            self.plot.getViewBox().setRange(
                xRange=(-1, N), yRange=(-self._y_range.half, self._y_range.half), padding=0.02
            )
        self._draw_selection()
        mse = float(np.mean(self.residuals**2))
        self.readout.setText(f"mean (ŷ − y)² = {mse:.4g}    max |ŷ − y| = {np.abs(self.residuals).max():.3g}")

    def _offset(self, c: int, k: int, delta: bool = False) -> float:
        """x offset of output c's stem within a sample's slot (and of its N·dL/dz stem)."""
        width = 0.8 / k
        if self.deltas is None:
            return (c - (k - 1) / 2) * width
        return (c - (k - 1) / 2) * width + (0.2 if delta else -0.2) * width

    def _stem_width(self, n: int, k: int) -> float:
        return max(1.0, min(6.0, 500.0 / max(n * k, 1))) * self._theme.scale

    def _update_legend(self, k: int, classify: bool) -> None:
        s = self._session
        key = (k, classify, self.deltas is not None, s.source_dataset.class_names)
        if key == self._legend_key:
            return
        self._legend_key = key
        if classify and k > 1:
            entries = [(class_color(c).name(), "line", s.source_dataset.class_names[c]) for c in range(k)]
        else:
            entries = [(REGRESSION_COLOR, "line", "ŷ − y")]
        if self.deltas is not None:
            entries.append((_DELTA_COLOR, "line", "N·dL/dz (what backprop uses)"))
        self.legend.setText(legend_html(entries))

    # ------------------------------------------------------------------ selection
    def _draw_selection(self) -> None:
        i = self._session.selected
        if i is None or i >= len(self.order):
            self.selected_line.setVisible(False)
            self.selected_marks.setData([], [])
            return
        x = float(np.flatnonzero(self.order == i)[0])
        k = self.residuals.shape[1]
        self.selected_line.setPos(x)
        self.selected_line.setVisible(True)
        self.selected_marks.setData([x + self._offset(c, k) for c in range(k)], self.residuals[i])

    def _sample_at(self, scene_pos) -> int | None:
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos) or len(self.order) == 0:
            return None
        x = vb.mapSceneToView(scene_pos).x()
        j = int(round(x))
        if not 0 <= j < len(self.order):
            return None
        return int(self.order[j])

    def _on_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        i = self._sample_at(ev.scenePos())
        if i is not None:
            self._session.select(i)
            ev.accept()

    def _on_hover(self, scene_pos) -> None:
        i = self._sample_at(scene_pos)
        if i is None:
            self.hover.setVisible(False)
            return
        s = self._session
        P = s.model.predict(s.params, s.dataset.X[i : i + 1])[0]
        Y = s.dataset.Y[i]
        lines = [f"sample {i}"]
        for c in range(len(P)):
            name = f"[{c}]" if len(P) > 1 else ""
            lines.append(f"ŷ{name} = {P[c]:.4g}   y{name} = {Y[c]:.4g}   ŷ − y = {P[c] - Y[c]:+.4g}")
        if self.deltas is not None:
            lines.append("N·dL/dz = " + ", ".join(f"{v:+.4g}" for v in self.deltas[i]))
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
