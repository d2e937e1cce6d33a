"""The curvature view: the Hessian's spectrum at this step, and the sharpness λmax over the run
against the step size's limit (2/η for gradient descent).

Eigenvalues above the limit's line are directions along which the step overshoots more every
time: with one of them, plain gradient descent diverges. Over a run, full-batch gradient descent
on a net often pushes λmax up to that line and holds it there (the edge of stability). The
spectra are computed aside (gui.curvature_feed); this view draws what is known and says which
step it belongs to.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QWidget

from gradviz.core import max_stable_lr
from gradviz.core.curvature import curvature_limit
from gradviz.state import Change

from .. import palette
from ..axis_labels import set_axis_label
from ..legend import Legend
from ..numbers import num
from ..qt_session import QtSession
from ..readout import Readout
from ..theme import Theme, nice_ceil
from .base import View

__all__ = ["CurvatureView", "MAX_BARS"]

MAX_BARS = 400  # the spectrum's largest eigenvalues drawn as bars (a wide net has thousands)
POSITIVE, NEGATIVE = palette.CURVING_UP, palette.CURVING_DOWN
PREDICTED = palette.PREDICTED_ERRORS


class CurvatureView(View):
    depends = frozenset({"data", "model", "step", "settings", "runs", "curvature", "view"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("curvatureView")
        self.readout = Readout(theme.font(0.95), lines=2, rich=True)
        self.readout.setObjectName("curvatureReadout")
        self.log_check = QCheckBox("log |λ|")
        self.log_check.setObjectName("curvatureLogCheck")
        self.log_check.setToolTip("The spectrum on a log scale: |λ| (negative eigenvalues in their own colour)")
        self.log_check.toggled.connect(lambda on: self._draw())
        self.legend = Legend("curvatureLegend", theme, leading=[self.log_check])
        self.legend.setToolTip(
            "Each bar is one eigenvalue of the Hessian at this step: positive, the loss curves up along its "
            "eigenvector; negative, down (a saddle's directions). Along an eigenvector whose λ is above the dashed "
            "line (2/η for gradient descent) every step overshoots more than the last."
        )

        def dashed(colour: str):
            return pg.mkPen(colour, width=theme.line_width, style=Qt.PenStyle.DashLine)

        self.spectrum_widget, self.spectrum = theme.plot_widget("spectrumPlot", fixed=True)
        set_axis_label(self.spectrum, "bottom", "i (eigenvalues, largest first)")
        self.spectrum.getAxis("bottom").whole_numbers = True  # the 1st, 2nd, … eigenvalue: no 1.5th
        set_axis_label(self.spectrum, "left", "λᵢ")
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8)
        self.spectrum.addItem(self.bars)
        self.spectrum_limit = pg.InfiniteLine(angle=0, pen=dashed(palette.GRADIENT))
        self.spectrum.addItem(self.spectrum_limit)

        self.sharpness_widget, self.sharpness = theme.plot_widget("sharpnessPlot")
        set_axis_label(self.sharpness, "bottom", "t (step)")
        self.sharpness.getAxis("bottom").whole_numbers = True  # steps: no step 0.5
        set_axis_label(self.sharpness, "left", "λmax (sharpness)")
        self.curve = pg.PlotDataItem(
            pen=pg.mkPen(POSITIVE, width=theme.line_width),
            symbol="o",
            symbolSize=4,
            symbolBrush=POSITIVE,
            symbolPen=None,
        )
        self.sharpness.addItem(self.curve)
        self.limit_curve = pg.PlotDataItem(pen=dashed(palette.GRADIENT))
        self.sharpness.addItem(self.limit_curve)
        self.marker = pg.InfiniteLine(angle=90, pen=dashed(palette.CURRENT))
        self.sharpness.addItem(self.marker)

        # a quadratic loss (linear + MSE): its sharpness never changes; instead, the error along each
        # eigenvector, measured (solid) against the optimizer's rule on the quadratic (dashed)
        self.errors_widget, self.errors = theme.plot_widget("eigenErrorPlot")
        set_axis_label(self.errors, "bottom", "t (step)")
        self.errors.getAxis("bottom").whole_numbers = True
        set_axis_label(self.errors, "left", "eᵢ (error |vᵢᵀ(θ − θ*)|)")
        self.errors.setLogMode(y=True)
        self.measured_items: list[pg.PlotDataItem] = []
        self.predicted_items: list[pg.PlotDataItem] = []
        self.errors_widget.hide()
        self.lay_out(
            [self.readout, self.legend],
            [(self.spectrum_widget, 1), (self.sharpness_widget, 1), (self.errors_widget, 1)],
        )
        self.eigen_errors = None  # what the errors plot shows (tests read it)
        self.shown_values = np.zeros(0)  # the eigenvalues drawn (tests read them)
        self.shown_step: int | None = None  # the step they belong to
        self.limit: float | None = None  # the curvature limit drawn: factor/η (None: no single one)
        # what each plot was last drawn from: a step moves the marker, not the bars or the curve (redrawing
        # them set ranges, which relaid out the axes, twice a frame: on the step, then on its spectrum)
        self._spectrum_drawn = None
        self._sharpness_drawn = None
        self._sharpness_range = None  # (x0, x1, y0, y1) the sharpness plot shows
        self.start()

    def redraw(self, change: Change) -> None:
        self._draw()

    def _draw(self) -> None:
        s = self.session
        run = s.run
        t = run.trainer
        opt = t.optimizer
        # the limit in curvature units: λ above it overshoots (2/η for GD); none for the adaptive steps
        self.limit = curvature_limit(opt.name, opt.hyperparams, opt.lr)
        latest = run.sharpness.latest(t)
        self._draw_spectrum(latest)
        self.eigen_errors = s.frame.eigen_errors
        quadratic = self.eigen_errors is not None
        self.sharpness_widget.setVisible(not quadratic)
        self.errors_widget.setVisible(quadratic)
        if quadratic:
            self._draw_errors(self.eigen_errors)
        else:
            steps, lam = run.sharpness.curve(t)
            self._draw_sharpness(steps, lam, s.current_step)
        self._say(latest, opt)

    def _draw_spectrum(self, latest) -> None:
        log = self.log_check.isChecked()
        key = (latest and latest[0], log, self.limit)
        spectrum = latest and latest[1]
        if self._spectrum_drawn is not None and self._spectrum_drawn[0] == key and self._spectrum_drawn[1] is spectrum:
            return
        self._spectrum_drawn = (key, spectrum)
        self.spectrum.setLogMode(y=log)
        if latest is None:
            self.bars.setOpts(x=[], height=[])
            self.shown_values, self.shown_step = np.zeros(0), None
            return
        step, spectrum = latest
        values = spectrum.values[:MAX_BARS]
        self.shown_values, self.shown_step = values, step
        finite = np.isfinite(values)
        shown = np.where(finite, values, 0.0)
        heights = np.log10(np.maximum(np.abs(shown), 1e-300)) if log else shown
        base = np.log10(max(np.abs(shown[finite]).min(initial=1.0), 1e-300)) - 0.5 if log else 0.0
        brushes = [pg.mkBrush(POSITIVE if v >= 0 else NEGATIVE) for v in shown]
        x = np.arange(1, len(values) + 1)
        self.bars.setOpts(
            x=x, height=heights - base if log else heights, y0=base if log else 0.0, brushes=brushes, width=0.8
        )
        self.spectrum.setXRange(0.4, len(values) + 0.6, padding=0)
        top = max(np.abs(shown).max(initial=0.0), self.limit or 0.0) or 1.0
        if log:
            self.spectrum.setYRange(base, np.log10(top) + 0.2, padding=0)
        else:
            low = min(shown.min(initial=0.0), 0.0)
            self.spectrum.setYRange(low - 0.05 * top, 1.1 * top, padding=0)
        limit = self.limit
        self.spectrum_limit.setVisible(limit is not None and limit > 0)
        if limit is not None and limit > 0:
            self.spectrum_limit.setValue(np.log10(limit) if log else limit)

    def _draw_sharpness(self, steps: np.ndarray, lam: np.ndarray, now: int) -> None:
        self.marker.setValue(now)
        limit = self.limit
        right = max(int(steps.max(initial=0)), now, 1)
        key = (steps.tobytes(), lam.tobytes(), limit, right)
        if key == self._sharpness_drawn:
            return
        self._sharpness_drawn = key
        finite = np.isfinite(lam)
        self.curve.setData(steps[finite], lam[finite])
        # the range follows in coarse "nice" jumps, as the loss curve's: a range that moved every step made
        # pyqtgraph refit the plot while painting it, and paint it again (twice a frame)
        top = max(float(lam[finite].max(initial=0.0)), limit or 0.0) or 1.0
        low = min(0.0, float(lam[finite].min(initial=0.0)))
        target = (
            0.0,
            nice_ceil(max(10.0, right * 1.05)),
            -nice_ceil(-low * 1.1) if low < 0 else 0.0,
            nice_ceil(1.1 * top),
        )
        self.limit_curve.setVisible(limit is not None and limit > 0)
        if limit is not None and limit > 0:
            self.limit_curve.setData([0, target[1]], [limit, limit])
        if target != self._sharpness_range:
            self._sharpness_range = target
            self.sharpness.getViewBox().setRange(xRange=target[:2], yRange=target[2:], padding=0.02)

    def _draw_errors(self, errors) -> None:
        """|eᵢ(t)| along the steepest eigenvectors (at most six), measured solid, predicted dashed."""
        shown = min(len(errors.values), len(palette.EIGEN_COLORS))
        for pool, dashed in ((self.measured_items, False), (self.predicted_items, True)):
            while len(pool) < shown:
                item = pg.PlotDataItem()
                item.setClipToView(True)
                self.errors.addItem(item)
                pool.append(item)
            for k, item in enumerate(pool):
                series = errors.predicted if dashed else errors.measured
                visible = k < shown and series is not None
                item.setVisible(visible)
                if not visible:
                    continue
                # the prediction in black dashes over its measured line: where they coincide, both show
                colour = PREDICTED if dashed else palette.EIGEN_COLORS[k]
                style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
                width = self.theme.line_width * (0.9 if dashed else 2.0)
                item.setPen(pg.mkPen(colour, width=width, style=style))
                item.setZValue(2 if dashed else 1)
                with np.errstate(all="ignore"):
                    item.setData(errors.steps, np.clip(np.abs(series[:, k]), 1e-300, 1e300))

    def _say(self, latest, opt) -> None:
        s = self.session
        entries = [(POSITIVE, "box", "λ > 0"), (NEGATIVE, "box", "λ < 0")]
        errors = self.eigen_errors
        if errors is not None:  # the errors plot's lines: one colour per eigenvector
            shown = min(len(errors.values), len(palette.EIGEN_COLORS))
            entries += [
                (palette.EIGEN_COLORS[k], "line", f"e{k + 1} (λ = {num(errors.values[k], 3)})") for k in range(shown)
            ]
            rule = {"sgd": "|1 − ηλᵢ|ᵗ", "momentum": "momentum's recurrence", "nesterov": "Nesterov's recurrence"}
            entries.append(
                (PREDICTED, "dash", f"predicted: {rule.get(opt.name, '')}")
                if errors.predicted is not None
                else (palette.NOTE, "dash", f"no prediction: {errors.why}")
            )
        if self.limit is not None:
            name = {"sgd": "2/η", "momentum": "2(1 + μ)/η", "nesterov": "2(1 + μ)/((1 + 2μ)η)"}.get(opt.name, "limit")
            entries.append((palette.GRADIENT, "dash", f"{name} = {num(self.limit, 3)}"))
        if errors is None:  # the sharpness plot marks the current step
            entries.append((palette.CURRENT, "dash", "current step"))
        self.legend.set_entries(entries)
        if latest is None:
            self.readout.setText("The Hessian at this step is being computed …")
            return
        step, spectrum = latest
        words = [f"step {step:,}" + ("" if step == s.current_step else " (this step's: computing)")]
        words.append(f"λmax = <b>{num(spectrum.top, 3)}</b>")
        if spectrum.complete:
            low = spectrum.smallest_positive
            words.append("min λ > 0: " + (num(low, 3) if low is not None else "none"))
            if spectrum.condition is not None:
                words.append(f"κ = {num(spectrum.condition, 3)}")
            negative = int(np.sum(spectrum.values < -1e-10 * max(1.0, abs(spectrum.top))))
            if negative:
                words.append(html.escape(f"{negative} λ < 0"))  # rich text: "<" must be escaped
        else:
            words.append(f"the top {len(spectrum.values)} of {s.model.spec.size:,} (Lanczos)")
        bound = max_stable_lr(opt.name, opt.hyperparams, spectrum.top)
        if bound.lr is None:
            tail = f"{opt.name}: no single largest stable η (it rescales each coordinate's step)"
        elif not np.isfinite(bound.lr):
            tail = "any η is stable here (nothing curves upward)"
        else:
            over = opt.lr > bound.lr
            tail = f"stable for {bound.formula} = {num(bound.lr, 3)}" + (
                f"; η = {num(opt.lr, 3)} is above it" if over else ""
            )
        self.readout.setText(" · ".join(words) + "<br>" + html.escape(tail, quote=False))  # tail: "η < …"
