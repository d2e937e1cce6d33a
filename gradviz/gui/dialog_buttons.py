"""The buttons under every dialog of gradviz's own: one that goes on (named for what it does) and Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox

__all__ = ["go_or_cancel"]


def go_or_cancel(dialog: QDialog, go: QDialogButtonBox.StandardButton, text: str | None = None) -> QDialogButtonBox:
    """`go` and Cancel, wired to accept and reject; `text` names what `go` does ("Record…", "Export…")."""
    buttons = QDialogButtonBox(go | QDialogButtonBox.StandardButton.Cancel)
    if text:
        buttons.button(go).setText(text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
