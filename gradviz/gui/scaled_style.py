"""The controls' handles grow with the presentation's fonts.

Qt's styles size check boxes, slider handles and spin-box arrows in fixed pixels: at 4K with fonts
three times the desk's, a 14-pixel box beside 40-pixel text can neither be read nor hit. This proxy
style multiplies those sizes by the scale of the window's theme; at the desk (scale 1) it changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle

__all__ = ["ScaledStyle", "scale_of", "use_scaled_style"]

_PM = QStyle.PixelMetric
_SCALED = {
    _PM.PM_IndicatorWidth,
    _PM.PM_IndicatorHeight,
    _PM.PM_ExclusiveIndicatorWidth,
    _PM.PM_ExclusiveIndicatorHeight,
    _PM.PM_SliderLength,
    _PM.PM_SliderThickness,
    _PM.PM_SliderControlThickness,
    _PM.PM_ScrollBarExtent,
    _PM.PM_ScrollBarSliderMin,
}
SPIN_BUTTON = 14  # the width Qt's Fusion style gives a spin box's arrows, in pixels at scale 1


class ScaledStyle(QProxyStyle):
    """Installed once for the application, by the first window that presents; each widget's sizes follow
    the scale of the gradviz window it belongs to (a dialog: the window it was opened from), so a presenting
    window and a desk window side by side (F5 hands over) each get theirs, and no style is swapped back and
    forth (which repolishes every widget). Until then Qt's own style answers, without a call into Python
    for each of the thousands of sizes a layout asks for."""

    def pixelMetric(self, metric, option=None, widget=None) -> int:
        value = super().pixelMetric(metric, option, widget)
        return round(value * scale_of(widget)) if metric in _SCALED else value

    def subControlRect(self, control, option, sub, widget=None) -> QRect:
        rect = super().subControlRect(control, option, sub, widget)
        scale = scale_of(widget)
        if control != QStyle.ComplexControl.CC_SpinBox or scale == 1:
            return rect
        frame = option.rect
        width = round(SPIN_BUTTON * scale)
        half = frame.height() // 2
        if sub == QStyle.SubControl.SC_SpinBoxUp:
            return QRect(frame.right() - width, frame.top(), width, half)
        if sub == QStyle.SubControl.SC_SpinBoxDown:
            return QRect(frame.right() - width, frame.top() + half, width, frame.height() - half)
        if sub == QStyle.SubControl.SC_SpinBoxEditField:
            return QRect(rect.left(), rect.top(), frame.right() - width - rect.left(), rect.height())
        return rect


def scale_of(widget) -> float:
    """The presentation scale of the gradviz window `widget` is in (1 at the desk or outside one)."""
    while widget is not None:
        window = widget.window()
        theme = getattr(window, "theme", None)
        if theme is not None:
            return theme.scale
        widget = window.parentWidget()
    return 1.0


def use_scaled_style() -> None:
    """Install the scaled style once, when a window first presents (dialogs are windows of their own: the
    style is the application's)."""
    app = QApplication.instance()
    if not isinstance(app.style(), ScaledStyle):
        app.setStyle(ScaledStyle(app.style().name()))
