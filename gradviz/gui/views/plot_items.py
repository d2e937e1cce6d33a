"""Plot items the views are made of: a view box that edits points, opaque images, lines and labels
drawn in few calls."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from .. import palette

__all__ = ["EdgeLines", "EditableViewBox", "ImageTiles", "PassiveScatter", "PointLabels", "RegionImage", "head_angle"]


def head_angle(view_box: pg.ViewBox, d: np.ndarray) -> float:
    """The angle an ArrowItem at the tip of the segment d (in plot coordinates) takes on screen, where
    the two axes may have very different scales: atan2(−dy/py, dx/px) for pixels of px × py, written
    with d scaled to at most 1 and without a division by a pixel's size, so that neither overflows
    (an arrow of 1e300 on pixels of 1e-300 did). d must be finite and not zero."""
    px, py = view_box.viewPixelSize()
    if not (np.isfinite(px) and np.isfinite(py) and px > 0 and py > 0):  # a range pyqtgraph cannot scale
        px = py = 1.0
    x, y = d / np.abs(d).max()
    return 180 + float(np.degrees(np.arctan2(-y * px, x * py)))


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
        self.image = rgba
        self._bgra, self._qimage = opaque_image(rgba)
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
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.smooth)
            draw_image_in(painter, self._qimage, self._rect)


def draw_image_in(painter, image: QImage, rect: QRectF) -> None:
    """The image stretched over rect (data coordinates): row 0 at the rect's top, its smallest y, which a
    plot shows at the bottom."""
    painter.save()
    painter.translate(rect.left(), rect.top())
    painter.scale(rect.width() / image.width(), rect.height() / image.height())
    painter.drawImage(QPointF(0, 0), image)
    painter.restore()


def opaque_image(rgba: np.ndarray) -> tuple[np.ndarray, QImage]:
    """An (h, w, 4) RGBA array as an opaque RGB32 QImage (the form Qt draws without converting), and the
    bytes it points at, which must live as long as the image."""
    h, w = rgba.shape[:2]
    bgra = np.empty((h, w, 4), dtype=np.uint8)
    bgra[..., 0] = rgba[..., 2]
    bgra[..., 1] = rgba[..., 1]
    bgra[..., 2] = rgba[..., 0]
    bgra[..., 3] = 255
    return bgra, QImage(bgra.data, w, h, 4 * w, QImage.Format.Format_RGB32)


class ImageTiles(pg.GraphicsObject):
    """A few small opaque images, each in its own rectangle and framed, painted by one item; a click on
    one reports its index. (An ImageItem each renders and converts its image separately: eight of them
    cost more than a millisecond a frame.)"""

    def __init__(self, clicked):
        super().__init__()
        self._clicked = clicked
        self.rects: list[QRectF] = []
        self._images: list[tuple[np.ndarray, QImage]] = []
        self._frames: list[object] = []  # a QPen per tile
        self._bounds = QRectF()

    def set_tiles(self, rgba: np.ndarray, rects: list[QRectF], frames: list) -> None:
        """rgba (n, h, w, 4); rects (n) in data coordinates, row 0 at each rect's smallest y; frames: n pens."""
        if [r.getRect() for r in rects] != [r.getRect() for r in self.rects]:
            self.prepareGeometryChange()
            self.rects = [QRectF(r) for r in rects]
            self._bounds = QRectF()
            for r in self.rects:
                self._bounds = self._bounds.united(r)
            self.informViewBoundsChanged()
        self._images = [opaque_image(np.ascontiguousarray(tile)) for tile in rgba]
        self._frames = list(frames)
        self.update()

    def unit_at(self, pos: QPointF) -> int | None:
        return next((k for k, r in enumerate(self.rects) if r.contains(pos)), None)

    def mouseClickEvent(self, ev) -> None:
        k = self.unit_at(ev.pos()) if ev.button() == Qt.MouseButton.LeftButton else None
        if k is None:
            ev.ignore()
            return
        ev.accept()
        self._clicked(k)

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def paint(self, painter, *args) -> None:
        for rect, (_, image), pen in zip(self.rects, self._images, self._frames, strict=False):
            draw_image_in(painter, image, rect)
            painter.setPen(pen)
            painter.drawRect(rect)


class PassiveScatter(pg.ScatterPlotItem):
    """Points that leave every click to the view box (which knows about editing)."""

    def mouseClickEvent(self, ev):
        ev.ignore()


class EdgeLines(pg.GraphicsObject):
    """Many straight lines, each with its own colour and width, drawn as a few paths.

    pyqtgraph's GraphItem records one pen change per edge into a QPicture and replays it on every
    paint; here the edges are grouped by pen (colours quantised to 64 levels, widths to quarter
    points), one path per group, so a network of a few hundred edges paints in a handful of calls.
    The lines end flat: their ends sit under the nodes (round caps cost a quarter more to paint).
    And they are opaque: Qt paints a translucent antialiased line wider than a pixel some thirty
    times slower (32 edges: ~3 ms a frame against 0.1 ms).
    """

    def __init__(self):
        super().__init__()
        self.pen_paths: list[tuple[object, object]] = []  # (QPen, QPainterPath)
        self._rect = QRectF()
        self._drawn: bytes | None = None  # the lines as last drawn, quantised
        self.redrawn = 0  # how many times the picture changed (tests and benchmarks read it)

    def set_lines(self, starts: np.ndarray, ends: np.ndarray, rgba: np.ndarray, widths: np.ndarray) -> None:
        """starts, ends (n, 2) in data coordinates; rgba (n, 4) uint8, alpha ignored; widths (n,) in pixels."""

        colour = rgba[:, :3].astype(np.int64) // 4  # 64 levels a channel
        quarters = np.round(np.asarray(widths, dtype=float) * 4).astype(np.int64)
        pen_key = ((colour[:, 0] * 64 + colour[:, 1]) * 64 + colour[:, 2]) * 4096 + np.minimum(quarters, 4095)
        drawn = b"".join(np.ascontiguousarray(a).tobytes() for a in (starts, ends, pen_key))
        if drawn == self._drawn:  # the same picture: nothing to redo
            return
        self._drawn = drawn
        self.redrawn += 1
        self.prepareGeometryChange()
        _, first, group_of = np.unique(pen_key, return_index=True, return_inverse=True)
        groups = []
        for g, row in enumerate(first):
            rows = np.flatnonzero(group_of == g)
            r, gr, b = (4 * int(v) for v in colour[row])
            pen = QPen(QColor(r, gr, b))
            pen.setWidthF(quarters[row] / 4)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            path = QPainterPath()
            for i in rows:
                path.moveTo(float(starts[i, 0]), float(starts[i, 1]))
                path.lineTo(float(ends[i, 0]), float(ends[i, 1]))
            groups.append((pen, path))
        groups.sort(key=lambda g: g[0].widthF())  # the thin groups first: the strong edges are drawn over them
        self.pen_paths = groups
        pts = np.vstack([starts, ends]) if len(starts) else np.zeros((1, 2))
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        self._rect = QRectF(float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1]))
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, painter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for pen, path in self.pen_paths:
            painter.setPen(pen)
            painter.drawPath(path)


class PointLabels(pg.GraphicsObject):
    """Short texts beside points, all painted by one item in screen pixels, none over another.

    A pyqtgraph TextItem per label is a QGraphicsTextItem that re-lays itself out on every setText
    (a dozen changing numbers cost ~7 ms a frame); here a new set of texts is one update, and the
    paint draws each with QPainter.drawText where its point lands on screen. `backdrop`: each text on
    a pale box, legible where it sits over lines.

    Texts come in groups (a layer's numbers): a group is drawn whole, inside the plot and clear of the
    groups before it and of what `avoid` draws, in its `fallback` words if the full ones do not fit,
    or not at all (hovering still tells). Eight units' numbers in a plot 140 px tall would be drawn
    over each other ("x₁ = a₁ = −1 + 2.3e−4"); a missing layer of numbers says less, not something false.
    """

    def __init__(self, font, color: str = palette.TEXT, backdrop: bool = False, avoid: PointLabels | None = None):
        super().__init__()

        self._font = font
        self._metrics = QFontMetricsF(font)
        self._color = QColor(color)
        self._backdrop = QColor(*palette.BACKDROP) if backdrop else None
        self._avoid = avoid
        self.pos = np.zeros((0, 2))
        self.anchors = np.zeros((0, 2))  # (fx, fy): the fraction of the text's box placed at its point
        self.texts: list[str] = []
        self.groups: list[int] = []  # each text's group; lower groups are placed first
        self.fallback: list[str] | None = None  # shorter words for each text, tried where the full ones do not fit
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

    def set_texts(self, texts: list[str], groups: list[int] | None = None, fallback: list[str] | None = None) -> None:
        texts = list(texts)
        groups = list(range(len(texts))) if groups is None else [int(g) for g in groups]
        fallback = None if fallback is None else list(fallback)
        if (texts, groups, fallback) != (self.texts, self.groups, self.fallback):
            self.texts, self.groups, self.fallback = texts, groups, fallback
            self.update()

    def boundingRect(self) -> QRectF:
        # the texts reach past their points by up to their own size in pixels: the whole view repaints
        # the labels' strip anyway when the numbers change, so a generous box costs nothing
        view = self.getViewBox()
        return view.viewRect() if view is not None else QRectF(self._rect)

    def _boxes(self, transform, texts: list[str]) -> list[QRectF]:
        """The box each text is drawn in, in the pixels `transform` maps the plot's coordinates to."""
        boxes = []
        for (x, y), (fx, fy), text in zip(self.pos, self.anchors, texts, strict=False):
            at = transform.map(QPointF(x, y))
            width, height = self._metrics.horizontalAdvance(text), self._metrics.height()
            boxes.append(QRectF(at.x() - fx * width, at.y() - fy * height, width, height))
        return boxes

    def shown(self, transform) -> list[tuple[str, QRectF]]:
        """The texts drawn, each with its box in `transform`'s pixels: whole groups that fit (see the class)."""
        view = self.getViewBox()
        if not self.texts or view is None:
            return []
        inside = transform.mapRect(view.viewRect()).adjusted(-1, -1, 1, 1)
        taken = [box for _, box in self._avoid.shown(transform)] if self._avoid is not None else []
        choices = [(self.texts, self._boxes(transform, self.texts))]
        if self.fallback is not None:
            choices.append((self.fallback, self._boxes(transform, self.fallback)))
        out = []
        for group in sorted(set(self.groups)):
            members = [i for i, g in enumerate(self.groups) if g == group and i < len(self.pos)]
            for texts, boxes in choices:
                mine = [boxes[i] for i in members]
                if all(inside.contains(b) for b in mine) and not _any_overlap(mine, taken):
                    out += [(texts[i], boxes[i]) for i in members]
                    taken += mine
                    break
        return out

    def text_rects(self) -> list[tuple[str, QRectF]]:
        """Each text drawn with its box in scene coordinates (what the projector audit checks for overlaps)."""
        return self.shown(self.sceneTransform())

    def paint(self, painter, *args) -> None:
        if not self.texts:
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        painter.setPen(self._color)
        for text, box in self.shown(transform):
            if self._backdrop is not None:
                painter.fillRect(box.adjusted(-2, 0, 2, 0), self._backdrop)
            painter.drawText(QPointF(box.left(), box.top() + self._metrics.ascent()), text)
        painter.restore()


def _any_overlap(boxes: list[QRectF], others: list[QRectF]) -> bool:
    """Whether two of `boxes`, or one of them and one of `others`, share more than a pixel each way."""
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :] + others:
            common = box.intersected(other)
            if common.width() > 1 and common.height() > 1:
                return True
    return False
