"""The caption band of a lesson's scene: under the views, never over them.

A toolbar at the window's bottom edge, so the docks give it their room instead of being covered:
the scene's title and its caption, word-wrapped, as tall as the caption needs at the window's
width (measured with the font's metrics on every resize). `fits()` says whether every word is
inside the band, which the lesson tests check for every shipped scene.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar, QVBoxLayout, QWidget

from gradviz.lessons import Scene, caption_html

from . import palette
from .theme import Theme
from .wrapped_label import WrappedLabel

__all__ = ["CaptionBand"]


class CaptionBand(QToolBar):
    def __init__(self, theme: Theme, parent: QWidget | None = None):
        super().__init__("Lesson caption", parent)
        self.setObjectName("captionBand")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)  # part of the lesson, not a toolbar to switch off
        box = QWidget()
        layout = QVBoxLayout(box)
        pad = int(6 * theme.scale)
        layout.setContentsMargins(2 * pad, pad, 2 * pad, pad)
        layout.setSpacing(pad // 2)
        self.title = WrappedLabel(reserve=4 * pad + 16)  # a long title wraps: never wider than the screen
        self.title.setObjectName("captionTitle")
        self.title.setFont(theme.font(1.1, bold=True))
        self.text = WrappedLabel(reserve=4 * pad + 16)  # the box's margins and the toolbar's own
        self.text.setObjectName("captionText")
        self.text.setFont(theme.font(1.05))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.addWidget(box)
        self.setStyleSheet(f"QToolBar#captionBand {{ {palette.CAPTION_BAND} }}")

    def show_scene(self, lesson_title: str, scene: Scene) -> None:
        self.title.setText(f"{scene.title}   ·   {lesson_title}")
        self.text.setText(caption_html(scene.caption))
        self.text.setVisible(bool(scene.caption))

    def fits(self) -> bool:
        """Every word of the caption and the title inside the band, by the fonts' metrics."""
        if not self.isVisible():
            return False
        labels = [self.title] + ([] if self.text.isHidden() else [self.text])  # a scene may have no caption
        return all(self._fits(label) for label in labels)

    def _fits(self, label: QLabel) -> bool:
        rect = label.contentsRect()
        laid_out = QTextDocument()  # the text laid out as the label lays it out: its font, its width
        laid_out.setDocumentMargin(0)
        laid_out.setDefaultFont(label.font())
        if label.textFormat() == Qt.TextFormat.RichText:
            laid_out.setHtml(label.text())
        else:
            laid_out.setPlainText(label.text())
        laid_out.setTextWidth(rect.width())
        inside_band = label.mapTo(self, rect.bottomLeft()).y() <= self.height()
        return laid_out.size().height() <= rect.height() + 1 and laid_out.idealWidth() <= rect.width() and inside_band
