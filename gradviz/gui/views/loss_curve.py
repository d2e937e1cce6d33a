"""The loss curve: loss per step (log scale on request), accuracy for classes, the current step marked.

Drawn from the run's thinned history (state.series), so a frame costs the same at step
100,000 as at step 100; the axes follow the run in coarse jumps, not every step.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from gradviz.state import Change

from .. import palette
from ..legend import Legend
from ..numbers import num
from ..qt_session import QtSession
from ..race import race_entries, race_label, race_losses
from ..readout import Readout
from ..theme import Theme, nice_ceil
from .base import View

__all__ = ["LossCurveView"]


def _decades_only(values, strings: list[str]) -> list[str]:
    """Log-scale tick labels: across a decade or more only the powers of ten are written (the
    2, 3, … 9 between them ran into each other at presentation sizes); within one, all of them."""
    v = np.asarray(values, dtype=float)
    if len(v) < 2 or v.max() - v.min() < 1:
        return strings
    return [s if abs(x - round(x)) < 1e-9 else "" for x, s in zip(v, strings, strict=True)]


class LossCurveView(View):
    depends = frozenset({"data", "model", "step", "settings", "view", "runs"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("lossCurveView")

        self.plot_widget, self.plot = theme.plot_widget("lossCurvePlot")
        self.plot.setLabel("bottom", "step t")
        self.plot.setLabel("left", "loss L", color=palette.LOSS)
        self.batch_curve = pg.PlotDataItem(pen=pg.mkPen(palette.BATCH_LOSS, width=1))
        self.curve = pg.PlotDataItem(pen=pg.mkPen(palette.LOSS, width=theme.line_width))
        # the held-out points' loss: dashed, in a colour of its own beside the training loss
        self.val_curve = pg.PlotDataItem(
            pen=pg.mkPen(palette.VALIDATION, width=theme.line_width, style=Qt.PenStyle.DashLine)
        )
        for item in (self.batch_curve, self.curve, self.val_curve):
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="peak")
            self.plot.addItem(item)
        self.marker = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(palette.CURRENT, width=theme.line_width, style=Qt.PenStyle.DashLine)
        )
        self.plot.addItem(self.marker)
        self.current = pg.TargetItem(
            size=theme.point_size_px * 1.4, symbol="o", pen=None, brush=pg.mkBrush(palette.CURRENT), movable=False
        )
        self.plot.addItem(self.current)

        # accuracy on a second y axis (right), in its own ViewBox linked to the x axis
        self.accuracy_box = pg.ViewBox()
        self.plot.showAxis("right")
        self.plot.scene().addItem(self.accuracy_box)
        self.plot.getAxis("right").linkToView(self.accuracy_box)
        self.accuracy_box.setXLink(self.plot)
        self.accuracy_box.setYRange(0, 1.02, padding=0)
        self.accuracy_box.setMouseEnabled(x=False, y=False)
        self.plot.setLabel("right", "accuracy", color=palette.ACCURACY)
        self.accuracy = pg.PlotDataItem(pen=pg.mkPen(palette.ACCURACY, width=theme.line_width * 0.8), name="accuracy")
        self.accuracy.setClipToView(True)
        self.accuracy.setDownsampling(auto=True, method="peak")
        self.accuracy_box.addItem(self.accuracy)
        self.val_accuracy = pg.PlotDataItem(
            pen=pg.mkPen(palette.ACCURACY, width=theme.line_width * 0.8, style=Qt.PenStyle.DashLine)
        )
        self.val_accuracy.setClipToView(True)
        self.accuracy_box.addItem(self.val_accuracy)
        self.plot.getViewBox().sigResized.connect(self._sync_boxes)
        left = self.plot.getAxis("left")
        plain = left.logTickStrings
        left.logTickStrings = lambda values, scale, spacing: _decades_only(values, plain(values, scale, spacing))

        self.log_check = QCheckBox("log scale")
        self.log_check.setObjectName("lossLogCheck")
        self.log_check.setToolTip("Plot log L: shows the slow final approach to the minimum as a straight line")
        self.log_check.toggled.connect(lambda on: self.session.set_view(loss_log=on))
        self.readout = Readout(theme.font(1.0, bold=True))
        self.readout.setObjectName("lossReadout")
        # the held-out points' numbers, beside the run's (the row wraps it below on a narrow dock)
        self.val_readout = Readout(theme.font(1.0, bold=True))
        self.val_readout.setObjectName("validationReadout")
        self.val_readout.hide()
        self.legend = Legend("lossLegend", theme, leading=[self.readout, self.val_readout, self.log_check])
        self.legend.sigEntryClicked.connect(self._on_legend_clicked)
        self._legend_runs: list[int] = []
        self.race_curves: list[pg.PlotDataItem] = []  # a race: one curve per run, in its colour
        self.race_accuracy: list[pg.PlotDataItem] = []  # runs with different losses: their accuracies
        self.race_validation: list[pg.PlotDataItem] = []  # a race: each run's held-out loss, dashed
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot_widget, 1)

        # The range follows the run in coarse "nice" jumps: pyqtgraph's auto-range would move
        # the axes (and re-lay out their tick labels) on every step, ~5 ms a frame.
        self.plot.disableAutoRange()
        self.plot.hideButtons()
        self._range = None
        self._follow = True
        self.plot.getViewBox().sigRangeChangedManually.connect(self._on_manual_range)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_plot_clicked)

        self.start()

    def _sync_boxes(self) -> None:
        self.accuracy_box.setGeometry(self.plot.getViewBox().sceneBoundingRect())
        self.accuracy_box.linkedViewChanged(self.plot.getViewBox(), self.accuracy_box.XAxis)

    def _on_manual_range(self, *args) -> None:
        self._follow = False

    def _on_plot_clicked(self, ev) -> None:
        if ev.double():  # double-click: follow the run again
            self._follow = True
            self._range = None
            self._draw()

    def _follow_run(self, steps: np.ndarray, values: list[np.ndarray], log: bool) -> None:
        if not self._follow:
            return
        x1 = nice_ceil(max(10.0, float(steps[-1]) * 1.05))
        finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.zeros(1)
        hi = float(finite.max(initial=1e-12))
        lo = float(finite.min(initial=hi))
        if log:
            y0, y1 = np.floor(np.log10(max(lo, 1e-300))), np.ceil(np.log10(max(hi, 1e-300)))
            y1 = max(y1, y0 + 1)
        else:
            y0, y1 = min(0.0, lo), nice_ceil(hi * 1.05)
        target = (0.0, x1, float(y0), float(y1))
        if target != self._range:
            self._range = target
            self.plot.getViewBox().setRange(xRange=target[:2], yRange=target[2:], padding=0.02)

    def redraw(self, change: Change) -> None:
        s = self.session
        if change.touches({"data", "model", "runs"}):
            self._follow = True
            self._range = None
            classify = s.measures_accuracy
            self.accuracy.setVisible(classify)
            self.plot.getAxis("right").setVisible(classify)
            self.once("objective", s.settings.is_function, self._label_objective)
        if "view" in change:
            log = s.view.loss_log
            self.log_check.blockSignals(True)
            self.log_check.setChecked(log)
            self.log_check.blockSignals(False)
            self.once("log", log, self._set_log)
        self._draw()

    def _draw_validation(self, steps: np.ndarray, held_out: np.ndarray | None, log: bool, race) -> list[np.ndarray]:
        """The held-out points' loss and accuracy at the curve's steps: the focused run's, or in a race each
        run's loss dashed in its colour (the accuracy stays the focused run's); the losses drawn."""
        shown = held_out is not None and len(held_out) == len(steps)
        self.val_accuracy.setVisible(shown and self.session.measures_accuracy)
        if shown:
            self.val_accuracy.setData(steps, held_out[:, 1])
        self.val_curve.setVisible(shown and not race)
        if race:
            return self._draw_race_validation(race, log)
        if not shown:
            return []
        loss = np.maximum(held_out[:, 0], 1e-300) if log else held_out[:, 0]
        self.val_curve.setData(steps, loss)
        return [loss]

    def _label_objective(self, function: bool) -> None:
        self.plot.setLabel("left", "f(θₜ)" if function else "loss L", color=palette.LOSS)

    def _set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        # pyqtgraph switches every y axis to log ticks; the accuracy's (right) stays linear, 0 to 1
        self.plot.getAxis("right").setLogMode(False, False)
        self._range = None

    def _on_legend_clicked(self, i: int) -> None:
        if i < len(self._legend_runs):
            self.session.focus_run(self._legend_runs[i])

    @staticmethod
    def _pooled(items: list, k: int, parent) -> pg.PlotDataItem:
        """Item k of a pool of curves in `parent` (a plot or a view box), made when first needed."""
        while len(items) <= k:
            item = pg.PlotDataItem()
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="peak")
            parent.addItem(item)
            items.append(item)
        return items[k]

    def _draw_runs(
        self, pool: list, parent, rows: list, dashed: bool, log: bool, widths=(1.6, 1.0)
    ) -> list[np.ndarray]:
        """One curve per (race entry, steps, values) row in the run's colour, the focused one wider and on
        top; the rest of the pool hidden. Returns the values drawn (floored at 1e-300 for log L)."""
        style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
        drawn = []
        for k, (entry, steps, values) in enumerate(rows):
            values = np.maximum(values, 1e-300) if log else values
            item = self._pooled(pool, k, parent)
            width = self.theme.line_width * widths[0 if entry.focused else 1]
            item.setPen(pg.mkPen(entry.color, width=width, style=style))
            item.setZValue(2 if entry.focused else 1)
            item.setData(steps, values)
            item.setVisible(True)
            drawn.append(values)
        for item in pool[len(rows) :]:
            item.setVisible(False)
        return drawn

    def _draw_race(self, race, log: bool) -> list[np.ndarray]:
        """Every visible run's loss in its colour; their losses."""
        curves = self.session.frame.race_curves
        rows = [(e, curves[e.index].steps, curves[e.index].loss) for e in race]
        return self._draw_runs(self.race_curves, self.plot, rows, dashed=False, log=log)

    def _draw_race_validation(self, race, log: bool) -> list[np.ndarray]:
        """Each visible run's loss on the points it holds out, dashed in its colour; those losses."""
        f = self.session.frame
        rows = []
        for e in race:
            held, c = f.race_validation_curves[e.index], f.race_curves[e.index]
            if held is not None and len(held) == len(c.steps):
                rows.append((e, c.steps, held[:, 0]))
        return self._draw_runs(self.race_validation, self.plot, rows, dashed=True, log=log)

    def _draw_race_accuracy(self, race, shown: bool) -> None:
        """Runs that minimise different losses cannot be compared by L: each one's accuracy, dashed."""
        curves = self.session.frame.race_curves
        rows = [(e, curves[e.index].steps, curves[e.index].metric) for e in race] if shown else []
        self._draw_runs(self.race_accuracy, self.accuracy_box, rows, dashed=True, log=False, widths=(1.4, 0.9))

    def _draw(self) -> None:
        s = self.session
        f = s.frame
        curves = f.curves
        steps, loss = curves.steps, curves.loss
        log = s.view.loss_log
        if log:
            loss = np.maximum(loss, 1e-300)
        race = race_entries(s)
        self.curve.setVisible(not race)
        raced_losses = self._draw_race(race, log)
        self.curve.setData(steps, loss)
        held_out = f.validation_curve  # (T, 2) loss and accuracy on the held-out points, or None
        val_losses = self._draw_validation(steps, held_out, log, race)
        mini = f.mini_batches
        if mini:
            batch = curves.batch_loss
            self.batch_curve.setData(steps, np.maximum(batch, 1e-300) if log else batch)
        elif self.batch_curve.xData is not None and len(self.batch_curve.xData):
            self.batch_curve.setData([], [])  # once: an empty setData per frame still re-measures the view
        classify = s.measures_accuracy
        self._legend_runs = [e.index for e in race]
        losses = race_losses(s)
        mixed = len(losses) > 1 and classify  # L of MSE and of BCE are different quantities
        self._draw_race_accuracy(race, mixed)
        self.accuracy.setVisible(classify and not mixed)
        if race:
            entries = [(e.color, "line", race_label(e)) for e in race]
        else:
            entries = [(palette.LOSS, "line", _curve_title(s.settings.is_function, held_out is not None))]
        if race and val_losses:
            entries.append((palette.NOTE, "dash", "validation loss: dashed, in each run's colour"))
        elif held_out is not None:
            entries.append((palette.VALIDATION, "dash", "validation loss"))
        if mini:
            entries.append((palette.BATCH_LOSS, "line", "batch loss" + (" (▶)" if race else "")))
        if mixed:
            entries.append(
                (palette.NOTE, "dash", f"accuracy (right axis): {' and '.join(losses)} are not on one scale")
            )
        elif classify:
            entries.append((palette.ACCURACY, "line", "accuracy (right axis)" + (" (▶)" if race else "")))
            if held_out is not None:
                entries.append((palette.ACCURACY, "dash", "validation accuracy" + (" (▶)" if race else "")))
        entries.append((palette.CURRENT, "dot", "current step"))
        self.legend.set_entries(entries)
        longest = max((c.steps for c in f.race_curves), key=len) if race else steps
        # the axes follow the runs still going: one that diverged (L ~ 1e99) would flatten the others
        going = [v for e, v in zip(race, raced_losses, strict=True) if not e.stopped] or raced_losses
        shown = [loss, curves.batch_loss] if mini else [loss, *going]
        self._follow_run(longest, shown + val_losses, log)
        step = s.current_step
        self.marker.setValue(step)
        y = f.loss
        self.current.setPos(step, np.log10(max(y, 1e-300)) if log else y)
        text = f"step {step}    {s.settings.objective} = {num(y)}"
        if s.diverged:
            text += "    diverged"
        if classify:
            self.accuracy.setData(steps, curves.metric)
            text += f"    accuracy {f.metric:.0%}"
        self.readout.setText(text)
        held = f.validation
        if (held is not None) != self.val_readout.isVisibleTo(self):
            self.val_readout.setVisible(held is not None)
        if held is not None:
            accuracy = f" · accuracy {held[1]:.0%}" if classify else ""
            self.val_readout.setText(f"held out: L = {num(held[0])}{accuracy}")


def _curve_title(function: bool, held_out: bool) -> str:
    if function:
        return "f at each step"
    return "training loss" if held_out else "loss (all data)"
