"""A text readout that changes every step without re-laying out the window.

QLabel.setText asks its layout to recompute (updateGeometry); at 60 steps a second that
re-measures every neighbour, word-wrapped rich-text legends included (~3 ms a frame in the
gradient dock). A Readout has a fixed height, keeps its text and only repaints itself — at most
ten times a second (numbers changing faster cannot be read anyway); the last text always shows.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["Readout", "MIN_INTERVAL_S"]

MIN_INTERVAL_S = 0.1


class Readout(QWidget):
    def __init__(
        self, font: QFont, lines: int = 1, rich: bool = False, width: int | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setFont(font)
        self._text = ""
        self._rich = rich
        self._lines = lines
        self._doc = QTextDocument(self) if rich else None
        if self._doc is not None:
            self._doc.setDefaultFont(font)
            self._doc.setDocumentMargin(1)
        self._laid_out_height = self._height()
        if rich and lines > 1:  # its words wrap: as tall as they need at the width it is given
            policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            policy.setHeightForWidth(True)
            self.setSizePolicy(policy)
        elif width is None:  # as wide as its widest text so far; its row wraps or squeezes it
            self.setFixedHeight(self._height())
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        else:
            self.setFixedHeight(self._height())
            self.setFixedWidth(width)
            self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._width = width
        self._widest = 60
        self._painted_at = 0.0
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.timeout.connect(self.update)

    def _height(self) -> int:
        return int(self.fontMetrics().lineSpacing() * self._lines + 6)

    def sizeHint(self) -> QSize:
        if self.hasHeightForWidth():
            return QSize(200, self.heightForWidth(self.width() if self.width() > 40 else 400))
        return QSize(self._width or self._widest, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(40, self._height())

    def _fit(self) -> None:
        """Ask for more room only when the text needs it: wider for a one-line readout (its row may
        wrap), more lines for a multi-line one. That re-lays out the window, so it happens only when
        the text needs more than any text before it, or the number of its lines changes."""
        if self._width is None and self._lines == 1:
            if self._doc is not None:  # bold words are wider than the plain text's metrics say
                self._doc.setTextWidth(-1)
                advance = int(self._doc.idealWidth()) + 8
            else:
                advance = self.fontMetrics().horizontalAdvance(self.text()) + 8
            if advance > self._widest:
                self._widest = advance
                self.updateGeometry()
        elif self._doc is not None and self._lines > 1:
            height = self.heightForWidth(self.width())
            if height != self._laid_out_height:
                self._laid_out_height = height
                self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return self._doc is not None and self._lines > 1

    def heightForWidth(self, width: int) -> int:
        """The height the text needs at `width`: at least `lines` lines, at most four times that."""
        if not self.hasHeightForWidth():
            return self._height()
        self._doc.setTextWidth(max(width - 4, 40))
        return max(self._height(), min(int(self._doc.size().height()) + 4, 4 * self._height()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def text(self) -> str:
        """The plain text shown (rich text with its tags removed)."""
        if self._doc is not None:
            return self._doc.toPlainText()
        return self._text

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        if self._doc is not None:
            self._doc.setHtml(text)
        self._fit()
        wait_ms = int((self._painted_at + MIN_INTERVAL_S - time.perf_counter()) * 1000)
        if wait_ms <= 0:
            self.update()
        elif not self._repaint.isActive():
            self._repaint.start(wait_ms)

    def _room(self) -> QRectF:
        return QRectF(self.rect()).adjusted(2, 1, -2, -1)

    def _flags(self) -> int:
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        if self._lines > 1:
            flags |= Qt.TextFlag.TextWordWrap
        return int(flags)

    def fits(self) -> tuple[bool, str]:
        """Whether the text shows whole in the room it is painted in, and the sizes in words (what a
        projector audit reports): a readout is painted, so nothing else would notice it cut."""
        room = self._room()
        if self._doc is not None:
            self._doc.setTextWidth(room.width())
            width, height = self._doc.idealWidth(), self._doc.size().height()
        else:
            needed = self.fontMetrics().boundingRect(room.toRect(), self._flags(), self._text)
            width, height = needed.width(), needed.height()
        ok = width <= room.width() + 1 and height <= room.height() + 1
        return ok, f"needs {width:.0f} × {height:.0f} in {room.width():.0f} × {room.height():.0f}"

    def paintEvent(self, event) -> None:
        self._painted_at = time.perf_counter()
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        rect = self._room()
        if self._doc is not None:
            self._doc.setTextWidth(rect.width())
            painter.translate(rect.topLeft())
            self._doc.drawContents(painter, QRectF(0, 0, rect.width(), rect.height()))
        else:
            painter.drawText(rect, self._flags(), self._text)
        painter.end()
