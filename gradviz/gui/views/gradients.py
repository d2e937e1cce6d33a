"""Gradient vectors in the plane of the loss-surface slice, and the full gradient per parameter.

Each sample's own gradient is ∇ℓᵢ (xᵢ(ŷᵢ − yᵢ) for a canonical pair), and the batch gradient
is their mean. Drawn from the origin, the ∇ℓᵢ fan out and ∇L sits at their centroid; drawn tip
to tail (each ∇ℓᵢ/|B|), they add up to ∇L. Next to ∇L: −η∇L, the plain gradient step, and Δθ,
the step the optimizer actually takes (different for momentum and Adam). With many samples a
few thousand arrows are drawn, and the view says so; ∇L is always over the whole batch.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QCheckBox, QWidget

from gradviz.core.params import norm
from gradviz.state import Change

from .. import palette
from ..axis_labels import set_axis_label
from ..legend import Legend
from ..numbers import num
from ..qt_session import QtSession
from ..readout import Readout
from ..theme import SymmetricRange, Theme, zero_line
from .base import View
from .plot_items import head_angle

__all__ = ["GradientView"]


class GradientView(View):
    depends = frozenset({"data", "model", "step", "selection", "settings", "slice", "view", "runs"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("gradientView")
        self.per_sample = np.zeros((0, 2))  # ∇ℓᵢ of the drawn batch samples, in slice components
        self.batch_gradient = np.zeros(2)  # ∇L in slice components
        self.update_step = np.zeros(2)  # Δθ in slice coordinates
        self.arrow_starts = self.arrow_ends = np.zeros((0, 2))

        self.tip_check = QCheckBox("tip to tail")
        self.tip_check.setObjectName("tipToTailCheck")
        self.tip_check.setToolTip("Chain the ∇ℓᵢ/|B| one after another: they add up to ∇L")
        self.tip_check.setFont(theme.font(0.9))
        self.tip_check.toggled.connect(lambda on: self.session.set_view(tip_to_tail=on))
        # one readout per fact: on a narrow dock the row wraps between facts, never inside one
        self.readouts = {key: Readout(theme.font(0.9)) for key in ("norm", "lr", "batch", "cosine")}
        for key, readout in self.readouts.items():
            readout.setObjectName(f"gradient{key.title()}Readout")
        self.readouts["cosine"].setToolTip(
            "cos∠(Δθ, −∇L) = Δθ·(−∇L)/(‖Δθ‖‖∇L‖): 1 when the optimizer steps straight down the gradient"
        )

        self.plane_widget, self.plane = theme.plot_widget("gradientPlanePlot")
        for angle in (0, 90):
            zero_line(self.plane, angle, palette.GRID_LINE)
        self.sample_lines: list[pg.PlotDataItem] = []
        self.others = pg.PlotDataItem(pen=pg.mkPen(palette.OTHER_SAMPLES, width=1), connect="pairs", antialias=False)
        self.plane.addItem(self.others)
        self.selected = pg.PlotDataItem(pen=pg.mkPen(palette.SELECTION, width=theme.line_width * 1.6))
        self.selected.setZValue(8)
        self.plane.addItem(self.selected)
        self.sum_line = pg.PlotDataItem(pen=pg.mkPen(palette.GRADIENT, width=theme.line_width * 1.6))
        self.step_line = pg.PlotDataItem(
            pen=pg.mkPen(palette.GRADIENT, width=theme.line_width, style=Qt.PenStyle.DashLine)
        )
        self.update_line = pg.PlotDataItem(pen=pg.mkPen(palette.UPDATE, width=theme.line_width * 1.3))
        self.heads = {}
        for name, item, color in (
            ("sum", self.sum_line, palette.GRADIENT),
            ("step", self.step_line, palette.GRADIENT),
            ("update", self.update_line, palette.UPDATE),
        ):
            item.setZValue(9)
            self.plane.addItem(item)
            head = pg.ArrowItem(headLen=13 * theme.scale, tipAngle=35, brush=color, pen=None)
            head.setZValue(10)
            self.plane.addItem(head)
            self.heads[name] = head
        self.legend = Legend("gradientLegend", theme, 0.85, leading=[self.tip_check, *self.readouts.values()])
        self._plane_x, self._plane_y, self._bars_y = SymmetricRange(), SymmetricRange(), SymmetricRange()

        self.bars_widget, self.bars = theme.plot_widget("gradientBarsPlot")
        self.bars.setLabel("left", "∂L/∂θ")
        zero_line(self.bars)
        self.grad_bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=palette.OFF_SLICE, pen=None)
        self.bars.addItem(self.grad_bars)
        self.slice_bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=palette.GRADIENT, pen=None)
        self.bars.addItem(self.slice_bars)

        # the bars share nearly half: their value axis ("−0.005", "∂L/∂θ") takes 70 px of it at a projector
        self.lay_out([self.legend], [(self.plane_widget, 5), (self.bars_widget, 4)])
        self.bars.getViewBox().sigResized.connect(lambda *_: self._label_bars())  # as many names as fit
        self.start()

    # ------------------------------------------------------------------ drawing
    def redraw(self, change: Change) -> None:
        s = self.session
        f = s.frame
        if change.touches({"data", "model", "slice", "view", "runs"}):
            for r in (self._plane_x, self._plane_y, self._bars_y):
                r.reset()
        tip_to_tail = s.view.tip_to_tail
        self.tip_check.blockSignals(True)
        self.tip_check.setChecked(tip_to_tail)
        self.tip_check.blockSignals(False)
        n = s.dataset.X.shape[0]
        batch = np.arange(n) if f.batch is None else f.batch
        idx, flat = f.sample_grads
        drawn = idx if f.shown is None else np.intersect1d(idx, f.shown, assume_unique=True)
        in_batch = np.isin(drawn, batch, assume_unique=True)
        comps = s.slice.components(f.spec, flat[np.searchsorted(idx, drawn)])  # ∇ℓᵢ in the plane
        members = drawn[in_batch]
        self.per_sample = comps[in_batch]
        self.batch_gradient = f.slice_grad
        self.update_step = f.slice_update
        if tip_to_tail:
            ends = np.cumsum(self.per_sample / len(batch), axis=0)
            starts = np.vstack([np.zeros(2), ends[:-1]])
        else:
            starts, ends = np.zeros_like(self.per_sample), self.per_sample
        self.arrow_starts, self.arrow_ends = starts, ends
        self._draw_samples(members, starts, ends)
        others = comps[~in_batch]
        self.others.setData(*_segments(np.zeros_like(others), others))
        lr = s.optimizer.lr
        self._arrow("sum", self.sum_line, self.batch_gradient)
        self._arrow("step", self.step_line, -lr * self.batch_gradient)
        self._arrow("update", self.update_line, self.update_step)
        self._draw_selected(members, starts, ends)
        self._label(tip_to_tail, len(members), len(batch))
        self._draw_bars(f.grads)
        self._follow(
            np.vstack(
                [ends, others, self.batch_gradient[None], -lr * self.batch_gradient[None], self.update_step[None]]
            )
        )
        cosine = _cosine(f.next_update, f.grads)
        if len(batch) == n:  # all N samples
            batch_note = ""
        elif f.batch_is_training_set:
            batch_note = f"the {len(batch)} training points (held out: grey)"
        else:
            batch_note = f"batch of {len(batch)} (others grey)"
        self.readouts["norm"].setText(f"‖∇L‖ = {num(f.grad_norm, 3)}")
        self.readouts["lr"].setText(f"η = {num(lr, 3)}")
        self.readouts["batch"].setText(batch_note)
        self.once("batch shown", bool(batch_note), self.readouts["batch"].setVisible)
        self.readouts["cosine"].setText(f"cos∠(Δθ, −∇L) = {num(cosine, 2)}")

    def _draw_samples(self, members: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        ds = self.session.source_dataset
        classes = ds.labels[members] if ds.is_classification else np.zeros(len(members), dtype=int)
        k = ds.n_classes if ds.is_classification else 1
        while len(self.sample_lines) < k:
            item = pg.PlotDataItem(connect="pairs", antialias=False)
            item.setZValue(3)
            self.plane.addItem(item)
            self.sample_lines.append(item)
        for c, item in enumerate(self.sample_lines):
            mask = classes == c if c < k else np.zeros(len(members), dtype=bool)
            color = palette.class_color(c) if ds.is_classification else pg.mkColor(palette.DATA)
            self.once(
                f"pen{c}",
                color.name(),
                lambda name, item=item: item.setPen(pg.mkPen(name, width=max(1.0, 1.5 * self.theme.scale))),
            )
            item.setData(*_segments(starts[mask], ends[mask]))

    def _draw_selected(self, members: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        i = self.session.selected
        hit = np.flatnonzero(members == i) if i is not None else []
        if len(hit):
            j = hit[0]
            self.selected.setData([starts[j, 0], ends[j, 0]], [starts[j, 1], ends[j, 1]])
        else:
            self.selected.setData([], [])

    def _draw_bars(self, grads: np.ndarray) -> None:
        s = self.session
        labels = s.model.spec.labels()
        x = np.arange(len(labels), dtype=float)
        self.grad_bars.setOpts(x=x, height=grads, width=0.7)
        in_slice = np.zeros(len(labels))
        if s.slice.mode == "axes":
            for lab in s.slice.axis_labels:
                in_slice[labels.index(lab)] = grads[labels.index(lab)]
        self.slice_bars.setOpts(x=x, height=in_slice, width=0.7)
        self.once("bar labels", (tuple(labels), int(self.bars.getViewBox().width())), lambda _: self._label_bars())
        hb = self._bars_y.update(float(np.abs(grads).max(initial=0)))
        if hb is not None:
            self.bars.getViewBox().setRange(xRange=(-0.6, len(labels) - 0.4), yRange=(-hb, hb), padding=0)

    def _label_bars(self) -> None:
        """Name every n-th parameter under the bars, as many as fit without overlapping."""
        labels = self.session.model.spec.labels()
        axis = self.bars.getAxis("bottom")
        metrics = QFontMetricsF(axis.style["tickFont"] or axis.font())
        per_label = max(metrics.horizontalAdvance(lab) for lab in labels) + metrics.horizontalAdvance("00")
        room = max(self.bars.getViewBox().width(), 60.0)  # the bars' own width, not the axes'
        step = max(1, int(np.ceil(len(labels) * per_label / room)))
        self.bars.getAxis("bottom").setTicks([[(i, labels[i]) for i in range(0, len(labels), step)]])

    def _follow(self, points: np.ndarray) -> None:
        """Keep every arrow in view; the axes move in coarse jumps, not every step."""
        pts = np.abs(points[np.all(np.isfinite(points), axis=1)])
        hx, hy = self._plane_x.update(pts[:, 0].max(initial=0)), self._plane_y.update(pts[:, 1].max(initial=0))
        if hx is not None or hy is not None:
            self.plane.getViewBox().setRange(
                xRange=(-self._plane_x.half, self._plane_x.half),
                yRange=(-self._plane_y.half, self._plane_y.half),
                padding=0,
            )

    def _arrow(self, name: str, line: pg.PlotDataItem, end: np.ndarray) -> None:
        line.setData([0.0, end[0]], [0.0, end[1]])
        head = self.heads[name]
        if not np.any(end) or not np.all(np.isfinite(end)):
            head.setVisible(False)
            return
        head.setStyle(angle=head_angle(self.plane.getViewBox(), end))
        head.setPos(end[0], end[1])
        head.setVisible(True)

    def _label(self, tip_to_tail: bool, drawn: int, batch: int) -> None:
        sl = self.session.slice
        axes = (f"∂/∂ {sl.axis_labels[0]}", f"∂/∂ {sl.axis_labels[1]}")
        self.once("axes", axes, self._label_axes)
        samples = "∇ℓᵢ/|B| tip to tail" if tip_to_tail else "∇ℓᵢ per sample"
        if drawn < batch:
            samples += f" ({drawn:,} of {batch:,} drawn)"
        entries = [
            (palette.DATA, "line", samples),
            (palette.GRADIENT, "line", "∇L (their sum)" if tip_to_tail else "∇L (their mean)"),
            (palette.GRADIENT, "dash", "−η∇L"),
            (palette.UPDATE, "line", "Δθ (step taken)"),
            (palette.SELECTION, "box", "selected"),
        ]
        self.legend.set_entries(entries)

    def _label_axes(self, axes: tuple[str, str]) -> None:
        set_axis_label(self.plane, "bottom", axes[0])
        set_axis_label(self.plane, "left", axes[1])


def _cosine(update: np.ndarray, grads: np.ndarray) -> float:
    nu, ng = norm(update), norm(grads)
    if not (nu > 0 and ng > 0 and np.isfinite(nu) and np.isfinite(ng)):
        return 0.0
    cosine = float(-((update / nu) @ (grads / ng)))  # unit vectors first: no overflow
    # plain gradient descent steps exactly along −∇L: 1 − 2e−16 is rounding, not an angle
    return float(np.sign(cosine)) if abs(abs(cosine) - 1) < 1e-12 else cosine


def _segments(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(starts)
    xs = np.empty(2 * n)
    ys = np.empty(2 * n)
    xs[0::2], xs[1::2] = starts[:, 0], ends[:, 0]
    ys[0::2], ys[1::2] = starts[:, 1], ends[:, 1]
    return xs, ys
