"""The data view: points by class, the model's prediction under them, edited with the mouse.

Click adds a point (of the current class; for regression at the clicked (x, y)), dragging a
point moves it, right-click or Delete removes it, clicking a point selects it. Every edit
is one undo step. Regression shows the prediction curve and each residual ŷ − y as a
segment; classification shows the class probabilities as a tinted decision-region image
whose colour strength is the model's confidence.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gradviz import core
from gradviz.state import Change
from gradviz.state.frame import MAX_POINTS_DRAWN, choose_shown

from .. import palette
from ..legend import Legend
from ..numbers import subscript
from ..qt_session import QtSession
from ..race import race_entries
from ..theme import Theme
from .base import View
from .plot_items import EditableViewBox, PassiveScatter, RegionImage

__all__ = ["DataView"]

GRID = 120  # decision-region image resolution (GRID × GRID model evaluations per redraw)
# while frames come fast, a wide net's region is computed on fewer points (each one costs h hidden
# units: at h = 256 the full grid took 40–130 ms a frame); at rest it is computed in full again
REGION_UNITS = GRID * GRID * 32
MIN_GRID = 40
# the other runs' decision boundaries, as lines interpolated between grid points: a linear model's
# margins are linear in x (exact on any grid but where three classes meet), an MLP's are curved
RACE_GRID = {"mlp": 48}
RACE_GRID_LINEAR = 24
SMOOTH_AFTER_MS = 120  # the region is drawn smoothly once it has not changed for this long …
STREAMING_S = 0.5  # … or, while its changes come less than this apart, for three of their intervals
INVISIBLE_LEVELS = 2  # region colours changing by at most this (of 255) are not redrawn
HIT_RADIUS_PX = 10


class DataView(View):
    """The data set and the model's prediction; the place where data are edited."""

    # settings: the legend names each run of a race by its optimizer and η
    depends = frozenset({"data", "model", "step", "selection", "settings", "runs", "view"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("dataView")
        self._drag_start = None  # the data set when a drag began (for one undo step)
        self._region_rect = None
        self._shown: np.ndarray | None = None  # the points drawn (None: all)
        self._held_drawn = np.zeros(0, dtype=np.int64)  # the held-out points drawn as rings
        self._point_pen = pg.mkPen(palette.PAPER, width=1.2)
        self._unit_colours = pg.colormap.get(palette.DIVERGING_MAP)  # a hidden unit's activation, signed
        self._unit_plus = self._unit_colours.map(1.0, mode="qcolor").name()  # its legend swatch: the map's + end
        self._smooth_timer = QTimer(self)
        self._smooth_timer.setSingleShot(True)
        self._smooth_timer.setInterval(SMOOTH_AFTER_MS)
        self._smooth_timer.timeout.connect(self.finish_rendering)
        self._region_coarse = False  # the region shown was computed on fewer points (a wide net, moving)
        self._region_changed_at = -1.0  # time.monotonic() of the last new region image
        self._region_view = (0.0, 1.0, 0.0, 1.0)

        self.view_box = EditableViewBox()
        self.plot_widget, self.plot = theme.plot_widget("dataPlot", view_box=self.view_box)
        self._hint = QLabel()
        self._hint.setObjectName("dataHint")
        self._hint.setWordWrap(True)
        self._hint.setFont(theme.font(0.9))
        self._hint.setStyleSheet(f"color: {palette.QUIET_TEXT};")
        # how to edit with the mouse is for the desk: presenting, its two lines go to the plot
        self._hint.setVisible(not theme.present)
        # a legend beside the plot: one drawn on it would repaint with every frame (~1.4 ms)
        self.legend = Legend("dataLegend", theme, 0.95)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self._hint)

        # Items are made once and fed new data (never cleared and re-added per frame).
        self.region = RegionImage()
        self.region.setZValue(-10)
        self.plot.addItem(self.region)
        self.prediction = pg.PlotDataItem(pen=pg.mkPen(palette.PREDICTION, width=theme.line_width * 1.2))
        self.prediction.setZValue(5)
        # vertical segments look the same without antialiasing, which costs ~15 ms per 1,000 of them
        self.residuals = pg.PlotDataItem(
            pen=pg.mkPen(palette.RESIDUAL, width=theme.line_width), connect="pairs", antialias=False
        )
        self.residuals.setSkipFiniteCheck(True)
        self.residuals.setZValue(4)
        self.plot.addItem(self.residuals)
        self.plot.addItem(self.prediction)
        self.race_lines: list[pg.PlotDataItem] = []  # a race: the other runs' boundaries or lines
        self.class_points: list[pg.ScatterPlotItem] = []
        self.selection = PassiveScatter(
            size=theme.point_size_px * 2.4,
            symbol="o",
            pen=pg.mkPen(palette.SELECTION, width=theme.line_width * 1.3),
            brush=pg.mkBrush(palette.TRANSPARENT),
        )
        self.selection.setZValue(30)
        self.plot.addItem(self.selection)

        self.view_box.hit_test = self.point_at
        self.view_box.sigClicked.connect(self._on_clicked)
        self.view_box.sigPointDragged.connect(self._on_point_dragged)
        self.view_box.sigRangeChangedManually.connect(self._draw_prediction)
        self.view_box.sigResized.connect(self._draw_prediction)
        self.start()
        self.fit_view()

    # ------------------------------------------------------------------ geometry
    def editable(self) -> bool:
        ds = self.session.source_dataset
        return (ds.is_classification and ds.n_features == 2) or (not ds.is_classification and ds.n_features == 1)

    def point_coords(self) -> np.ndarray:
        """(N, 2) plot coordinates of the samples: (x₁, x₂) for classes, (x, y) for regression."""
        ds = self.session.source_dataset
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
        radius = HIT_RADIUS_PX * self.theme.scale
        return i if d2[i] <= radius * radius else None

    def fit_view(self) -> None:
        xy = self.point_coords()
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.maximum(hi - lo, 1.0)
        lo, hi = lo - 0.15 * span, hi + 0.15 * span
        self.view_box.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)
        self._draw_prediction()

    # ------------------------------------------------------------------ mouse
    def _on_clicked(self, pos: QPointF, button) -> None:
        if not self.editable():
            return
        s = self.session
        hit = self.point_at(pos)
        if button == Qt.MouseButton.RightButton:
            if hit is not None:
                s.remove_point(hit)
        elif hit is not None:
            s.select(hit)
        elif s.source_dataset.is_classification:
            s.add_point([pos.x(), pos.y()], s.new_point_class)
        else:
            s.add_point([pos.x()], pos.y())

    def _on_point_dragged(self, index: int, pos: QPointF, finished: bool) -> None:
        s = self.session
        ds = s.source_dataset
        if self._drag_start is None:
            self._drag_start = ds
            s.select(index)
        x, target = ([pos.x(), pos.y()], None) if ds.is_classification else ([pos.x()], pos.y())
        try:
            moved = ds.with_point_moved(index, x, target)
        except (ValueError, IndexError):
            return
        if finished:
            before, self._drag_start = self._drag_start, None
            s.edit_dataset(moved, "move point", before=before)
        else:
            s.preview_dataset(moved)

    def finish_rendering(self) -> None:
        """The at-rest quality pass: the region at full resolution, its edges smooth."""
        self._smooth_timer.stop()
        # the pass can fall due after the runs moved to a function f(x, y), which has no region to draw
        if self._region_coarse and self.region.isVisible() and not self.applies_not:
            self._draw_region(*self._region_view, full=True)
        self.region.set_smooth(True)

    def _quality_pass_later(self) -> None:
        """`finish_rendering` once the region stops changing. Frames slower than the quiet time (a wide net
        playing) would set the full pass off between two of them, each time making the next frame later
        still: while changes stream in, the quiet time is three of their intervals."""
        now = time.monotonic()
        gap, self._region_changed_at = now - self._region_changed_at, now
        self._smooth_timer.start(max(SMOOTH_AFTER_MS, int(3000 * gap)) if gap < STREAMING_S else SMOOTH_AFTER_MS)

    def _region_grid(self, full: bool) -> int:
        """Points per side of the region: all GRID at rest or for a small net, fewer while moving."""
        hidden = getattr(self.session.model, "hidden", 0)
        if full or hidden * GRID * GRID <= REGION_UNITS:
            return GRID
        return max(MIN_GRID, int(np.sqrt(REGION_UNITS / hidden)))

    # ------------------------------------------------------------------ redraw
    def redraw(self, change: Change) -> None:
        # the points, and which are held out (another run focused, or another share: other rings)
        held_out_moved = change.touches({"runs", "settings"}) and not np.array_equal(
            self.session.val_indices, self._held_drawn
        )
        if change.touches({"data", "model"}) or held_out_moved:
            self._draw_points()
        if change.touches({"data", "model", "selection"}):
            self._draw_selection()
        # another session or lesson opened (everything new at once): its data in view, as the
        # first window shows them; an edit keeps the user's view unless points fall outside it
        opened = {"data", "model", "runs"} <= change.aspects
        if change.touches({"data", "model"}) and (opened or self._view_misfits(self.point_coords())):
            self.fit_view()
        elif change.touches({"data", "model", "step", "runs", "settings", "view"}):
            self._draw_prediction()
        if change.touches({"runs", "settings", "view"}):
            self._show_legend_and_hint()

    def _draw_points(self) -> None:
        ds = self.session.source_dataset
        xy = self.point_coords()
        if ds.is_classification:
            self.plot.setLabel("bottom", "x₁")
            self.plot.setLabel("left", "x₂")
            labels, needed = ds.labels, ds.n_classes
        else:
            self.plot.setLabel("bottom", "x")
            self.plot.setLabel("left", "y")
            labels, needed = np.zeros(ds.n_samples, dtype=int), 1
        self._shown = choose_shown(ds.n_samples, MAX_POINTS_DRAWN)
        held = np.zeros(ds.n_samples, dtype=bool)  # held out for validation: drawn hollow
        self._held_drawn = self.session.val_indices
        held[self._held_drawn] = True
        if self._shown is not None:
            xy, labels, held = xy[self._shown], labels[self._shown], held[self._shown]
        while len(self.class_points) < needed:
            item = PassiveScatter(size=self.theme.point_size_px, pen=self._point_pen)
            item.setZValue(20)
            self.plot.addItem(item)
            self.class_points.append(item)
        for c, item in enumerate(self.class_points):
            if c < needed:
                mask = labels == c
                color = palette.class_color(c) if ds.is_classification else QColor(palette.DATA)
                if held.any():  # a training point is filled; a held-out one is a ring in its colour
                    fill, ring, white = pg.mkBrush(color), pg.mkPen(color, width=2.2), pg.mkBrush(palette.PAPER)
                    out = held[mask]
                    item.setData(
                        xy[mask, 0],
                        xy[mask, 1],
                        brush=[white if h else fill for h in out],
                        pen=[ring if h else self._point_pen for h in out],
                    )
                else:
                    item.setData(xy[mask, 0], xy[mask, 1], brush=pg.mkBrush(color), pen=self._point_pen)
            else:
                item.setData([], [])
            item.setVisible(c < needed)
        self._show_legend_and_hint()

    def _show_legend_and_hint(self) -> None:
        ds = self.session.source_dataset
        if ds.is_classification:
            entries = [
                (palette.class_color(c).name(), "dot", f"{ds.class_names[c]} (key {c + 1})")
                for c in range(ds.n_classes)
            ]
        else:
            entries = [
                (palette.DATA, "dot", "data (x, y)"),
                (palette.PREDICTION, "line", "prediction ŷ" + (" (▶ the focused run)" if self._raced() else "")),
                (palette.RESIDUAL, "line", "residual ŷ − y"),
            ]
        unit = self.session.shown_unit
        if unit is not None:
            act = self.session.settings.hidden_activation
            k = subscript(unit + 1)
            entries.append(
                (
                    self._unit_plus,
                    "box",
                    f"background: hidden unit a{k} = {act}(z¹{k}): red +, white 0, blue −",
                )
            )
        n_held = self.session.val_indices.size
        if n_held:
            by = " by ▶ the focused run" if self._raced() else ""  # runs may split differently
            entries.append((palette.NOTE, "ring", f"held out ({n_held}){by}: never trained on"))
        others = [e for e in race_entries(self.session) if not e.focused]
        what = "boundary" if ds.is_classification else "ŷ"
        entries += [(e.color, "line", f"{e.name} ({'diverged' if e.stopped else what})") for e in others]
        self.legend.set_entries(entries)
        if self.editable():
            keys = "1–9 pick the class of new points" if ds.is_classification else "points are (x, y)"
            subset = f" Showing {MAX_POINTS_DRAWN:,} of {ds.n_samples:,} points." if self._shown is not None else ""
            self._hint.setText(f"Click to add a point, drag to move, right-click to remove ({keys}).{subset}")
        else:
            self._hint.setText(
                f"This data set has {ds.n_features} features: the data view draws and edits "
                "1-feature regression and 2-feature classification data."
            )

    def _view_misfits(self, xy: np.ndarray) -> bool:
        """Points outside the view, or a view so large that the points are lost in it (after undoing
        an import of data a billion times larger, say)."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        if np.any((xy[:, 0] < x0) | (xy[:, 0] > x1) | (xy[:, 1] < y0) | (xy[:, 1] > y1)):
            return True
        extent = np.ptp(xy, axis=0)
        return bool(np.all(extent < 0.01 * np.array([x1 - x0, y1 - y0])) and np.any(extent > 0))

    def _draw_selection(self) -> None:
        index = self.session.selected
        if index is None:
            self.selection.setData([], [])
        else:
            xy = self.point_coords()[index]
            self.selection.setData([xy[0]], [xy[1]])

    def _raced(self) -> bool:
        return len(self.session.runs) > 1

    def _draw_prediction(self, *args) -> None:
        s = self.session
        if s.settings.is_function:  # no predictions to draw (the view says so): drawn again on a model
            return
        ds = s.source_dataset
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        self._draw_race(x0, x1, y0, y1)
        if ds.is_classification and ds.n_features == 2:
            _clear(self.prediction, self.residuals)
            self._draw_region(x0, x1, y0, y1)
            return
        self.region.setVisible(False)
        if ds.is_classification or ds.n_features != 1:
            _clear(self.prediction, self.residuals)
            return
        xs = np.linspace(x0, x1, 2 if s.model.kind == "linear" else 200)
        self.prediction.setData(xs, s.model.predict(s.params, xs[:, None])[:, 0])
        shown = s.frame.shown  # segments, like every per-sample mark, for a few thousand samples at most
        rows = slice(None) if shown is None else shown
        x, t, yhat = ds.X[rows, 0], ds.targets[rows], s.frame.predictions[rows, 0]
        y = np.empty(2 * len(t))
        y[0::2], y[1::2] = t, yhat
        self.residuals.setData(np.repeat(x, 2), y)

    def _draw_race(self, x0: float, x1: float, y0: float, y1: float) -> None:
        """The other visible runs of a race: their decision boundaries (or regression lines) in their colours."""
        s = self.session
        ds = s.source_dataset
        drawable = (ds.is_classification and ds.n_features == 2) or (not ds.is_classification and ds.n_features == 1)
        # a run that diverged is not drawn here: its |θ| ~ 1e50 makes a line that says nothing (the legend says why)
        others = [e for e in race_entries(s) if not e.focused and not e.stopped] if drawable else []
        for k, entry in enumerate(others):
            while len(self.race_lines) <= k:
                item = pg.PlotDataItem(antialias=False)  # dashed and antialiased, 3 runs cost ~2 ms a frame to paint
                item.setZValue(6)
                self.plot.addItem(item)
                self.race_lines.append(item)
            trainer = s.runs[entry.index].trainer
            item = self.race_lines[k]
            with np.errstate(all="ignore"):  # a run far off: its lines may leave finite numbers; not drawn then
                if ds.is_classification:
                    n = RACE_GRID.get(trainer.model.kind, RACE_GRID_LINEAR)
                    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
                    grid = np.column_stack([np.repeat(xs, len(ys)), np.tile(ys, len(xs))])  # x slowest
                    seg = core.class_boundaries(trainer.model.predict(trainer.params, grid), xs, ys)
                    item.setData(seg[:, 0], seg[:, 1], connect="pairs")
                else:
                    xs = np.linspace(x0, x1, 2 if trainer.model.kind == "linear" else 200)
                    item.setData(xs, trainer.model.predict(trainer.params, xs[:, None])[:, 0], connect="finite")
            if item.property("runColor") != entry.color:  # a pen set per frame re-renders the curve
                item.setProperty("runColor", entry.color)
                item.setPen(pg.mkPen(entry.color, width=self.theme.line_width * 1.3, style=Qt.PenStyle.DashLine))
            item.setVisible(True)
        for item in self.race_lines[len(others) :]:
            item.setVisible(False)

    def _draw_region(self, x0: float, x1: float, y0: float, y1: float, full: bool = False) -> None:
        s = self.session
        n = self._region_grid(full)
        self._region_coarse, self._region_view = n < GRID, (x0, x1, y0, y1)
        gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))  # row-major: rows are y
        points = np.column_stack([gx.ravel(), gy.ravel()])
        unit = s.shown_unit
        if unit is None:
            image = region_image(s.model.predict(s.params, points), s.source_dataset.n_classes).reshape(n, n, 4)
        else:  # one hidden unit's activation over the plane, on the network view's map (0 is white)
            a = s.model.hidden_activations(s.params, points)[:, unit]
            top = float(np.abs(a[np.isfinite(a)]).max(initial=0.0)) or 1.0
            image = self._unit_colours.map(np.clip(0.5 + 0.5 * np.nan_to_num(a) / top, 0, 1), mode="byte")
            image = image.reshape(n, n, 4)
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
            self.region.set_smooth(False)  # while frames come fast (playback, a drag), scale plainly
            self._quality_pass_later()
        elif self._region_coarse:  # moving, though too little to see: the whole grid once it stops
            self._quality_pass_later()
        if rect != self._region_rect:  # moving the image re-measures the view: only when panned
            self.region.setRect(*rect)
            self._region_rect = rect
        self.region.setVisible(True)


def _clear(*items: pg.PlotDataItem) -> None:
    """Empty curves once: setData on every frame makes the view box re-measure all its items."""
    for item in items:
        if item.xData is not None and len(item.xData):
            item.setData([], [])


def region_image(P: np.ndarray, n_classes: int) -> np.ndarray:
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
    rgb = palette.class_rgb(k).astype(np.float32).T @ Pt  # (3, G)
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
