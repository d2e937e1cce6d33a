"""Gradient vectors in the plane of the loss-surface slice, and the full gradient per parameter.

Seed 002: each sample's own gradient is ∇ℓᵢ = xᵢ(pᵢ − yᵢ) (for a canonical pair), and the
batch gradient is their mean. Drawn from the origin, the ∇ℓᵢ fan out and ∇L sits at their
centroid; drawn tip to tail (each ∇ℓᵢ/N), they add up to ∇L. Next to ∇L: −η∇L, the plain
gradient step, and Δθ, the step the optimizer actually takes (different for momentum and Adam).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from ..readout import Readout
from ..session import Session
from ..theme import (
    ACCENT_COLOR,
    SELECTION_COLOR,
    SymmetricRange,
    Theme,
    class_color,
    legend_html,
    legend_label,
    zero_line,
)
from .base import SessionView

__all__ = ["GradientView"]

_SUM_COLOR = "#000000"
_STEP_COLOR = "#009E73"
_UPDATE_COLOR = "#D55E00"
_OTHER_COLOR = (160, 160, 160, 90)
MAX_ARROWS = 2_000  # per-sample arrows drawn (a fixed random subset beyond this)


class GradientView(SessionView):
    def __init__(self, session: Session, theme: Theme, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("gradientView")
        self._session = session
        self._theme = theme
        self.per_sample = np.zeros((0, 2))  # ∇ℓᵢ in slice components (fan) — what the arrows show
        self.batch_gradient = np.zeros(2)  # ∇L in slice components
        self.update_step = np.zeros(2)  # Δθ in slice coordinates

        self.tip_check = QCheckBox("tip to tail")
        self.tip_check.setObjectName("tipToTailCheck")
        self.tip_check.setToolTip("Chain the ∇ℓᵢ/N one after another: they add up to ∇L")
        self.tip_check.setFont(theme.font(0.9))
        self.readout = Readout(theme.font(0.9))
        self.readout.setObjectName("gradientReadout")
        row = QHBoxLayout()
        row.addWidget(self.tip_check)
        row.addWidget(self.readout, 1)

        self.plane_widget, self.plane = theme.plot_widget("gradientPlanePlot")
        for angle in (0, 90):
            zero_line(self.plane, angle, "#bbb")
        self.sample_lines: list[pg.PlotDataItem] = []
        self.others = pg.PlotDataItem(pen=pg.mkPen(_OTHER_COLOR, width=1), connect="pairs", antialias=False)
        self.plane.addItem(self.others)
        self.selected = pg.PlotDataItem(pen=pg.mkPen(SELECTION_COLOR, width=theme.line_width * 1.6))
        self.selected.setZValue(8)
        self.plane.addItem(self.selected)
        self.sum_line = pg.PlotDataItem(pen=pg.mkPen(_SUM_COLOR, width=theme.line_width * 1.6))
        self.step_line = pg.PlotDataItem(pen=pg.mkPen(_STEP_COLOR, width=theme.line_width, style=Qt.PenStyle.DashLine))
        self.update_line = pg.PlotDataItem(pen=pg.mkPen(_UPDATE_COLOR, width=theme.line_width * 1.3))
        self.heads = {}
        for name, item, color in (
            ("sum", self.sum_line, _SUM_COLOR),
            ("step", self.step_line, _STEP_COLOR),
            ("update", self.update_line, _UPDATE_COLOR),
        ):
            item.setZValue(9)
            self.plane.addItem(item)
            head = pg.ArrowItem(headLen=13 * theme.scale, tipAngle=35, brush=color, pen=None)
            head.setZValue(10)
            self.plane.addItem(head)
            self.heads[name] = head
        self.legend = legend_label("gradientLegend", theme, 0.85, wrap=True)
        self._legend_mode = None
        self._axes = None
        self._bar_labels = None
        self._plane_x, self._plane_y, self._bars_y = SymmetricRange(), SymmetricRange(), SymmetricRange()

        self.bars_widget, self.bars = theme.plot_widget("gradientBarsPlot")
        self.bars.setLabel("left", "∂L/∂θ")
        zero_line(self.bars)
        self.grad_bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush="#0072B2", pen=None)
        self.bars.addItem(self.grad_bars)
        self.slice_bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=ACCENT_COLOR, pen=None)
        self.bars.addItem(self.slice_bars)

        plots = QHBoxLayout()
        plots.addWidget(self.plane_widget, 3)
        plots.addWidget(self.bars_widget, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.legend)
        layout.addLayout(plots, 1)

        self.tip_check.toggled.connect(lambda _: self.refresh(autorange=True))
        session.sigStepped.connect(self.when_visible(lambda _: self.refresh()))
        session.sigSelectionChanged.connect(self.when_visible(lambda _: self.refresh()))
        session.sigSliceChanged.connect(self.when_visible(lambda: self.refresh(autorange=True)))
        session.sigDataChanged.connect(self.when_visible(lambda: self.refresh(autorange=True)))
        session.sigModelChanged.connect(self.when_visible(lambda: self.refresh(autorange=True)))
        self.refresh(autorange=True)

    # ------------------------------------------------------------------ numbers
    def _compute(self):
        s = self._session
        spec = s.model.spec
        sl = s.slice
        batch = s.trainer.batch_indices
        X, Y = s.dataset.X, s.dataset.Y
        idx = np.arange(X.shape[0]) if batch is None else batch
        # the gradient the step uses is the mean over its batch: contributions are ∇ℓᵢ/|B|
        per = s.model.per_sample_grads(s.params, X[idx], Y[idx], s.loss)
        flat = np.concatenate([per[k].reshape(len(idx), -1) for k in spec.keys], axis=1)  # (B, P), sum = ∇L_B
        contributions = sl.components(spec, flat)  # (B, 2)
        grads = spec.flatten(s.trainer.grads)
        return idx, contributions, grads

    def refresh(self, autorange: bool = False) -> None:
        s = self._session
        spec = s.model.spec
        sl = s.slice
        idx, contributions, grads = self._compute()
        B = len(idx)
        self.per_sample = contributions * B  # ∇ℓᵢ (each sample's own gradient)
        self.batch_gradient = sl.components(spec, grads)
        self.update_step = sl.displacement(spec, spec.flatten(s.trainer.next_update()))
        lr = s.optimizer.lr
        tip_to_tail = self.tip_check.isChecked()
        if tip_to_tail:
            ends = np.cumsum(contributions, axis=0)
            starts = np.vstack([np.zeros(2), ends[:-1]])
        else:
            starts, ends = np.zeros_like(self.per_sample), self.per_sample
        self.arrow_starts, self.arrow_ends = starts, ends
        self._draw_samples(idx, starts, ends)
        self._arrow("sum", self.sum_line, np.zeros(2), self.batch_gradient)
        self._arrow("step", self.step_line, np.zeros(2), -lr * self.batch_gradient)
        self._arrow("update", self.update_line, np.zeros(2), self.update_step)
        self._draw_selected(idx, starts, ends)
        self._update_legend(tip_to_tail)
        axes = (f"∂/∂ {sl.axis_labels[0]}", f"∂/∂ {sl.axis_labels[1]}")
        if axes != self._axes:  # setLabel re-lays out the plot: only when it changes
            self._axes = axes
            self.plane.setLabel("bottom", axes[0])
            self.plane.setLabel("left", axes[1])
        labels = spec.labels()
        x = np.arange(len(labels), dtype=float)
        self.grad_bars.setOpts(x=x, height=grads, width=0.7)
        in_slice = np.zeros(len(labels))
        if sl.mode == "axes":
            for lab in sl.axis_labels:
                j = labels.index(lab)
                in_slice[j] = grads[j]
        self.slice_bars.setOpts(x=x, height=in_slice, width=0.7)
        if labels != self._bar_labels:
            self._bar_labels = labels
            self._label_bars()
        batch_note = "whole data set" if B == s.dataset.X.shape[0] else f"batch of {B} (others grey)"
        self.readout.setText(
            f"‖∇L‖ = {np.linalg.norm(grads):.3g}   η = {lr:.3g}   {batch_note}   "
            f"Δθ·(−∇L)/(‖Δθ‖‖∇L‖) = {self._cosine(s, grads):+.2f}"
        )
        if autorange:
            for r in (self._plane_x, self._plane_y, self._bars_y):
                r.reset()
        pts = np.vstack([ends, self.batch_gradient[None], -lr * self.batch_gradient[None], self.update_step[None]])
        pts = np.abs(pts[np.all(np.isfinite(pts), axis=1)])
        hx, hy = self._plane_x.update(pts[:, 0].max(initial=0)), self._plane_y.update(pts[:, 1].max(initial=0))
        if hx is not None or hy is not None:
            self.plane.getViewBox().setRange(
                xRange=(-self._plane_x.half, self._plane_x.half),
                yRange=(-self._plane_y.half, self._plane_y.half),
                padding=0,
            )
        hb = self._bars_y.update(float(np.abs(grads).max(initial=0)))
        if hb is not None or autorange:
            half = self._bars_y.half
            self.bars.getViewBox().setRange(xRange=(-0.6, len(labels) - 0.4), yRange=(-half, half), padding=0)

    def _label_bars(self) -> None:
        """Name every n-th parameter under the bars, as many as fit without overlapping."""
        labels = self._session.model.spec.labels()
        per_label = 8.5 * max(len(lab) for lab in labels) * self._theme.scale  # pixels one label needs
        room = max(self.bars_widget.width() - 70, 60)
        step = max(1, int(np.ceil(len(labels) * per_label / room)))
        self.bars.getAxis("bottom").setTicks([[(i, labels[i]) for i in range(0, len(labels), step)]])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._label_bars()

    @staticmethod
    def _cosine(s, grads) -> float:
        up = s.model.spec.flatten(s.trainer.next_update())
        denom = np.linalg.norm(up) * np.linalg.norm(grads)
        return float(-(up @ grads) / denom) if denom > 0 else 0.0

    # ------------------------------------------------------------------ drawing
    def _draw_samples(self, idx, starts, ends) -> None:
        s = self._session
        ds = s.source_dataset
        n = len(idx)
        shown = np.arange(n)
        if n > MAX_ARROWS:
            shown = np.sort(np.random.default_rng(0).choice(n, MAX_ARROWS, replace=False))
        classes = ds.labels[idx] if ds.is_classification else np.zeros(n, dtype=int)
        k = ds.n_classes if ds.is_classification else 1
        while len(self.sample_lines) < k:
            item = pg.PlotDataItem(connect="pairs", antialias=False)
            item.setZValue(3)
            self.plane.addItem(item)
            self.sample_lines.append(item)
        for c, item in enumerate(self.sample_lines):
            mask = shown[classes[shown] == c] if c < k else np.zeros(0, dtype=int)
            color = class_color(c) if ds.is_classification else pg.mkColor("#0072B2")
            if getattr(item, "_class_color", None) != color.name():  # a new pen only when the colour changes
                item._class_color = color.name()
                item.setPen(pg.mkPen(color, width=max(1.0, 1.5 * self._theme.scale)))
            item.setData(*_segments(starts[mask], ends[mask]))
        batch = s.trainer.batch_indices
        if batch is None:
            self.others.setData([], [])
        else:  # the samples outside this step's batch, faint, as they would pull
            rest = np.setdiff1d(np.arange(ds.n_samples), batch)[:MAX_ARROWS]
            if len(rest):
                per = s.model.per_sample_grads(s.params, s.dataset.X[rest], s.dataset.Y[rest], s.loss)
                flat = np.concatenate([per[key].reshape(len(rest), -1) for key in s.model.spec.keys], axis=1)
                other = s.slice.components(s.model.spec, flat) * len(rest)
                self.others.setData(*_segments(np.zeros_like(other), other))
            else:
                self.others.setData([], [])

    def _draw_selected(self, idx, starts, ends) -> None:
        i = self._session.selected
        hit = np.flatnonzero(idx == i) if i is not None else []
        if len(hit):
            j = hit[0]
            self.selected.setData([starts[j, 0], ends[j, 0]], [starts[j, 1], ends[j, 1]])
        else:
            self.selected.setData([], [])

    def _arrow(self, name: str, line: pg.PlotDataItem, start: np.ndarray, end: np.ndarray) -> None:
        line.setData([start[0], end[0]], [start[1], end[1]])
        head = self.heads[name]
        d = end - start
        if not np.any(d):
            head.setVisible(False)
            return
        vb = self.plane.getViewBox()
        px, py = vb.viewPixelSize()
        angle = np.degrees(np.arctan2(-d[1] / max(py, 1e-300), d[0] / max(px, 1e-300)))
        head.setStyle(angle=180 + angle)
        head.setPos(end[0], end[1])
        head.setVisible(True)

    def _update_legend(self, tip_to_tail: bool) -> None:
        if self._legend_mode == tip_to_tail:
            return
        self._legend_mode = tip_to_tail
        samples = "∇ℓᵢ/N tip to tail" if tip_to_tail else "∇ℓᵢ = xᵢ(ŷᵢ − yᵢ) per sample"
        self.legend.setText(
            legend_html(
                [
                    ("#0072B2", "line", samples),
                    (_SUM_COLOR, "line", "∇L (their sum)" if tip_to_tail else "∇L (their mean)"),
                    (_STEP_COLOR, "dash", "−η∇L"),
                    (_UPDATE_COLOR, "line", "Δθ the optimizer's step"),
                    (SELECTION_COLOR, "box", "selected sample (thick)"),
                ]
            )
        )


def _segments(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(starts)
    xs = np.empty(2 * n)
    ys = np.empty(2 * n)
    xs[0::2], xs[1::2] = starts[:, 0], ends[:, 0]
    ys[0::2], ys[1::2] = starts[:, 1], ends[:, 1]
    return xs, ys
