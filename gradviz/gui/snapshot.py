"""A picture of a widget (the whole window, usually) as PNG, JPEG, … or as an SVG drawing.

SVG keeps lines and text as vectors for slides and papers; Qt paints the widgets into a
QSvgGenerator as it would onto the screen. Every other format is what Qt's image writers
know; a name without a known extension is refused with the list, before anything is drawn.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QImageWriter, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

__all__ = ["image_formats", "write_image"]


def image_formats() -> list[str]:
    """The extensions a screenshot can have: svg and Qt's raster formats."""
    raster = sorted({bytes(f).decode() for f in QImageWriter.supportedImageFormats()})
    return ["png", "svg", *(f for f in raster if f != "png")]


def write_image(widget: QWidget, path: str | os.PathLike) -> str | None:
    """Write the widget as it looks now to `path`; None, or what went wrong in words."""
    suffix = Path(path).suffix.lower().lstrip(".")
    formats = image_formats()
    if suffix not in formats:
        shown = ", ".join(f".{f}" for f in formats)
        return f"cannot write {Path(path).name}: a screenshot is one of {shown}"
    if suffix == "svg":
        return _write_svg(widget, Path(path))
    if not widget.grab().save(str(path)):
        return f"could not write {path}"
    return None


def _write_svg(widget: QWidget, path: Path) -> str | None:
    size = widget.size()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(size))
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle("gradviz")
    painter = QPainter()
    if not painter.begin(generator):
        return f"could not write {path}"
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    if not path.is_file() or path.stat().st_size == 0:
        return f"could not write {path}"
    return None
