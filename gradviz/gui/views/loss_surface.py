"""The loss surface: L over a plane of parameter space, the descent path on it, −∇L and Δθ.

Unless it is pinned, the plane follows the run: it passes through the current parameters, so
the colour under the current point is the loss there. The surface is computed off the GUI
thread (a QThreadPool job, coarse first, then full resolution, cancelled when a newer request
arrives): at once when the plane, the data or the model change, and at most a few times a second
while the run moves the plane, each time once the last request has shown something (else a surface
slower than the interval would never show while the run moves). The path, the current point and the arrows follow every step and
every scrub; when they would leave the plot, the plot moves.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from gradviz import core
from gradviz.core.params import norm
from gradviz.state import Change

from .. import palette
from ..axis_labels import set_axis_label
from ..legend import Legend
from ..numbers import num
from ..qt_session import QtSession
from ..race import race_entries, race_label, race_losses
from ..readout import Readout
from ..surface_worker import SurfaceJob
from ..theme import Theme
from .base import View
from .descent_marks import STATIONARY, DescentMarks
from .progress_strip import ProgressStrip
from .race_marks import RaceMarks
from .slice_controls import SliceControls
from .step_marks import StepMarks, words
from .surface_box import RECENT, function_domain, known_minima, next_point, surface_box
from .surface_image import SurfaceImage

__all__ = ["LossSurfaceView", "COARSE", "FULL", "coarse_side"]

COARSE = 32  # first pass, shown at once
FULL = 100  # then full resolution (≤ 35 ms for logistic regression at N = 1,000)
FIELD = 13  # gradient-field arrows per side
FOLLOW_MS = 150  # while the run moves the plane, a new surface at most this often
_SYNC_BUDGET = 4_000_000  # N × grid points computed on the GUI thread for the coarse pass
# N × grid points of a full surface quick enough (~20 ms) that following the run needs no coarse pass first:
# the old surface stays until the new one is complete, instead of a blurred one in between
_QUICK_FULL = 20_000_000
MIN_COARSE = 12


def coarse_side(n_points: int) -> int:
    """Points per side of the coarse pass: COARSE, fewer on data so large that COARSE² of them would take
    longer than a full grid of `_QUICK_FULL` (at 100,000 points: 14, about a surface a second while the run
    moves instead of one every two); the values at the grid's points are exact either way."""
    return int(np.clip(np.sqrt(_QUICK_FULL / max(n_points, 1)), MIN_COARSE, COARSE))


class LossSurfaceView(View):
    depends = frozenset({"data", "model", "step", "settings", "slice", "view", "runs"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("lossSurfaceView")
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._gen = 0
        self._pending = 0
        self._shown_gen = 0  # the newest request whose surface (coarse or full) has been shown
        self._reframe_soon = False  # the plot changed shape while drawn to scale: a new surface is due
        self.surface: np.ndarray | None = None  # the S on screen (float64), rows = α, columns = β
        self.alphas = self.betas = np.zeros(0)
        self.slice: core.Slice | None = None  # the slice S was computed on
        self._field_key = None

        self.controls = SliceControls(self.session, theme)
        self.plot_widget, self.plot = theme.plot_widget("lossSurfacePlot")
        self.progress = ProgressStrip(self.plot_widget, theme, "surfaceProgress")
        self.surface_image = SurfaceImage(self.plot, theme)
        self.image = self.surface_image.image
        self.field = pg.PlotDataItem(pen=pg.mkPen(palette.ON_MAP, width=1.2), connect="pairs", antialias=False)
        self.field_tips = pg.ScatterPlotItem(size=4 * theme.scale, brush=pg.mkBrush(palette.ON_MAP), pen=None)
        self.optimum = pg.ScatterPlotItem(
            size=20 * theme.scale, symbol="star", brush=pg.mkBrush(palette.OPTIMUM), pen=pg.mkPen(palette.INK, width=1)
        )
        for z, item in enumerate((self.field, self.field_tips, self.optimum)):
            item.setZValue(z - 5 if item is not self.optimum else 8)
            self.plot.addItem(item)
        self.marks = DescentMarks(self.plot, theme)
        self.race = RaceMarks(self.plot, theme)
        self.step_marks = StepMarks(self.plot, theme)  # the optimizer's step in its parts (a view option)
        self.path, self.current = self.marks.path, self.marks.current
        self._legend_runs: list[int] = []  # the runs the legend's first entries name
        self.drawn = None  # what the marks showed last (tests read it)
        self._follow_timer = QTimer(self)
        self._follow_timer.setSingleShot(True)
        self._follow_timer.setInterval(FOLLOW_MS)
        self._follow_timer.timeout.connect(self._follow)
        self.plot.scene().sigMouseClicked.connect(self._on_plot_clicked)
        # −∇L is drawn a fixed number of pixels long: resized or zoomed, the plot draws it again, once, right
        # before it paints (a scene's arrangement resizes the plot several times in one turn)
        self._marks_due = False
        self.plot.getViewBox().sigResized.connect(self._on_view_moved)
        self.plot.getViewBox().sigResized.connect(self._on_resized)
        self.plot.getViewBox().sigRangeChangedManually.connect(self._on_view_moved)
        self.plot.scene().sigPrepareForPaint.connect(self._draw_due_marks)
        self.plot_widget.setToolTip(
            "Click the surface to start a new run there. −∇L is drawn as a direction (its length is fixed); "
            "the next step Δθ is drawn to scale."
        )

        self.note = Readout(theme.font(0.85), lines=2, rich=True)
        self.note.setObjectName("surfaceNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        # presenting, the slice controls are one "Plane" button: it leads the legend's row
        self.legend = Legend("surfaceLegend", theme, leading=[self.controls] if theme.present else [])
        self.legend.sigEntryClicked.connect(self._on_legend_clicked)
        if not theme.present:
            layout.addWidget(self.controls)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.note)

        self.start()

    def redraw(self, change: Change) -> None:
        s = self.session
        self.once("pca", s.last_step >= 2, self.controls.enable_pca)
        if change.touches({"model", "slice", "view", "runs"}):
            self.controls.sync()
            self.once("axes", s.slice.axis_labels, self._label_axes)
            # x and y of a function are one unit: drawn to scale, −∇f meets the contours at right angles
            self.once("aspect", self._domain() is not None, self.plot.getViewBox().setAspectLocked)
        # a new surface is asked for: it is shown with the view's options and the field drawn on its plane (the
        # old plane may be another model's); else a change of the options shows the surface there is again
        if change.touches({"model", "slice", "runs"}) or self.slice is None:
            self.request(reframe=True)
        elif "data" in change:
            self.request(reframe=False)
        else:
            if "view" in change:
                self._show_surface()
                self._draw_field()
            self._draw_step()
            if self._lost_sight():
                self.request(reframe=True, at_once=False)
            elif s.slice is not self.slice and not self._follow_timer.isActive():
                self._follow_timer.start()  # the run moved the plane: a new surface soon

    def _on_view_moved(self, *_) -> None:
        self._marks_due = True

    def _draw_due_marks(self) -> None:
        if self._marks_due and self.seen and self.slice is not None:
            self._draw_step()

    def _on_resized(self, *_) -> None:
        """Drawn to scale (a function's x and y), a new shape of the plot shows more or less of the
        plane: a surface for what is shown, soon."""
        if self.seen and self.slice is not None and self.plot.getViewBox().state["aspectLocked"]:
            self._reframe_soon = True
            self._follow_timer.start()

    def _follow(self) -> None:
        if self._pending and self._shown_gen != self._gen:
            # the last plane's surface has shown nothing yet: asking again would drop it, and with surfaces
            # slower than the follow interval (100,000 points) none would ever show while the run moves
            self._follow_timer.start()
            return
        if self._reframe_soon:
            self._reframe_soon = False
            self.request(reframe=True, at_once=False)
            return
        if self.session.slice is not self.slice:
            self.request(reframe=False, at_once=False)

    def _label_axes(self, labels) -> None:
        set_axis_label(self.plot, "bottom", labels[0])
        set_axis_label(self.plot, "left", labels[1])

    # ------------------------------------------------------------------ requests
    def _frame(self) -> tuple[np.ndarray, np.ndarray]:
        """The grid over the box the surface views show (`surface_box`)."""
        lo, hi = surface_box(self.session)
        return np.linspace(lo[0], hi[0], FULL), np.linspace(lo[1], hi[1], FULL)

    def _domain(self) -> np.ndarray | None:
        return function_domain(self.session)

    def _next_point(self) -> np.ndarray:
        return next_point(self.session)

    def _lost_sight(self) -> bool:
        """Whether the current point, the recent path or the next step's end left the plot."""
        if len(self.alphas) == 0:
            return True
        f = self.session.frame
        pts = np.vstack([f.path[-RECENT:], self._next_point()])
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        lo = np.array([self.alphas[0], self.betas[0]])
        hi = np.array([self.alphas[-1], self.betas[-1]])
        return bool(np.any(pts < lo) or np.any(pts > hi))

    def request(self, reframe: bool = True, at_once: bool = True) -> None:
        """A new surface on the session's plane: a coarse pass (on the GUI thread when it is cheap
        and `at_once`; none when following the run with a quick full grid), then the full grid in the
        background."""
        s = self.session
        self._follow_timer.stop()
        if reframe or len(self.alphas) == 0:
            self.alphas, self.betas = self._frame()
            vb = self.plot.getViewBox()
            vb.setRange(xRange=(self.alphas[0], self.alphas[-1]), yRange=(self.betas[0], self.betas[-1]), padding=0.0)
            if vb.state["aspectLocked"] and vb.width() > 0:  # drawn to scale: the plot widened the box; fill it
                (x0, x1), (y0, y1) = vb.viewRange()
                self.alphas, self.betas = np.linspace(x0, x1, FULL), np.linspace(y0, y1, FULL)
        self.slice = s.slice
        self._gen += 1
        X, Y = s.dataset.X, s.dataset.Y
        side = coarse_side(X.shape[0])
        coarse_a = np.linspace(self.alphas[0], self.alphas[-1], side)
        coarse_b = np.linspace(self.betas[0], self.betas[-1], side)
        if at_once and X.shape[0] * side * side <= _SYNC_BUDGET:  # ~10 ms: instant feedback
            sl = self.slice
            S = core.loss_surface(
                s.model, s.loss_fn, X, Y, sl.center, sl.d1, sl.d2, coarse_a, coarse_b, dtype=self._dtype()
            )
            self._set_surface(S, coarse_a, coarse_b)
        elif reframe or X.shape[0] * FULL * FULL > _QUICK_FULL:
            self._start_job(coarse_a, coarse_b, final=False)
        self._start_job(self.alphas, self.betas, final=True)
        self._draw_field()
        self._draw_step()

    def _start_job(self, alphas: np.ndarray, betas: np.ndarray, final: bool) -> None:
        s = self.session
        job = SurfaceJob.on(s, self.slice, alphas, betas, self._dtype(), self._gen, lambda: self._gen)
        job.signals.progress.connect(self._on_progress)
        job.signals.done.connect(self._on_done if final else self._on_coarse_done)
        self._pending = self._gen
        self.progress.show_fraction(0.0)
        self._pool.start(job)

    def _dtype(self):
        """float32 is twice as fast and plenty for colours, until values pass ~1e15 (losses then
        overflow its 3e38); beyond that the surface is computed in float64."""
        s = self.session
        center = s.model.spec.flatten(self.slice.center)
        scale = max(float(np.abs(s.dataset.X).max()), float(np.abs(s.dataset.Y).max()), norm(center))
        return np.float32 if scale < 1e15 else np.float64

    def _on_coarse_done(self, gen: int, S) -> None:
        if gen == self._gen:
            self._set_surface(
                S,
                np.linspace(self.alphas[0], self.alphas[-1], S.shape[0]),
                np.linspace(self.betas[0], self.betas[-1], S.shape[1]),
            )

    @property
    def idle(self) -> bool:
        """No background computation outstanding (tests wait for this)."""
        return self._pending == 0

    def _on_progress(self, gen: int, fraction: float) -> None:
        if gen == self._gen:
            self.progress.show_fraction(fraction)

    def _on_done(self, gen: int, S) -> None:
        if gen != self._gen:
            return
        self._pending = 0
        self._reframe_soon = False  # the plot changed shape while drawn to scale: a new surface is due
        self.progress.show_fraction(None)
        self._set_surface(S, self.alphas, self.betas)

    def finish_rendering(self) -> None:
        """Wait for the full-resolution surface on the current plane (a screenshot wants the final picture)."""
        if self._reframe_soon:  # the plot's shape changed (drawn to scale): the surface for what it shows
            self._follow_timer.stop()
            self._follow()
        elif self.session.slice is not self.slice:
            self.request(reframe=False)
        if self._pending:
            self._pool.waitForDone(30_000)
            QCoreApplication.processEvents()  # deliver the finished job's signal

    def shutdown(self) -> None:
        """Cancel background work and wait for it (the window is closing)."""
        self._gen += 1
        self._follow_timer.stop()
        self._pool.waitForDone(2000)

    def shown_grid(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(α, β, L) of the surface on screen: L[i, j] at (α[i], β[j]); None before the first one."""
        if self.surface is None:
            return None
        return (*self._shown_axes, self.surface)

    # ------------------------------------------------------------------ drawing
    def _set_surface(self, S: np.ndarray, alphas: np.ndarray, betas: np.ndarray) -> None:
        self._shown_gen = self._gen
        self.surface = S
        self._shown_axes = (alphas, betas)
        self._show_surface()

    def _show_surface(self) -> None:
        if self.surface is not None:
            s = self.session
            self.surface_image.show(
                self.surface, *self._shown_axes, s.view.surface_log, include=[s.frame.loss], symbol=s.settings.objective
            )
            self._draw_optimum()

    def _optimum_coords(self) -> np.ndarray | None:
        return known_minima(self.session)

    def _draw_optimum(self) -> None:
        optimum = self._optimum_coords()
        if optimum is not None:
            self.optimum.setData(optimum[:, 0], optimum[:, 1])
        else:
            self.optimum.setData([], [])
        self._update_legend()

    def _update_legend(self) -> None:
        race = race_entries(self.session)
        self._legend_runs = [e.index for e in race]
        if race:  # each run's path in its colour; ▶ the focused one, whose −∇L and Δθ are drawn
            entries = [(e.color, "line", race_label(e)) for e in race]
        else:
            entries = [(palette.PATH_LEGEND, "line", "descent path (□ start)")]
        symbol = self.session.settings.objective
        entries += [
            (palette.CURRENT, "dot", "current step"),
            (palette.GRADIENT, "line", f"−∇{symbol} direction"),
            (palette.UPDATE, "dash", "next step Δθ"),
        ]
        entries += self.step_marks.legend_entries(symbol)
        optimum = self._optimum_coords()
        if optimum is not None:
            known = "optimum (normal equation)" if self.session.model.kind == "linear" else "known minimum"
            entries.append((palette.OPTIMUM, "star", known + ("s" if len(optimum) > 1 else "")))
        self.legend.set_entries(entries)

    def _on_legend_clicked(self, i: int) -> None:
        if i < len(self._legend_runs):
            self.session.focus_run(self._legend_runs[i])

    def _draw_field(self) -> None:
        s = self.session
        if not s.view.gradient_field or len(self.alphas) == 0 or self.slice is None:
            self.field.setData([], [])
            self.field_tips.setData([], [])
            return
        a = np.linspace(self.alphas[0], self.alphas[-1], FIELD + 2)[1:-1]
        b = np.linspace(self.betas[0], self.betas[-1], FIELD + 2)[1:-1]
        sl = self.slice
        F = core.gradient_field(s.model, s.loss_fn, s.dataset.X, s.dataset.Y, sl.center, sl.d1, sl.d2, a, b)
        cell = np.array([a[1] - a[0], b[1] - b[0]])
        g = -F.reshape(-1, 2) / cell  # downhill, in grid cells: both axes' scales count
        mag = np.hypot(g[:, 0], g[:, 1])
        top = max(float(mag.max(initial=0.0)), 1e-300)
        # unit direction × √(|∇L| / max|∇L|): small gradients stay visible, large ones stay in their cell
        g *= (0.85 * np.sqrt(mag / top) / np.maximum(mag, 1e-300))[:, None]
        A, B = np.meshgrid(a, b, indexing="ij")
        x0, y0 = A.ravel(), B.ravel()
        x1, y1 = x0 + g[:, 0] * cell[0], y0 + g[:, 1] * cell[1]
        xs = np.empty(2 * x0.size)
        ys = np.empty(2 * x0.size)
        xs[0::2], xs[1::2], ys[0::2], ys[1::2] = x0, x1, y0, y1
        self.field.setData(xs, ys)
        self.field_tips.setData(x1, y1)

    def _draw_step(self) -> None:
        """The path up to the current step, the current point, −∇L and the next Δθ."""
        self._marks_due = False
        s = self.session
        f = s.frame
        scale = max(1.0, norm(f.spec.flatten(s.params)))
        race = race_entries(s)
        self.marks.set_raced(bool(race))
        self.drawn = self.marks.draw(f.path, f.slice_grad, f.slice_update, f.grad_norm < STATIONARY * scale)
        self.race.draw(race, f.race_paths if race else ())
        self._draw_step_parts()
        self._update_legend()
        self._update_note()

    def _draw_step_parts(self) -> None:
        s = self.session
        if not s.view.step_parts or s.diverged:
            self.step_marks.hide()
            return
        f = s.frame
        spec, plane = f.spec, s.slice
        self.step_marks.draw(f.path[-1], f.step_parts, lambda v: plane.displacement(spec, v))

    def _step_words(self) -> str:
        """The optimizer's parts in numbers, per axis where the axes are two parameters themselves."""
        s = self.session
        if not s.view.step_parts or s.diverged or not self.step_marks.drawn:
            return ""
        f = s.frame
        spec, plane = f.spec, s.slice
        if plane.mode == "axes":
            at = [spec.index_of(label) for label in plane.axis_labels]
            return words(f.step_parts, lambda v: np.asarray(v)[at], plane.axis_labels, s.settings.objective)
        return words(f.step_parts, lambda v: plane.displacement(spec, v), None, s.settings.objective)

    def _update_note(self) -> None:
        s = self.session
        f = s.frame
        spec = f.spec
        sl = s.slice
        symbol = s.settings.objective
        if s.settings.is_function and sl.holds_everything(spec):
            plane = f"f(x, y) = {s.model.function.expression}"
        elif sl.holds_everything(spec):
            plane = "Two parameters: the surface is the whole loss."
        elif not s.slice_pinned:
            plane = "Plane through ●; the path is projected onto it."  # the colour bar says "loss"
        else:
            off = sl.project(spec, spec.flatten(s.params)[None, :]).off_plane[0]
            plane = f"Pinned plane: the run is {num(off, 3)} off it, so the colour under ● is not the loss."
        drawn = self.drawn
        grad = (
            f"∇{symbol} = 0 (a stationary point)"
            if drawn and drawn.stationary
            else f"‖∇{symbol}‖ = {num(f.grad_norm, 3)}"
        )
        step = f"‖Δθ‖ = {num(norm(f.next_update), 3)}" + (" (leaves the plot)" if drawn and drawn.update_cut else "")
        if len(race_losses(s)) > 1:  # the surface is one loss: whose, and what the other paths are drawn on
            plane = (
                f"The surface is {s.run.name}'s loss ({s.settings.loss.upper()}); every path is drawn on it. {plane}"
            )
        parts = self._step_words()
        self.note.setText(
            f"{plane}<br>{symbol} at ● = {num(f.loss)} · {grad} · {step}" + (f"<br>{parts}" if parts else "")
        )

    def _on_plot_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        pos = vb.mapSceneToView(ev.scenePos())
        s = self.session
        run = self.race.run_at(pos.x(), pos.y())
        if run is not None:  # a click on another run's path focuses it
            s.focus_run(run)
        else:
            s.restart_from(s.slice.point(s.model.spec, pos.x(), pos.y()))
        ev.accept()
