"""A word-wrapped label in a toolbar that is exactly as tall as its text at the width it has.

A toolbar asks its label for a size before the label has a width, and a wrapped label then answers
with its narrowest, tallest form: three words a line, a band a third of the window high (seen with
the message strip and the lesson's caption at 1280 × 720). This label sets its own height from its
width, a guess from the window's width until it is laid out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

__all__ = ["WrappedLabel"]


class WrappedLabel(QLabel):
    def __init__(self, reserve: int = 0):
        """`reserve`: the width the toolbar's other widgets and margins take beside it."""
        super().__init__()
        self.reserve = reserve
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        guess = self.window().width() - self.reserve
        width = self.width() if self.width() >= max(300, guess // 2) else guess
        self.setMinimumHeight(0)  # QLabel's heightForWidth is never under its minimum: a fixed height stuck
        height = self.heightForWidth(max(300, width))
        if height > 0:
            self.setFixedHeight(height)
