"""A thin bar along a plot's top edge while its picture is computed in the background.

Laid over the plot (no layout holds it), so showing and hiding it moves nothing, and drawn with the next
frame: a QProgressBar in the controls' row re-laid out the row each time it appeared and repainted at once
each pixel it grew, a third of the cost of drawing a new surface. Like QProgressDialog's minimum duration,
it appears only once the work has taken `DELAY_S`: a surface that follows the run arrives in a few
frames, and a strip flashing several times a second says nothing but costs a paint each time.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from .. import palette
from ..theme import Theme

__all__ = ["DELAY_S", "ProgressStrip"]

DELAY_S = 0.3  # work quicker than this shows no strip


class ProgressStrip(QWidget):
    def __init__(self, over: QWidget, theme: Theme, name: str):
        super().__init__(over)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setToolTip("Computing the picture in the background")
        self._fraction = 0.0
        self._since: float | None = None  # when the work under way began (None: no work)
        self._thickness = max(3, round(4 * theme.scale))
        over.installEventFilter(self)
        self.hide()

    @property
    def fraction(self) -> float | None:
        return None if self.isHidden() else self._fraction

    def show_fraction(self, fraction: float | None) -> None:
        """How much is done (0 … 1; 0 begins new work); None: done, the strip goes."""
        if fraction is None:
            self._since = None
            self.hide()
            return
        now = time.monotonic()
        if self._since is None or (fraction == 0 and self.isHidden()):
            self._since = now
        self._fraction = min(max(float(fraction), 0.0), 1.0)
        if now - self._since < DELAY_S:
            return
        if self.isHidden():
            self._place()
            self.show()
            self.raise_()
        self.update()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and not self.isHidden():
            self._place()
        return False

    def _place(self) -> None:
        self.setGeometry(0, 0, self.parentWidget().width(), self._thickness)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(*palette.PROGRESS_TRACK))
        painter.fillRect(0, 0, round(self.width() * self._fraction), self.height(), QColor(palette.PROGRESS))
