"""The data view: points by class, the model's prediction under them, edited with the mouse.

Click adds a point (of the current class; for regression at the clicked (x, y)), dragging a
point moves it, right-click or Delete removes it, clicking a point selects it. Every edit
is one undo step. Regression shows the prediction curve and each residual ŷ − y as a
segment; classification shows the class probabilities as a tinted decision-region image
whose colour strength is the model's confidence.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..session import Session
from ..theme import (
    PREDICTION_COLOR,
    REGRESSION_COLOR,
    RESIDUAL_COLOR,
    SELECTION_COLOR,
    Theme,
    class_color,
    class_rgb,
    legend_html,
    legend_label,
)
from .base import SessionView

__all__ = ["DataView", "EditableViewBox"]

GRID = 120  # decision-region image resolution (GRID × GRID model evaluations per redraw)
SMOOTH_AFTER_MS = 120  # the region is drawn smoothly once it has not changed for this long
INVISIBLE_LEVELS = 2  # region colours changing by at most this (of 255) are not redrawn
MAX_DRAWN_POINTS = 5_000  # beyond this a fixed random subset is drawn (every point still counts)
HIT_RADIUS_PX = 10


class EditableViewBox(pg.ViewBox):
    """A ViewBox that reports clicks and point drags instead of always panning.

    `hit_test(view_pos) -> index | None` decides whether a press is on a point: drags that
    start on a point move it, drags elsewhere pan as usual.
    """

    sigClicked = Signal(object, object)  # view position (QPointF), Qt.MouseButton
    sigPointDragged = Signal(int, object, bool)  # index, view position, finished

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setMenuEnabled(False)
        self.hit_test = lambda pos: None
        self._dragging: int | None = None

    def mouseClickEvent(self, ev):
        if ev.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            ev.accept()
            self.sigClicked.emit(self.mapToView(ev.pos()), ev.button())
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        if ev.isStart():
            self._dragging = self.hit_test(self.mapToView(ev.buttonDownPos()))
        if self._dragging is None:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        index = self._dragging
        if ev.isFinish():
            self._dragging = None
        self.sigPointDragged.emit(index, self.mapToView(ev.pos()), ev.isFinish())


class RegionImage(pg.GraphicsObject):
    """An opaque RGB image placed in data coordinates: the decision regions.

    pyqtgraph's ImageItem hands Qt an RGBA8888 QImage, which Qt converts on every paint (1.1 ms
    for a full-width plot here); an opaque RGB32 image draws in 0.5 ms and needs no levels.
    """

    def __init__(self):
        super().__init__()
        self.image: np.ndarray | None = None  # (h, w, 4) RGBA uint8, as given
        self._bgra: np.ndarray | None = None  # the bytes the QImage points at
        self._qimage: QImage | None = None
        self._rect = QRectF(0, 0, 1, 1)
        self.smooth = True  # bilinear scaling; off while the image changes every frame

    def set_smooth(self, smooth: bool) -> None:
        if smooth != self.smooth:
            self.smooth = smooth
            self.update()

    def setImage(self, rgba: np.ndarray) -> None:
        h, w = rgba.shape[:2]
        bgra = np.empty((h, w, 4), dtype=np.uint8)
        bgra[..., 0] = rgba[..., 2]
        bgra[..., 1] = rgba[..., 1]
        bgra[..., 2] = rgba[..., 0]
        bgra[..., 3] = 255
        self.image, self._bgra = rgba, bgra
        self._qimage = QImage(bgra.data, w, h, 4 * w, QImage.Format.Format_RGB32)
        self.update()

    def setRect(self, x: float, y: float, width: float, height: float) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(x, y, width, height)
        self.informViewBoundsChanged()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, painter, *args) -> None:
        if self._qimage is not None:
            # row 0 of the image is the smallest y: it lands at the rect's top, which the view shows at the bottom
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.smooth)
            painter.translate(self._rect.left(), self._rect.top())
            painter.scale(self._rect.width() / self._qimage.width(), self._rect.height() / self._qimage.height())
            painter.drawImage(QPointF(0, 0), self._qimage)
            painter.restore()


class _PassiveScatter(pg.ScatterPlotItem):
    """Points that leave every click to the view box (which knows about editing)."""

    def mouseClickEvent(self, ev):
        ev.ignore()


class DataView(SessionView):
    """The data set and the model's prediction; the place where data are edited."""

    def __init__(self, session: Session, theme: Theme, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dataView")
        self._session = session
        self._theme = theme
        self._drag_start = None  # the data set when a drag began (for one undo step)
        self._region_rect = None
        self._smooth_timer = QTimer(self)
        self._smooth_timer.setSingleShot(True)
        self._smooth_timer.setInterval(SMOOTH_AFTER_MS)
        self._smooth_timer.timeout.connect(self.finish_rendering)

        self.view_box = EditableViewBox()
        self.plot_widget = pg.PlotWidget(viewBox=self.view_box)
        self.plot_widget.setObjectName("dataPlot")
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setAspectLocked(False)
        theme.style_plot(self.plot)
        self._hint = QLabel()
        self._hint.setObjectName("dataHint")
        self._hint.setWordWrap(True)
        self._hint.setFont(theme.font(0.9))
        self._hint.setStyleSheet("color: #444;")
        # a legend beside the plot: one drawn on it would repaint with every frame (~1.4 ms)
        self.legend = legend_label("dataLegend", theme, 0.95)
        self._legend_key = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self._hint)

        # Items are made once and fed new data (never cleared and re-added per frame).
        self.region = RegionImage()
        self.region.setZValue(-10)
        self.plot.addItem(self.region)
        self.prediction = pg.PlotDataItem(pen=pg.mkPen(PREDICTION_COLOR, width=theme.line_width * 1.2))
        self.prediction.setZValue(5)
        # vertical segments look the same without antialiasing, which costs ~15 ms per 1,000 of them
        self.residuals = pg.PlotDataItem(
            pen=pg.mkPen(RESIDUAL_COLOR, width=theme.line_width), connect="pairs", antialias=False
        )
        self.residuals.setSkipFiniteCheck(True)
        self.residuals.setZValue(4)
        self.plot.addItem(self.residuals)
        self.plot.addItem(self.prediction)
        self.class_points: list[pg.ScatterPlotItem] = []
        self.selection = _PassiveScatter(
            size=theme.point_size_px * 2.4,
            symbol="o",
            pen=pg.mkPen(SELECTION_COLOR, width=theme.line_width * 1.3),
            brush=pg.mkBrush(0, 0, 0, 0),
        )
        self.selection.setZValue(30)
        self.plot.addItem(self.selection)

        self.view_box.hit_test = self.point_at
        self.view_box.sigClicked.connect(self._on_clicked)
        self.view_box.sigPointDragged.connect(self._on_point_dragged)
        self.view_box.sigRangeChangedManually.connect(self._on_range_changed)
        self.view_box.sigResized.connect(self._on_range_changed)

        session.sigDataChanged.connect(self.when_visible(self._on_data_changed))
        session.sigModelChanged.connect(self.when_visible(self._on_data_changed))
        session.sigStepped.connect(self.when_visible(self._on_stepped))
        session.sigSelectionChanged.connect(self.when_visible(self._on_selection_changed))
        self._on_data_changed()
        self.fit_view()

    # ------------------------------------------------------------------ geometry
    def editable(self) -> bool:
        ds = self._session.source_dataset
        return (ds.is_classification and ds.n_features == 2) or (not ds.is_classification and ds.n_features == 1)

    def point_coords(self) -> np.ndarray:
        """(N, 2) plot coordinates of the samples: (x₁, x₂) for classes, (x, y) for regression."""
        ds = self._session.source_dataset
        if ds.is_classification:
            return ds.X[:, :2] if ds.n_features >= 2 else np.column_stack([ds.X[:, 0], np.zeros(ds.n_samples)])
        return np.column_stack([ds.X[:, 0], ds.targets])

    def point_at(self, pos: QPointF) -> int | None:
        """The sample under a view position, within HIT_RADIUS_PX pixels, or None."""
        if not self.editable():
            return None
        xy = self.point_coords()
        px, py = self.view_box.viewPixelSize()
        if px <= 0 or py <= 0:
            return None
        d2 = ((xy[:, 0] - pos.x()) / px) ** 2 + ((xy[:, 1] - pos.y()) / py) ** 2
        i = int(np.argmin(d2))
        radius = HIT_RADIUS_PX * self._theme.scale
        return i if d2[i] <= radius * radius else None

    def fit_view(self) -> None:
        xy = self.point_coords()
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.maximum(hi - lo, 1.0)
        lo, hi = lo - 0.15 * span, hi + 0.15 * span
        self.view_box.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)
        self._redraw_prediction()

    # ------------------------------------------------------------------ mouse
    def _on_clicked(self, pos: QPointF, button) -> None:
        if not self.editable():
            return
        hit = self.point_at(pos)
        if button == Qt.MouseButton.RightButton:
            if hit is not None:
                self._session.remove_point(hit)
            return
        if hit is not None:
            self._session.select(hit)
            return
        ds = self._session.source_dataset
        if ds.is_classification:
            self._session.add_point([pos.x(), pos.y()], self._session.new_point_class)
        else:
            self._session.add_point([pos.x()], pos.y())

    def _on_point_dragged(self, index: int, pos: QPointF, finished: bool) -> None:
        ds = self._session.source_dataset
        if self._drag_start is None:
            self._drag_start = ds
            self._session.select(index)
        if ds.is_classification:
            x, target = [pos.x(), pos.y()], None
        else:
            x, target = [pos.x()], pos.y()
        try:
            moved = ds.with_point_moved(index, x, target)
        except (ValueError, IndexError):
            return
        if finished:
            before, self._drag_start = self._drag_start, None
            self._session.edit_dataset(moved, "move point", before=before)
        else:
            self._session.preview_dataset(moved)

    def finish_rendering(self) -> None:
        """The at-rest quality pass: smooth the decision-region edges."""
        self._smooth_timer.stop()
        self.region.set_smooth(True)

    def delete_selected(self) -> None:
        if self._session.selected is not None:
            self._session.remove_point(self._session.selected)

    # ------------------------------------------------------------------ redraw
    def _on_data_changed(self) -> None:
        ds = self._session.source_dataset
        xy = self.point_coords()
        if ds.is_classification:
            self.plot.setLabel("bottom", "x₁")
            self.plot.setLabel("left", "x₂")
            labels = ds.labels
            needed = ds.n_classes
        else:
            self.plot.setLabel("bottom", "x")
            self.plot.setLabel("left", "y")
            labels = np.zeros(ds.n_samples, dtype=int)
            needed = 1
        shown = _drawn_subset(ds.n_samples)
        if shown is not None:
            xy, labels = xy[shown], labels[shown]
        while len(self.class_points) < needed:
            item = _PassiveScatter(size=self._theme.point_size_px, pen=pg.mkPen("w", width=1.2))
            item.setZValue(20)
            self.plot.addItem(item)
            self.class_points.append(item)
        for c, item in enumerate(self.class_points):
            if c < needed:
                mask = labels == c
                color = class_color(c) if ds.is_classification else QColor(REGRESSION_COLOR)
                item.setData(xy[mask, 0], xy[mask, 1], brush=pg.mkBrush(color))
                item.setVisible(True)
            else:
                item.setData([], [])
                item.setVisible(False)
        self._update_legend()
        if self.editable():
            keys = "1–9 pick the class of new points" if ds.is_classification else "points are (x, y)"
            subset = f" Showing {MAX_DRAWN_POINTS:,} of {ds.n_samples:,} points." if shown is not None else ""
            self._hint.setText(f"Click to add a point, drag to move, right-click to remove ({keys}).{subset}")
        else:
            self._hint.setText(
                f"This data set has {ds.n_features} features: the data view draws and edits "
                "1-feature regression and 2-feature classification data."
            )
        self._on_selection_changed(self._session.selected)
        if self._outside_view(self.point_coords()):
            self.fit_view()
        else:
            self._redraw_prediction()

    def _outside_view(self, xy: np.ndarray) -> bool:
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        return bool(np.any((xy[:, 0] < x0) | (xy[:, 0] > x1) | (xy[:, 1] < y0) | (xy[:, 1] > y1)))

    def _update_legend(self) -> None:
        ds = self._session.source_dataset
        key = (ds.task, ds.n_classes, ds.class_names)
        if key == self._legend_key:
            return
        self._legend_key = key
        if ds.is_classification:
            entries = [
                (class_color(c).name(), "dot", f"{ds.class_names[c]} (key {c + 1})") for c in range(ds.n_classes)
            ]
        else:
            entries = [
                (REGRESSION_COLOR, "dot", "data (x, y)"),
                (PREDICTION_COLOR, "line", "prediction ŷ"),
                (RESIDUAL_COLOR, "line", "residual ŷ − y"),
            ]
        self.legend.setText(legend_html(entries))

    def _on_stepped(self, step: int) -> None:
        self._redraw_prediction()

    def _on_range_changed(self, *args) -> None:
        self._redraw_prediction()

    def _on_selection_changed(self, index) -> None:
        if index is None or index >= self._session.source_dataset.n_samples:
            self.selection.setData([], [])
            return
        xy = self.point_coords()[index]
        self.selection.setData([xy[0]], [xy[1]])

    def _redraw_prediction(self) -> None:
        ds = self._session.source_dataset
        model, params = self._session.model, self._session.params
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        if ds.is_classification and ds.n_features == 2:
            self._clear(self.prediction, self.residuals)
            xs = np.linspace(x0, x1, GRID)
            ys = np.linspace(y0, y1, GRID)
            gx, gy = np.meshgrid(xs, ys)  # row-major: rows are y
            P = model.predict(params, np.column_stack([gx.ravel(), gy.ravel()]))
            image = _region_image(P, ds.n_classes).reshape(GRID, GRID, 4)
            rect = (x0, y0, x1 - x0, y1 - y0)
            shown = self.region.image
            # repainting the region repaints the whole plot (~3 ms): skip steps the eye cannot see
            if (
                rect != self._region_rect
                or shown is None
                or shown.shape != image.shape
                or np.abs(image.astype(np.int16) - shown).max() > INVISIBLE_LEVELS
            ):
                self.region.setImage(image)
                # while frames come fast (playback, a drag), scale plainly; once they stop, smoothly
                self.region.set_smooth(False)
                self._smooth_timer.start()
            if rect != self._region_rect:  # moving the image re-measures the view: only when panned
                self.region.setRect(*rect)
                self._region_rect = rect
            self.region.setVisible(True)
            return
        self.region.setVisible(False)
        if ds.is_classification or ds.n_features != 1:
            self._clear(self.prediction, self.residuals)
            return
        xs = np.linspace(x0, x1, 2 if model.kind == "linear" else 200)
        self.prediction.setData(xs, model.predict(params, xs[:, None])[:, 0])
        shown = _drawn_subset(ds.n_samples)
        X, t = (ds.X, ds.targets) if shown is None else (ds.X[shown], ds.targets[shown])
        yhat = model.predict(params, X)[:, 0]
        x = np.repeat(X[:, 0], 2)
        y = np.empty(2 * len(t))
        y[0::2] = t
        y[1::2] = yhat
        self.residuals.setData(x, y)

    @staticmethod
    def _clear(*items: pg.PlotDataItem) -> None:
        """Empty curves once: setData on every frame makes the view box re-measure all its items."""
        for item in items:
            if item.xData is not None and len(item.xData):
                item.setData([], [])


def _drawn_subset(n: int) -> np.ndarray | None:
    """Indices of the points to draw when there are too many to draw each frame (None: all)."""
    if n <= MAX_DRAWN_POINTS:
        return None
    return np.sort(np.random.default_rng(0).choice(n, MAX_DRAWN_POINTS, replace=False))


def _region_image(P: np.ndarray, n_classes: int) -> np.ndarray:
    """RGBA uint8 (G, 4): each class's colour mixed by probability, its strength the confidence."""
    # ŷ of an identity output (linear regression on class labels) is a score, not a
    # probability: clipped to [0, 1] (and rows renormalised) it still says which class wins.
    P = np.clip(np.asarray(P, dtype=float), 0.0, 1.0).astype(np.float32)  # clip first: scores may exceed float32
    if P.shape[1] == 1:  # P(class 1)
        Pt = np.empty((2, P.shape[0]), dtype=np.float32)
        np.subtract(1.0, P[:, 0], out=Pt[0])
        Pt[1] = P[:, 0]
    else:
        Pt = np.ascontiguousarray(P.T)  # class-major: reductions over k stay fast
        Pt /= np.maximum(Pt.sum(axis=0), 1e-6)
    k = Pt.shape[0]
    rgb = class_rgb(k).astype(np.float32).T @ Pt  # (3, G)
    alpha = Pt.max(axis=0)
    alpha -= 1.0 / k
    np.maximum(alpha, 0.0, out=alpha)
    alpha *= 0.3 / (1.0 - 1.0 / k)
    alpha += 0.08  # faint where unsure, stronger where confident
    rgb -= 1.0
    rgb *= alpha
    rgb += 1.0  # over white: 1 − α(1 − colour)
    rgb *= 255.0
    img = np.empty((P.shape[0], 4), dtype=np.uint8)
    img[:, :3] = rgb.T
    img[:, 3] = 255
    return img
