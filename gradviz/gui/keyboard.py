"""The training keys never die: after a field is edited they act again, from wherever the focus is.

A spin box keeps the focus after its value is typed or its arrows clicked, and a text field takes
Space, ←, →, Home, + and − for itself: a lecturer who just set η would press → and see nothing.
Here Enter and Esc end the editing (Esc puts the shown value back) and hand the focus to the
window (Esc while typing is the field's, never the window's "leave presentation"), and while a number field is not being typed in (its text unchanged) those keys go to
the window's commands instead of the field. A text field (the playground's formula) keeps every
key it is given: a space or a + is part of a formula.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

__all__ = ["KeyboardGuard"]

_ENDS_EDITING = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)


def _editor(widget: QWidget | None) -> QLineEdit | None:
    """The line edit a focused widget types into (a spin box's own), if any."""
    if isinstance(widget, QLineEdit):
        return widget
    if isinstance(widget, QAbstractSpinBox):
        return widget.lineEdit()
    return None


class KeyboardGuard(QObject):
    """An event filter on whichever widget of one window has the keyboard focus: keys go there first,
    and only there (a filter on the whole application would be asked about every event of every window,
    paints and layouts included)."""

    def __init__(self, window: QWidget, command_keys: set[str]):
        super().__init__(window)
        self.window = window
        self.command_keys = command_keys  # key sequences of the window's commands ("Space", "Right", …)
        self._watched: QWidget | None = None
        app = QApplication.instance()
        app.focusChanged.connect(self._follow_focus)
        window.destroyed.connect(lambda *_: self._stop(app))
        self._follow_focus(None, QApplication.focusWidget())

    def _stop(self, app) -> None:
        try:
            app.focusChanged.disconnect(self._follow_focus)
        except (RuntimeError, TypeError):  # already gone with the window
            pass

    def _follow_focus(self, _old: QWidget | None, now: QWidget | None) -> None:
        try:
            if self._watched is not None:
                self._watched.removeEventFilter(self)
        except RuntimeError:  # the widget that had the focus was deleted
            pass
        self._watched = now if self._inside(now) else None
        if self._watched is not None:
            self._watched.installEventFilter(self)

    def _inside(self, widget: QWidget | None) -> bool:
        return widget is not None and widget.window() is self.window

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        focus = QApplication.focusWidget()
        if obj is not focus or not self._inside(focus) or not isinstance(event, QKeyEvent):
            return False
        spin = focus if isinstance(focus, QAbstractSpinBox) else focus.parentWidget()
        spin = spin if isinstance(spin, QAbstractSpinBox) else None
        editor = _editor(focus)
        if kind == QEvent.Type.KeyPress and event.key() in _ENDS_EDITING and (editor or isinstance(focus, QComboBox)):
            if event.key() == Qt.Key.Key_Escape and spin is not None:
                spin.setValue(spin.value())  # put back what the state holds, discard the typing
            elif event.key() == Qt.Key.Key_Escape and callable(getattr(focus, "revert", None)):
                focus.revert()  # a text field of the state's (the function's formula): the same
            QTimer.singleShot(0, self._hand_back)
            return event.key() == Qt.Key.Key_Escape  # Enter still reaches the field: it applies the value
        if (
            kind == QEvent.Type.ShortcutOverride
            and event.key() == Qt.Key.Key_Escape
            and editor is not None
            and editor.isModified()
        ):
            event.accept()  # typing: Esc is the field's, it puts the value back and hands the keys back (below)
            return True
        if kind == QEvent.Type.ShortcutOverride and editor is not None and not editor.isModified() and spin is not None:
            keys = QKeySequence(event.keyCombination()).toString()
            if keys in self.command_keys:
                return True  # not overridden: the window's command takes the key
        return False

    def _hand_back(self) -> None:
        if self.window.isVisible():
            self.window.setFocus(Qt.FocusReason.ShortcutFocusReason)
