"""Render resources/icons/gradviz.svg to the PNG sizes desktops ask for (run after editing the SVG).

    QT_QPA_PLATFORM=offscreen python scripts/render_icons.py

tests/test_desktop.py checks that the PNGs in resources/icons are these renderings.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from gradviz.desktop import ICON_SIZES, icon_png, icon_svg


def render(size: int):
    """The SVG drawn at size × size pixels, as a QImage (transparent outside the rounded tile)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(icon_svg()))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> None:
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.instance() or QGuiApplication([])
    for size in ICON_SIZES:
        render(size).save(str(icon_png(size)))
        print(icon_png(size))


if __name__ == "__main__":
    main()
