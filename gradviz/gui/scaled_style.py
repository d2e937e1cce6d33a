"""The controls' handles grow with the presentation's fonts.

Qt's styles size check boxes, slider handles and spin-box arrows in fixed pixels: at 4K with fonts
three times the desk's, a 14-pixel box beside 40-pixel text can neither be read nor hit. This proxy
style multiplies those sizes by the theme's scale; at the desk (scale 1) it changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle

__all__ = ["ScaledStyle", "use_scaled_style"]

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
    def __init__(self, base: str, scale: float):
        super().__init__(base)
        self.scale = scale

    def pixelMetric(self, metric, option=None, widget=None) -> int:
        value = super().pixelMetric(metric, option, widget)
        return round(value * self.scale) if metric in _SCALED else value

    def subControlRect(self, control, option, sub, widget=None) -> QRect:
        rect = super().subControlRect(control, option, sub, widget)
        if control != QStyle.ComplexControl.CC_SpinBox or self.scale == 1:
            return rect
        frame = option.rect
        width = round(SPIN_BUTTON * self.scale)
        half = frame.height() // 2
        if sub == QStyle.SubControl.SC_SpinBoxUp:
            return QRect(frame.right() - width, frame.top(), width, half)
        if sub == QStyle.SubControl.SC_SpinBoxDown:
            return QRect(frame.right() - width, frame.top() + half, width, frame.height() - half)
        if sub == QStyle.SubControl.SC_SpinBoxEditField:
            return QRect(rect.left(), rect.top(), frame.right() - width - rect.left(), rect.height())
        return rect


def use_scaled_style(scale: float) -> None:
    """The application's style with handles `scale` times Qt's (dialogs are windows of their own: the
    style is the application's, as its font is)."""
    app = QApplication.instance()
    current = app.style()
    if isinstance(current, ScaledStyle):
        if current.scale == scale:
            return
        base = current.baseStyle().name()
    else:
        base = current.name()
    app.setStyle(ScaledStyle(base, scale))
