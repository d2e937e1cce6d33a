"""A picture of a widget (the window, or one view) as PNG, JPEG, … or as an SVG or PDF drawing.

SVG and PDF keep lines and text as vectors for slides and papers; Qt paints the widgets into a
QSvgGenerator or QPdfWriter as it would onto the screen. Raster formats can be drawn at 2× or
4× the screen's pixels (the plots are drawn again at that resolution, not enlarged). A name
without a known extension is refused with the list, before anything is drawn; the file is
written beside its place and renamed into it, so a failed write leaves no half file.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QMarginsF, QPoint, QRect, QSize, QSizeF
from PySide6.QtGui import QImage, QImageWriter, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

__all__ = ["frame_array", "image_formats", "render_image", "write_image"]


def image_formats() -> list[str]:
    """The extensions a screenshot can have: svg and Qt's raster formats."""
    raster = sorted({bytes(f).decode() for f in QImageWriter.supportedImageFormats()})
    return ["png", "svg", "pdf", *(f for f in raster if f != "png")]


def write_image(widget: QWidget, path: str | os.PathLike, scale: int = 1) -> str | None:
    """Write the widget as it looks now to `path` (raster formats at `scale`× its pixels); None,
    or what went wrong in words."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    formats = image_formats()
    if suffix not in formats:
        shown = ", ".join(f".{f}" for f in formats)
        return f"cannot write {path.name}: a picture is one of {shown}"
    if not path.parent.is_dir():
        return f"cannot write {path.name}: the folder {path.parent} does not exist"
    tmp = path.with_name(f".{path.stem}.partial.{suffix}")
    try:
        writer = {"svg": _write_svg, "pdf": _write_pdf}.get(suffix, _write_raster)
        with _drawn_for_export(widget, scale if writer is _write_raster else 1):
            problem = writer(widget, tmp, scale)
        if problem is None:
            os.replace(tmp, path)
        return problem
    except OSError as exc:
        return f"could not write {path.name}: {exc.strerror or exc}"
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def _drawn_for_export(widget: QWidget, scale: int):
    """pyqtgraph's items told they are drawn for a file: markers drawn as shapes at the file's resolution,
    not taken from their on-screen pixmaps (at 4× those were blurred squares, and bitmaps in an SVG); and
    the lines (curves, paths, contours, markers of a step) `scale` times as wide, since a line's width is
    in the file's pixels: at 4× a path was a quarter as heavy as on screen."""
    items = [
        item
        for view in widget.findChildren(pg.GraphicsView)
        for item in view.scene().items()
        if hasattr(item, "setExportMode")
    ]
    pens = []  # (holder, key, the pen on screen)
    for item in items:
        item.setExportMode(True, {"antialias": True})
        if isinstance(item, pg.PlotCurveItem):
            pens += [(item.opts, key, item.opts[key]) for key in ("pen", "shadowPen") if item.opts.get(key) is not None]
        elif isinstance(item, pg.InfiniteLine):
            pens.append((item.__dict__, "currentPen", item.currentPen))
    for holder, key, pen in pens:
        if scale > 1 and isinstance(pen, QPen) and pen.isCosmetic():
            wider = QPen(pen)
            wider.setWidthF(max(pen.widthF(), 1.0) * scale)
            holder[key] = wider
    try:
        yield
    finally:
        for holder, key, pen in pens:
            holder[key] = pen
        for item in items:
            item.setExportMode(False)


def render_image(widget: QWidget, scale: int = 1, kind=QImage.Format.Format_ARGB32) -> QImage:
    """The widget as it looks now, drawn at `scale`× its pixels (not enlarged: drawn again)."""
    size = widget.size()
    image = QImage(size.width() * scale, size.height() * scale, kind)
    image.setDevicePixelRatio(scale)
    image.fill(widget.palette().window().color())
    painter = QPainter(image)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    return image


def frame_array(widget: QWidget) -> np.ndarray:
    """The widget as it looks now as a height × width × 3 uint8 RGB array (a movie's frame)."""
    image = render_image(widget, 1, QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : 3 * image.width()].reshape(image.height(), image.width(), 3).copy()


def _write_raster(widget: QWidget, path: Path, scale: int) -> str | None:
    image = render_image(widget, scale)
    return None if image.save(str(path)) else f"could not write {path.name}"


def _write_pdf(widget: QWidget, path: Path, scale: int) -> str | None:
    size = widget.size()
    writer = QPdfWriter(str(path))
    writer.setResolution(96)  # one widget pixel is one PDF pixel at 96 dpi: the page is the widget's size
    writer.setPageSize(QPageSize(QSizeF(size.width() * 72 / 96, size.height() * 72 / 96), QPageSize.Unit.Point))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setTitle("gradviz")
    return _paint_vectors(widget, writer, path)


def _write_svg(widget: QWidget, path: Path, scale: int = 1) -> str | None:
    size = widget.size()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(size))
    generator.setResolution(96)  # a CSS pixel: the drawing's width and height in mm are the widget's pixels at 96 dpi
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle("gradviz")
    return _paint_vectors(widget, generator, path)


def _paint_vectors(widget: QWidget, device, path: Path) -> str | None:
    """Paint the widget into a vector device (SVG, PDF) that writes `path` when the painter ends."""
    painter = QPainter()
    if not painter.begin(device):
        return f"could not write {path.name}"
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    return None if path.is_file() and path.stat().st_size > 0 else f"could not write {path.name}"
