"""A lesson's handout: one PDF page per scene, the window's picture and the scene's caption under it.

Drawn with Qt's own PDF writer (no new dependency), off screen: each scene is opened in the
window as PageDown would open it, the window is drawn without its caption band (the caption is
set on the page in the page's own type, where it reads better than a picture of it), and the
pages are written to a file beside the target and moved into place at the end, so a failed
export leaves any old handout as it was.
"""

from __future__ import annotations

import os
import tempfile

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from gradviz.core import os_reason
from gradviz.core._files import put_in_place
from gradviz.lessons import caption_html

from .view_pictures import prepare_for_pictures

__all__ = ["write_handout"]

RESOLUTION = 150  # dots per inch of the page: the pictures are 1280 pixels wide, about 22 cm


def write_handout(window, path: str | os.PathLike, size: tuple[int, int]) -> int:
    """Every scene of `window.model.lesson` on its own page of the PDF at `path`; returns the page count.
    Raises OSError (the file cannot be written) or ValueError (no lesson)."""
    show = window.model.lesson
    if show is None:
        raise ValueError("no lesson is open")
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(prefix=".handout-", suffix=".pdf", dir=folder)
    except OSError as exc:
        raise OSError(f"could not write {os.path.basename(path)}: {os_reason(exc)}") from None
    os.close(handle)
    try:
        writer = QPdfWriter(temporary)
        writer.setResolution(RESOLUTION)
        writer.setTitle(show.lesson.title)
        writer.setCreator("gradviz")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Landscape,
                QMarginsF(12, 10, 12, 10),
                QPageLayout.Unit.Millimeter,
            )
        )
        painter = QPainter()
        if not painter.begin(writer):
            raise OSError(f"could not write {os.path.basename(path)}: Qt's PDF writer could not start")
        try:
            for k in range(show.scene_count):
                if k:
                    writer.newPage()
                window.session.apply_session(show.states[k].data)
                window.lessons.arrive_at_scene(k)
                window.caption_band.hide()
                prepare_for_pictures(window, size)
                picture = window.grab()
                window.lessons.show_caption()
                _page(painter, writer, show, k, picture)
        finally:
            painter.end()
        put_in_place(temporary, path)  # the user's umask, not mkstemp's 0600
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return show.scene_count


def _page(painter: QPainter, writer: QPdfWriter, show, k: int, picture) -> None:
    page = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
    page.moveTo(0, 0)
    scene = show.states[k].scene
    heading = QTextDocument()
    heading.documentLayout().setPaintDevice(writer)
    heading.setDefaultFont(QFont("sans-serif", 13))
    heading.setTextWidth(page.width())
    heading.setHtml(
        f"<b>{_escape(scene.title)}</b> &nbsp;·&nbsp; {_escape(show.lesson.title)} &nbsp;·&nbsp; scene {k + 1} / {show.scene_count}"
    )
    heading.drawContents(painter)
    top = heading.size().height() + 10
    caption = QTextDocument()
    caption.documentLayout().setPaintDevice(writer)
    caption.setDefaultFont(QFont("sans-serif", 12))
    caption.setTextWidth(page.width())
    caption.setHtml(caption_html(scene.caption))
    room = QSizeF(page.width(), page.height() - top - caption.size().height() - 20)
    shown = QSizeF(picture.size()).scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
    target = QRectF((page.width() - shown.width()) / 2, top, shown.width(), shown.height())
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawPixmap(target, picture, QRectF(picture.rect()))
    painter.save()
    painter.translate(0, target.bottom() + 20)
    caption.drawContents(painter)
    painter.restore()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
