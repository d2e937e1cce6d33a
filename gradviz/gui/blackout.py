"""The black screen (B or . as slide software has it): the whole window black until pressed again.

A child of the window laid over everything, so the session, the keys and the timers go on
underneath; it takes no focus, so the next PageDown still reaches the window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

__all__ = ["Blackout"]


class Blackout(QWidget):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("blackout")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#blackout { background: black; }")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.BlankCursor)
        window.installEventFilter(self)
        self.hide()

    @property
    def on(self) -> bool:
        return not self.isHidden()

    def set_on(self, on: bool) -> None:
        if on:
            self.setGeometry(self.parentWidget().rect())
            self.show()
            self.raise_()
        else:
            self.hide()

    def toggle(self) -> None:
        self.set_on(not self.on)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize and self.on:
            self.setGeometry(obj.rect())
        return False
