"""Widgets bound to values of the state, both ways, declared once (echo's autoconnect in spirit).

A `Binding` says how to read a value from the session, how to write a new one, and which
aspects of a Change may alter it. `Bindings` refreshes a widget only when a Change touches
those aspects and the value shown differs, with the widget's signals blocked, so writing
back never echoes; a value the session refuses is put back to what the session holds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDoubleSpinBox, QSpinBox, QWidget

from gradviz.state import Change, Session

from .qt_session import QtSession

__all__ = ["Binding", "Bindings", "value_of", "show_value"]


def value_of(widget: QWidget):
    """The value a control shows, as the state holds it (a spin box's special value is None)."""
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    value = widget.value()
    if widget.specialValueText() and value == widget.minimum():
        return None
    return value


def show_value(widget: QWidget, value) -> None:
    """Make a control show `value` (signals are the caller's business)."""
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            if widget.itemData(i) == value:
                widget.setCurrentIndex(i)
                return
    elif isinstance(widget, QAbstractButton):
        widget.setChecked(bool(value))
    elif value is None:
        widget.setValue(widget.minimum())
    else:
        widget.setValue(value)


def _same(shown, value) -> bool:
    if isinstance(shown, float) and isinstance(value, (int, float)) and value is not None:
        return math.isclose(shown, value, rel_tol=1e-9, abs_tol=1e-15)
    return shown == value


def _changed_signal(widget: QWidget):
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.valueChanged
    raise TypeError(f"no binding for {type(widget).__name__}")


@dataclass
class Binding:
    widget: QWidget
    read: Callable[[Session], object]
    write: Callable[[object], object]
    aspects: frozenset[str]
    enabled: Callable[[Session], bool] | None = None
    visible: Callable[[Session], bool] | None = None
    on_visible: Callable[[QWidget, bool], None] | None = None  # how to show or hide it (a form row)
    decorate: Callable[[QWidget, Session], None] | None = None  # item states, limits that follow the state

    def refresh(self, session: Session) -> None:
        with QSignalBlocker(self.widget):
            if self.decorate is not None:
                self.decorate(self.widget, session)
            value = self.read(session)
            if not _same(value_of(self.widget), value):
                show_value(self.widget, value)
        if self.enabled is not None:
            self.widget.setEnabled(self.enabled(session))
        if self.visible is not None:
            (self.on_visible or QWidget.setVisible)(self.widget, self.visible(session))


class Bindings:
    """The bindings of one panel, refreshed from the session's Changes as they happen."""

    def __init__(self, qt_session: QtSession):
        self.session = qt_session.session
        self.bindings: list[Binding] = []
        qt_session.sigChangedNow.connect(self._on_change)

    def add(self, binding: Binding) -> Binding:
        self.bindings.append(binding)
        _changed_signal(binding.widget).connect(lambda *_: self._on_edit(binding))
        binding.refresh(self.session)
        return binding

    def extend(self, bindings: Iterable[Binding]) -> None:
        for b in bindings:
            self.add(b)

    def _on_edit(self, binding: Binding) -> None:
        binding.write(value_of(binding.widget))
        binding.refresh(self.session)  # refused (an error note) or adjusted: show what the session holds

    def _on_change(self, change: Change) -> None:
        for binding in self.bindings:
            if change.touches(binding.aspects):
                binding.refresh(self.session)

    def widget(self, name: str) -> QWidget:
        for b in self.bindings:
            if b.widget.objectName() == name:
                return b.widget
        raise KeyError(name)
