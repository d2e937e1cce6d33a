"""A non-blocking message strip under the toolbar: what the user must read, with a fix where one exists."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QWidget

from .palette import MESSAGE_STYLES
from .theme import Theme
from .wrapped_label import WrappedLabel

__all__ = ["MessageBar"]


class MessageBar(QToolBar):
    def __init__(self, theme: Theme, parent: QWidget | None = None):
        super().__init__("Messages", parent)
        self.setObjectName("messageBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.label = WrappedLabel(reserve=int(260 * theme.scale))  # beside it: the fix's button and ✕
        self.label.setObjectName("messageLabel")
        self.label.setFont(theme.font(1.05, bold=True))
        self.addWidget(self.label)
        self.fix_action = QAction(self)
        self.fix_action.setObjectName("messageFixAction")
        self.addAction(self.fix_action)
        close = QAction("✕", self)
        close.setToolTip("Dismiss")
        close.triggered.connect(self.hide)
        self.addAction(close)
        self._fix = None
        self.fix_action.triggered.connect(self._on_fix)
        self.hide()

    @property
    def text(self) -> str:
        return self.label.text()

    def show_message(self, text: str, kind: str = "error", fix: tuple[str, object] | None = None) -> None:
        self.label.setText(text)
        self.setStyleSheet(f"QToolBar {{ {MESSAGE_STYLES[kind]} padding: 4px; }}")
        self._fix = fix[1] if fix else None
        self.fix_action.setText(fix[0] if fix else "")
        self.fix_action.setVisible(fix is not None)
        self.show()

    def _on_fix(self) -> None:
        if self._fix is not None:
            self._fix()
        self.hide()
