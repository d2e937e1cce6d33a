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
    QCheckBox,
    QComboBox,
    QGraphicsItem,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
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

__all__ = ["LossSurfaceView", "COARSE", "FULL"]

COARSE = 32  # first pass, shown at once
FULL = 100  # then full resolution (≤ 35 ms for logistic regression at N = 1,000)
FIELD = 13  # gradient-field arrows per side
MARKED_STEPS = 200  # paths with more drawn points are drawn without a dot per step
_SYNC_BUDGET = 4_000_000  # N × grid points computed on the GUI thread for the coarse pass
MODES = {"axes": "two parameters", "random": "random directions", "pca": "PCA of the path"}


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

        # ---------------------------------------------------------------- controls
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("sliceModeCombo")
        for key, title in MODES.items():
            self.mode_combo.addItem(title, key)
        self.mode_combo.setToolTip(
            "Which plane of parameter space to show: two parameters by name, two random "
            "filter-normalised directions (Li et al. 2018), or the path's top two principal directions"
        )
        self.x_combo = QComboBox()
        self.x_combo.setObjectName("sliceXCombo")
        self.x_combo.setToolTip("The parameter on the horizontal axis")
        self.y_combo = QComboBox()
        self.y_combo.setObjectName("sliceYCombo")
        self.y_combo.setToolTip("The parameter on the vertical axis")
        self.recenter_button = QPushButton("Centre here")
        self.recenter_button.setObjectName("recenterButton")
        self.recenter_button.setToolTip("Pin the slice's other parameters at the current step's values")
        self.field_check = QCheckBox("gradient field")
        self.field_check.setObjectName("gradientFieldCheck")
        self.field_check.setToolTip("Arrows of −∇L over the slice: descent goes along them, across the contours")
        self.log_check = QCheckBox("log colours")
        self.log_check.setObjectName("surfaceLogCheck")
        self.log_check.setToolTip("Colour by log₁₀ L: shows the shape of the valley floor")
        self.progress = QProgressBar()
        self.progress.setObjectName("surfaceProgress")
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(int(110 * theme.scale))
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        row = QHBoxLayout()
        for w in (self.mode_combo, self.x_combo, self.y_combo, self.recenter_button, self.field_check, self.log_check):
            w.setFont(theme.font(0.9))
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.progress)

        # ---------------------------------------------------------------- plot
        self.plot_widget, self.plot = theme.plot_widget("lossSurfacePlot")
        self.image = pg.ImageItem()
        self.image.setZValue(-20)
        self.plot.addItem(self.image)
        self.colormap = pg.colormap.get("viridis")
        self.image.setColorMap(self.colormap)
        self.colorbar = pg.ColorBarItem(
            values=(0, 1), colorMap=self.colormap, interactive=False, width=int(18 * theme.scale)
        )
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.colorbar.axis.setTickFont(theme.font(0.85))
        self.colorbar.axis.enableAutoSIPrefix(False)
        self.isocurves = [pg.IsocurveItem(pen=pg.mkPen(255, 255, 255, 110, width=1)) for _ in range(9)]
        for iso in self.isocurves:
            iso.setParentItem(self.image)
            # contours change only with the surface: paint them once into a pixmap, then blit
            iso.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
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
        layout.addLayout(row)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.note)

        self.mode_combo.currentIndexChanged.connect(self._on_mode_chosen)
        self.x_combo.currentIndexChanged.connect(self._on_axes_chosen)
        self.y_combo.currentIndexChanged.connect(self._on_axes_chosen)
        self.recenter_button.clicked.connect(lambda: self.session.recenter_slice())
        self.field_check.toggled.connect(lambda on: self.session.set_view(gradient_field=on))
        self.log_check.toggled.connect(lambda on: self.session.set_view(surface_log=on))
        self.start()

    def redraw(self, change: Change) -> None:
        s = self.session
        pca = self.mode_combo.model().item(self.mode_combo.findData("pca"))
        self.once("pca", s.last_step >= 2, pca.setEnabled)  # a path needs three points for two directions
        if change.touches({"model", "slice", "runs"}):
            self._sync_controls()
            self.once("axes", s.slice.axis_labels, self._label_axes)
        if change.touches({"view"}):
            for check, on in ((self.field_check, s.view.gradient_field), (self.log_check, s.view.surface_log)):
                check.blockSignals(True)
                check.setChecked(on)
                check.blockSignals(False)
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

    # ------------------------------------------------------------------ controls
    def _sync_controls(self) -> None:
        sl = self.session.slice
        labels = self.session.model.spec.labels()
        for combo in (self.mode_combo, self.x_combo, self.y_combo):
            combo.blockSignals(True)
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(sl.mode))
        for combo, current in ((self.x_combo, sl.axis_labels[0]), (self.y_combo, sl.axis_labels[1])):
            if [combo.itemText(i) for i in range(combo.count())] != labels:
                combo.clear()
                combo.addItems(labels)
            if sl.mode == "axes":
                combo.setCurrentText(current)
            combo.setEnabled(sl.mode == "axes")
        for combo in (self.mode_combo, self.x_combo, self.y_combo):
            combo.blockSignals(False)

    def _on_mode_chosen(self, *args) -> None:
        mode = self.mode_combo.currentData()
        if mode == "axes":
            self.session.set_slice("axes", (self.x_combo.currentText(), self.y_combo.currentText()))
        elif not self.session.set_slice(mode):
            self._sync_controls()

    def _on_axes_chosen(self, *args) -> None:
        a, b = self.x_combo.currentText(), self.y_combo.currentText()
        if a and b and a != b and self.session.slice.mode == "axes":
            self.session.set_slice("axes", (a, b))

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
        self.progress.setValue(0)
        self.progress.setVisible(True)
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
            self.progress.setValue(int(100 * fraction))

    def _on_done(self, gen: int, S) -> None:
        if gen != self._gen:
            return
        self._pending = 0
        self.progress.setVisible(False)
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
        if self.surface is None:
            return
        alphas, betas = self._shown_axes
        S = self.surface
        log = self.session.view.surface_log
        D = np.log10(np.maximum(S, 1e-12)) if log else S
        finite = D[np.isfinite(D)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if hi <= lo:
            hi = lo + 1e-9
        image = np.ascontiguousarray(D.T)  # row-major: rows are β (y), columns α (x)
        self.image.setImage(image, levels=(lo, hi))
        da = (alphas[-1] - alphas[0]) / max(1, len(alphas) - 1)
        db = (betas[-1] - betas[0]) / max(1, len(betas) - 1)
        self.image.setRect(
            alphas[0] - da / 2, betas[0] - db / 2, alphas[-1] - alphas[0] + da, betas[-1] - betas[0] + db
        )
        self.colorbar.setLevels((lo, hi))
        self.colorbar.axis.setLabel("log₁₀ L" if log else "loss L")
        # contour levels evenly spaced in the displayed value, skipping the extremes
        for iso, level in zip(self.isocurves, np.linspace(lo, hi, len(self.isocurves) + 2)[1:-1], strict=True):
            iso.setData(image, level)
        self.plot.getViewBox().setRange(
            xRange=(alphas[0], alphas[-1]), yRange=(betas[0], betas[-1]), padding=0.0, update=False
        )
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
