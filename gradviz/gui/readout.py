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
        self.setFixedHeight(self._height())
        if width is None:  # takes the width its layout gives it
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        else:
            self.setFixedWidth(width)
            self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._width = width
        self._painted_at = 0.0
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.timeout.connect(self.update)

    def _height(self) -> int:
        return int(self.fontMetrics().lineSpacing() * self._lines + 6)

    def sizeHint(self) -> QSize:
        return QSize(self._width or 200, self._height())

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
        wait_ms = int((self._painted_at + MIN_INTERVAL_S - time.perf_counter()) * 1000)
        if wait_ms <= 0:
            self.update()
        elif not self._repaint.isActive():
            self._repaint.start(wait_ms)

    def paintEvent(self, event) -> None:
        self._painted_at = time.perf_counter()
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        rect = QRectF(self.rect()).adjusted(2, 1, -2, -1)
        if self._doc is not None:
            self._doc.setTextWidth(rect.width())
            painter.translate(rect.topLeft())
            self._doc.drawContents(painter, QRectF(0, 0, rect.width(), rect.height()))
        else:
            flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            if self._lines > 1:
                flags |= Qt.TextFlag.TextWordWrap
            painter.drawText(rect, int(flags), self._text)
        painter.end()
