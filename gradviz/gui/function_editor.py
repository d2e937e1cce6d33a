"""The playground's function controls: a choice of the classic functions, and a field where a
student types f(x, y), checked as they type.

Every keystroke is read by core's own parser (no user text ever reaches Python): a formula it
refuses turns the field's frame red and says why and where in the line below it and in the status
bar, while the runs go on with the last valid function. Enter (or leaving the field) applies a
valid formula, Esc puts back the one in use.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from gradviz import core
from gradviz.core.expression import MAX_LENGTH

from . import palette
from .qt_session import QtSession

__all__ = ["FunctionEditor", "FunctionLineEdit", "FUNCTION_TITLES"]

FUNCTION_TITLES = {
    "rosenbrock": "Rosenbrock's valley",
    "beale": "Beale",
    "himmelblau": "Himmelblau (four minima)",
    "saddle": "saddle x² − y²",
    "monkey-saddle": "monkey saddle",
    "ill-conditioned": "ill-conditioned bowl",
}
_TYPED = "your own formula"
_INVALID = f"QLineEdit#functionEdit {{ border: 2px solid {palette.INVALID_BORDER}; background: {palette.WARN_FIELD}; }}"


class FunctionLineEdit(QLineEdit):
    """The formula field; `revert` (Esc) shows the function in use again."""

    def __init__(self, editor: FunctionEditor):
        super().__init__()
        self._editor = editor

    def revert(self) -> None:
        self._editor.show_current()


class FunctionEditor(QWidget):
    """The function's choice and formula, bound to the session's settings (see the module docstring).
    `sigStatus(text)`: what to say in the status bar (an empty text clears it)."""

    sigStatus = Signal(str)

    def __init__(self, qt_session: QtSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = qt_session.session
        self.combo = QComboBox()
        self.combo.setObjectName("functionCombo")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(8)
        for name in core.FUNCTIONS:
            f = core.make_function(name)
            self.combo.addItem(FUNCTION_TITLES.get(name, name), name)
            self.combo.setItemData(self.combo.count() - 1, f"f(x, y) = {f.expression}", Qt.ItemDataRole.ToolTipRole)
        self.combo.addItem(_TYPED, None)
        self.combo.setToolTip("A classic test function, or type your own formula below")
        self.combo.activated.connect(self._on_choice)

        self.edit = FunctionLineEdit(self)
        self.edit.setObjectName("functionEdit")
        self.edit.setMaxLength(MAX_LENGTH)
        self.edit.setPlaceholderText("e.g. x^2 + 10*y^2")
        self._tip = core.FIELDS["function"].help
        self.edit.setToolTip(self._tip)
        self.edit.textEdited.connect(self._on_typed)
        # Enter or leaving the field applies a valid formula, as a number field applies its value
        self.edit.editingFinished.connect(self.apply)

        self.problem = QLabel()
        self.problem.setObjectName("functionProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {palette.WARN_TEXT};")
        self.problem.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.edit)
        layout.addWidget(self.problem)
        qt_session.sigChangedNow.connect(self._on_change)
        self.show_current()

    @property
    def valid(self) -> bool:
        """Whether the field holds a formula the parser takes."""
        return self.problem.isHidden()

    def _on_change(self, change) -> None:
        if change.touches({"settings", "model", "runs"}):
            self.show_current()

    def show_current(self) -> None:
        """The function in use: its name in the choice, its formula in the field, no complaint."""
        name = self.session.settings.function
        if name is None:
            return
        f = core.make_function(name)
        self.combo.setCurrentIndex(self.combo.findData(name if name in core.FUNCTIONS else None))
        if self.edit.text() != f.expression:
            self.edit.setText(f.expression)
            self.edit.setCursorPosition(0)
        self._complain("")

    def _on_choice(self, index: int) -> None:
        name = self.combo.itemData(index)
        if name is None:  # "your own formula": the field is where it is written
            self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.edit.selectAll()
            return
        self.session.set_value("function", name)

    def _on_typed(self, text: str) -> None:
        try:
            f = core.make_function(text)
        except core.FunctionError as exc:
            self._complain(str(exc), exc.column)
            return
        self._complain("")
        self.sigStatus.emit(f"f(x, y) = {f.expression}: Enter to descend on it")

    def apply(self) -> bool:
        """Use the field's formula, if the parser takes it and it is not the one in use."""
        text = self.edit.text()
        if self.session.settings.function is None:  # a model: the field is hidden, nothing to apply
            return False
        if not self.valid:
            self.sigStatus.emit(f"{self.problem.text()}; still descending on f = {self._current_expression()}")
            return False
        current = self.session.settings.function
        if current is not None and core.make_function(text).name == current:
            return True
        done = self.session.set_value("function", text)
        if not done:  # refused as a whole (not defined at any start): say why where the typing is
            self.show_current()
        return done

    def _current_expression(self) -> str:
        name = self.session.settings.function
        return core.make_function(name).expression if name else ""

    def _complain(self, text: str, column: int | None = None) -> None:
        """Red frame and the reason (with a caret under the column) or, for "", neither."""
        self.edit.setStyleSheet(_INVALID if text else "")
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.edit.setToolTip(f"{text}\n\n{self._tip}" if text else self._tip)
        if text:
            self.sigStatus.emit(f"{text} (still descending on f = {self._current_expression()})")
