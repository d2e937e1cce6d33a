"""The loss surface: L over a 2-D slice of parameter space, the descent path on it, and −∇L.

The surface is computed off the GUI thread (a QThreadPool job, coarse first, then full
resolution, cancelled when a newer request arrives) and only when the slice, the data or
the model change, or the path leaves the computed area — not on every step. The path, the
current point and the arrows are cheap and follow every step and every scrub.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from gradviz import core
from gradviz.state import Change
from gradviz.state.series import thin_polyline

from .. import palette
from ..qt_session import QtSession
from ..readout import Readout
from ..surface_worker import SurfaceJob
from ..theme import Theme, legend_html, legend_label
from .base import View
from .slice_controls import SliceControls
from .surface_image import SurfaceImage

__all__ = ["LossSurfaceView", "COARSE", "FULL"]

COARSE = 32  # first pass, shown at once
FULL = 100  # then full resolution (≤ 35 ms for logistic regression at N = 1,000)
FIELD = 13  # gradient-field arrows per side
MARKED_STEPS = 200  # paths with more drawn points are drawn without a dot per step
_SYNC_BUDGET = 4_000_000  # N × grid points computed on the GUI thread for the coarse pass


class LossSurfaceView(View):
    depends = frozenset({"data", "model", "step", "settings", "slice", "view", "runs"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("lossSurfaceView")
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._gen = 0
        self._pending = 0
        self.surface: np.ndarray | None = None  # the S on screen (float64), rows = α, columns = β
        self.alphas = self.betas = np.zeros(0)
        self.slice: core.Slice | None = None  # the slice S was computed on
        self._field_key = None

        self.controls = SliceControls(self.session, theme)
        self.plot_widget, self.plot = theme.plot_widget("lossSurfacePlot")
        self.surface_image = SurfaceImage(self.plot, theme)
        self.image = self.surface_image.image
        self.field = pg.PlotDataItem(pen=pg.mkPen(255, 255, 255, 150, width=1.2), connect="pairs", antialias=False)
        self.field_tips = pg.ScatterPlotItem(size=4 * theme.scale, brush=pg.mkBrush(255, 255, 255, 170), pen=None)
        self.path = pg.PlotDataItem(
            pen=pg.mkPen(palette.PATH, width=theme.line_width),
            symbol="o",
            symbolSize=4 * theme.scale,
            symbolBrush=pg.mkBrush(palette.PATH),
            symbolPen=None,
        )
        self.start_marker = pg.ScatterPlotItem(
            size=9 * theme.scale, symbol="s", brush=pg.mkBrush("#ffffff"), pen=pg.mkPen("k", width=1)
        )
        self.current = pg.ScatterPlotItem(
            size=15 * theme.scale, brush=pg.mkBrush(palette.CURRENT), pen=pg.mkPen("k", width=2)
        )
        self.grad_line = pg.PlotDataItem(pen=pg.mkPen(palette.GRADIENT, width=theme.line_width * 1.3))
        self.grad_head = pg.ArrowItem(headLen=14 * theme.scale, tipAngle=35, brush=palette.GRADIENT, pen=None)
        self.update_line = pg.PlotDataItem(
            pen=pg.mkPen(palette.UPDATE, width=theme.line_width * 1.2, style=Qt.PenStyle.DashLine)
        )
        self.optimum = pg.ScatterPlotItem(
            size=20 * theme.scale, symbol="star", brush=pg.mkBrush(palette.OPTIMUM), pen=pg.mkPen("k", width=1)
        )
        for z, item in enumerate(
            (self.field, self.field_tips, self.path, self.start_marker, self.optimum, self.update_line, self.grad_line)
        ):
            item.setZValue(z)
            self.plot.addItem(item)
        self.plot.addItem(self.grad_head)
        self.grad_head.setZValue(10)
        self.current.setZValue(11)
        self.plot.addItem(self.current)
        self.legend = legend_label("surfaceLegend", theme)
        self.plot.scene().sigMouseClicked.connect(self._on_plot_clicked)

        self.note = Readout(theme.font(0.9), lines=2)
        self.note.setObjectName("surfaceNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
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
        if "view" in change:
            self._show_surface()
        if change.touches({"model", "slice", "runs"}) or self.slice is not s.slice:
            self.request(reframe=True)
        elif "data" in change:
            self.request(reframe=False)
        else:
            self._draw_step()
        if change.touches({"data", "model", "slice", "view", "runs"}):
            self._draw_field()

    def _label_axes(self, labels) -> None:
        self.plot.setLabel("bottom", labels[0])
        self.plot.setLabel("left", labels[1])

    # ------------------------------------------------------------------ requests
    def _frame(self) -> tuple[np.ndarray, np.ndarray]:
        """Grid covering the whole recorded path (and the current point) with a margin."""
        coords = self.session.frame.path
        optimum = self._optimum_coords()
        if optimum is not None:  # linear regression: keep the normal equation's optimum in view
            coords = np.vstack([coords, optimum])
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        mid = (lo + hi) / 2
        half = np.maximum(0.65 * (hi - lo), 1.0)
        if self.session.slice.mode == "axes":
            half = np.maximum(half, 0.25 * np.abs(mid))
        return (
            np.linspace(mid[0] - half[0], mid[0] + half[0], FULL),
            np.linspace(mid[1] - half[1], mid[1] + half[1], FULL),
        )

    def request(self, reframe: bool = True) -> None:
        """Recompute the surface: a coarse pass at once, the full grid in the background."""
        s = self.session
        if reframe or self.slice is not s.slice or len(self.alphas) == 0:
            self.alphas, self.betas = self._frame()
        self.slice = s.slice
        self._gen += 1
        X, Y = s.dataset.X, s.dataset.Y
        coarse_a = np.linspace(self.alphas[0], self.alphas[-1], COARSE)
        coarse_b = np.linspace(self.betas[0], self.betas[-1], COARSE)
        if X.shape[0] * COARSE * COARSE <= _SYNC_BUDGET:  # ~10 ms: instant feedback on the GUI thread
            S = core.loss_surface(
                s.model, s.loss, X, Y, s.slice.center, s.slice.d1, s.slice.d2, coarse_a, coarse_b, dtype=np.float32
            )
            self._set_surface(S, coarse_a, coarse_b)
        else:
            self._start_job(coarse_a, coarse_b, final=False)
        self._start_job(self.alphas, self.betas, final=True)
        self._draw_step()

    def _start_job(self, alphas: np.ndarray, betas: np.ndarray, final: bool) -> None:
        s = self.session
        job = SurfaceJob(
            self._gen, lambda: self._gen, s.model, s.loss, s.dataset.X, s.dataset.Y, s.slice, alphas, betas, np.float32
        )
        job.signals.progress.connect(self._on_progress)
        job.signals.done.connect(self._on_done if final else self._on_coarse_done)
        self._pending = self._gen
        self.controls.show_progress(0.0)
        self._pool.start(job)

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
            self.controls.show_progress(fraction)

    def _on_done(self, gen: int, S) -> None:
        if gen != self._gen:
            return
        self._pending = 0
        self.controls.show_progress(None)
        self._set_surface(S, self.alphas, self.betas)

    def finish_rendering(self) -> None:
        """Wait for the full-resolution surface (a screenshot wants the final picture)."""
        if self._pending:
            self._pool.waitForDone(30_000)
            QCoreApplication.processEvents()  # deliver the finished job's signal

    def shutdown(self) -> None:
        """Cancel background work and wait for it (the window is closing)."""
        self._gen += 1
        self._pool.waitForDone(2000)

    # ------------------------------------------------------------------ drawing
    def _set_surface(self, S: np.ndarray, alphas: np.ndarray, betas: np.ndarray) -> None:
        self.surface = S
        self._shown_axes = (alphas, betas)
        self._show_surface()

    def _show_surface(self) -> None:
        if self.surface is not None:
            self.surface_image.show(self.surface, *self._shown_axes, self.session.view.surface_log)
            self._draw_optimum()

    def _optimum_coords(self) -> np.ndarray | None:
        """Linear regression + MSE: the normal equation's optimum in slice coordinates."""
        f = self.session.frame
        if f.optimum is None:
            return None
        return self.session.slice.project(f.spec, f.optimum[None, :]).coords[0]

    def _draw_optimum(self) -> None:
        optimum = self._optimum_coords()
        if optimum is not None:
            self.optimum.setData([optimum[0]], [optimum[1]])
        else:
            self.optimum.setData([], [])
        entries = [
            (palette.PATH_LEGEND, "line", "descent path (□ start)"),
            (palette.CURRENT, "dot", "current step"),
            (palette.GRADIENT, "line", "−∇L direction"),
            (palette.UPDATE, "dash", "next step Δθ"),
        ]
        if optimum is not None:
            entries.append((palette.OPTIMUM, "star", "optimum (normal equation)"))
        self.once("legend", legend_html(entries), self.legend.setText)

    def _draw_field(self) -> None:
        s = self.session
        if not s.view.gradient_field or len(self.alphas) == 0:
            self.field.setData([], [])
            self.field_tips.setData([], [])
            return
        a = np.linspace(self.alphas[0], self.alphas[-1], FIELD + 2)[1:-1]
        b = np.linspace(self.betas[0], self.betas[-1], FIELD + 2)[1:-1]
        sl = s.slice
        F = core.gradient_field(s.model, s.loss, s.dataset.X, s.dataset.Y, sl.center, sl.d1, sl.d2, a, b)
        cell = np.array([a[1] - a[0], b[1] - b[0]])
        g = -F.reshape(-1, 2) / cell  # downhill, in grid cells: both axes' scales count
        mag = np.linalg.norm(g, axis=1)
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
        s = self.session
        if self.slice is not s.slice:
            return
        f = s.frame
        coords = f.path
        span = np.array([np.ptp(self.alphas), np.ptp(self.betas)]) if len(self.alphas) else np.ones(2)
        drawn = coords[thin_polyline(coords / np.maximum(span, 1e-300), 1 / 400)]  # ~1 pixel apart
        # a dot per step while they can be told apart; a long run's path is a line
        self.once("steps marked", len(drawn) <= MARKED_STEPS, lambda on: self.path.setSymbol("o" if on else None))
        self.path.setData(drawn[:, 0], drawn[:, 1])
        self.start_marker.setData([coords[0, 0]], [coords[0, 1]])
        a, b = coords[-1]
        self.current.setData([a], [b])
        g = f.slice_grad
        norm = np.linalg.norm(-g / span)
        if norm > 0:
            tip = np.array([a, b]) + (-g / span) / norm * 0.18 * span
            self.grad_line.setData([a, tip[0]], [b, tip[1]])
            angle = np.degrees(np.arctan2(-(tip[1] - b) / span[1], (tip[0] - a) / span[0]))
            self.grad_head.setPos(tip[0], tip[1])
            self.grad_head.setStyle(angle=180 + angle)
            self.grad_head.setVisible(True)
        else:
            self.grad_line.setData([], [])
            self.grad_head.setVisible(False)
        delta = f.slice_update
        self.update_line.setData([a, a + delta[0]], [b, b + delta[1]])
        self._update_note()
        if len(self.alphas) and not (self.alphas[0] <= a <= self.alphas[-1] and self.betas[0] <= b <= self.betas[-1]):
            self.request(reframe=True)  # the path left the computed area

    def _update_note(self) -> None:
        s = self.session
        spec = s.model.spec
        sl = s.slice
        if sl.holds_everything(spec):
            text = "The model has exactly these two parameters: the surface is the whole loss, the path lies on it."
        elif sl.mode == "axes":
            text = (
                f"The other {spec.size - 2} parameter{'s are' if spec.size > 3 else ' is'} held where the slice "
                "was centred; the path is "
                "projected onto this plane, so its points need not sit on the surface. “Centre here” re-pins them."
            )
        else:
            text = (
                "The path is projected onto the plane of two directions; its points need not sit on the "
                "surface. Distance of the current point from the plane: "
                f"{sl.project(spec, spec.flatten(s.params)[None, :]).off_plane[0]:.3g}."
            )
        self.note.setText(text + "  Click the surface to start a new run there.")

    def _on_plot_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        pos = vb.mapSceneToView(ev.scenePos())
        s = self.session
        s.restart_from(s.slice.point(s.model.spec, pos.x(), pos.y()))
        ev.accept()
