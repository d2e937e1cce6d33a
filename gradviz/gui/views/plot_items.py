"""Plot items the data view is made of: a view box that edits points, an opaque region image."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter

__all__ = ["EditableViewBox", "RegionImage", "PassiveScatter"]


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


class PassiveScatter(pg.ScatterPlotItem):
    """Points that leave every click to the view box (which knows about editing)."""

    def mouseClickEvent(self, ev):
        ev.ignore()


class EdgeLines(pg.GraphicsObject):
    """Many straight lines, each with its own colour and width, drawn as a few paths.

    pyqtgraph's GraphItem records one pen change per edge into a QPicture and replays it on every
    paint; here the edges are grouped by pen (colours quantised to 64 levels, widths to quarter
    points), one path per group, so a network of a few hundred edges paints in a handful of calls.
    """

    def __init__(self):
        super().__init__()
        self._groups: list[tuple[object, object]] = []  # (QPen, QPainterPath)
        self._rect = QRectF()

    def set_lines(self, starts: np.ndarray, ends: np.ndarray, rgba: np.ndarray, widths: np.ndarray) -> None:
        """starts, ends (n, 2) in data coordinates; rgba (n, 4) uint8; widths (n,) in pixels."""
        from PySide6.QtGui import QColor, QPainterPath, QPen

        self.prepareGeometryChange()
        colour_key = (rgba.astype(np.int32) // 4) * 4
        width_key = np.round(widths * 4) / 4
        keys = np.column_stack([colour_key, width_key])
        _, group_of = np.unique(keys, axis=0, return_inverse=True)
        groups = []
        for g in range(group_of.max(initial=-1) + 1):
            rows = np.flatnonzero(group_of.ravel() == g)
            r, gr, b, a = (int(v) for v in colour_key[rows[0]])
            pen = QPen(QColor(r, gr, b, a))
            pen.setWidthF(float(width_key[rows[0]]))
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            path = QPainterPath()
            for i in rows:
                path.moveTo(float(starts[i, 0]), float(starts[i, 1]))
                path.lineTo(float(ends[i, 0]), float(ends[i, 1]))
            groups.append((pen, path))
        # the faint, thin groups first: the strong edges are drawn over them
        groups.sort(key=lambda g: (g[0].color().alpha(), g[0].widthF()))
        self._groups = groups
        pts = np.vstack([starts, ends]) if len(starts) else np.zeros((1, 2))
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        self._rect = QRectF(float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1]))
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, painter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for pen, path in self._groups:
            painter.setPen(pen)
            painter.drawPath(path)


class PointLabels(pg.GraphicsObject):
    """Short texts beside points, all painted by one item in screen pixels.

    A pyqtgraph TextItem per label is a QGraphicsTextItem that re-lays itself out on every setText
    (a dozen changing numbers cost ~7 ms a frame); here a new set of texts is one update, and the
    paint draws each with QPainter.drawText where its point lands on screen.
    """

    def __init__(self, font, color: str = "#222222"):
        super().__init__()
        from PySide6.QtGui import QColor, QFontMetricsF

        self._font = font
        self._metrics = QFontMetricsF(font)
        self._color = QColor(color)
        self.pos = np.zeros((0, 2))
        self.anchors = np.zeros((0, 2))  # (fx, fy): the fraction of the text's box placed at its point
        self.texts: list[str] = []
        self._rect = QRectF()

    def set_places(self, pos: np.ndarray, anchors: np.ndarray) -> None:
        self.prepareGeometryChange()
        self.pos, self.anchors = np.asarray(pos, dtype=float), np.asarray(anchors, dtype=float)
        if len(self.pos):
            lo, hi = self.pos.min(axis=0), self.pos.max(axis=0)
            self._rect = QRectF(float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1]))
        else:
            self._rect = QRectF()
        self.update()

    def set_texts(self, texts: list[str]) -> None:
        if texts != self.texts:
            self.texts = list(texts)
            self.update()

    def boundingRect(self) -> QRectF:
        # the texts reach past their points by up to their own size in pixels: the whole view repaints
        # the labels' strip anyway when the numbers change, so a generous box costs nothing
        view = self.getViewBox()
        return view.viewRect() if view is not None else QRectF(self._rect)

    def paint(self, painter, *args) -> None:
        if not self.texts:
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        painter.setPen(self._color)
        for (x, y), (fx, fy), text in zip(self.pos, self.anchors, self.texts, strict=False):
            at = transform.map(QPointF(x, y))
            width, height = self._metrics.horizontalAdvance(text), self._metrics.height()
            painter.drawText(QPointF(at.x() - fx * width, at.y() - fy * height + self._metrics.ascent()), text)
        painter.restore()
