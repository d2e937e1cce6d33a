"""Axes whose words fit: tick labels that never run into each other, titles beside the tick labels,
never on them, and the full title when there is room, its symbol when there is not.

"β (random direction 2)" on a plot 120 pixels tall would be cut to "(random directio"; cut to
"β" it still says which axis it is, and the full title returns when the plot grows.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF

__all__ = ["TitledAxis", "set_axis_label", "short_title"]

_ATTR = "_fitted_axis_titles"
_NUDGE = 5  # pixels pyqtgraph moves the title towards the ticks


class TitledAxis(pg.AxisItem):
    """An axis whose words fit at a projector's font sizes.

    Its title: pyqtgraph reserves 0.8 of the title's box and moves the title 5 px towards the ticks,
    right for a 10-point font, but at a projector's 30 points the title sits on the tick labels ("x₁"
    over the "0" below it). The whole box is reserved here, so the title's text starts one document
    margin past the tick labels at every size.

    Its ticks: pyqtgraph spaces them by the axis's length alone (at least 2.25 intervals), so a short
    axis at large fonts gets labels closer than a line ("-2" on "-1" of a residual plot 84 px tall).
    Here the spacing widens to the next of 1, 2, 5 × 10ⁿ until each label has its line (across: its
    width) and a gap; a log axis keeps 1, 2, 5 × 10ⁿ or 10ⁿ within a decade; and a bottom axis's labels
    keep their descenders (pyqtgraph clips them to the axis's box).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # no SI prefix ("loss (×0.001)" confuses more than it helps); off before the plot links its range,
        # which otherwise rewrote the title's HTML at every range change of the plot being built
        self.autoSIPrefix = False

    def boundingRect(self):
        # pyqtgraph clips the tick labels to this box; under a bottom axis a label's descenders ("W[0,0]"'s
        # brackets and comma) were cut at a projector's sizes: let them reach into the margin below
        rect = super().boundingRect()
        if self.orientation == "bottom":
            rect.adjust(0, 0, 0, QFontMetricsF(self.style["tickFont"] or self.font()).descent())
        return rect

    whole_numbers = False  # an axis of indices or counts (the i-th eigenvalue): no tick between two of them

    def tickSpacing(self, minVal: float, maxVal: float, size: float):
        levels = self._readable_spacing(minVal, maxVal, size)
        if self.whole_numbers:  # the 1, 2, 5 × 10ⁿ ladder from 1 up: whole numbers only
            levels = [level for level in levels if level[0] >= 1] or [(1.0, 0.0)]
        return levels

    def _readable_spacing(self, minVal: float, maxVal: float, size: float):
        levels = super().tickSpacing(minVal, maxVal, size)
        span = abs(maxVal - minVal)
        if not levels or size <= 0 or span == 0 or self._tickSpacing is not None:
            return levels
        spacing, offset = levels[0]
        for _ in range(12):  # a decade every three widenings: twelve are plenty
            if spacing / span * size >= self._room_per_label(minVal, maxVal, spacing):
                break
            spacing = wider_spacing(spacing)
        return [(spacing, offset)] + [level for level in levels[1:] if level[0] < spacing]

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        """Within a decade pyqtgraph labels 1 to 9 × 10ⁿ whatever the axis's length: keep 1, 2, 5 × 10ⁿ, then
        1 × 10ⁿ alone, while they would be closer than a label needs."""
        levels = super().logTickValues(minVal, maxVal, size, stdTicks)
        span = abs(maxVal - minVal)
        if not levels or levels[-1][0] is not None or span == 0 or size <= 0:
            return levels
        above = [v for _, values in levels[:-1] for v in values]  # the decades' ticks, labelled already
        values = sorted({*levels[-1][1], *above})
        room = self._room_per_label(minVal, maxVal, 1.0)
        for mantissas in (None, (1, 2, 5), (1,)):
            kept = values if mantissas is None else [v for v in values if _mantissa(v) in mantissas]
            gaps = np.diff(kept) * size / span
            if not len(gaps) or gaps.min() >= room:
                break
        minor = [v for v in kept if not np.isclose(above, v, rtol=0, atol=1e-9).any()]
        return levels[:-1] + ([(None, minor)] if minor else [])

    def _room_per_label(self, low: float, high: float, spacing: float) -> float:
        """Pixels a tick label needs along the axis, with a gap: a line up the side, its width across."""
        metrics = QFontMetricsF(self.style["tickFont"] or self.font())
        if self.orientation in ("left", "right"):
            return metrics.height() * 1.15
        first = spacing * math.ceil(min(low, high) / spacing)
        values = [first + k * spacing for k in range(min(int(abs(high - low) / spacing) + 1, 50))]
        widest = max((metrics.horizontalAdvance(t) for t in self.tickStrings(values, self.scale, spacing)), default=0)
        return widest + metrics.horizontalAdvance("00")

    def _shortfall(self) -> float:
        if not self.label.isVisible() or not self.isVisible():
            return 0.0
        return 0.2 * self.label.boundingRect().height() - _NUDGE

    def _updateHeight(self):
        super()._updateHeight()
        if self.fixedHeight is None and self.orientation in ("top", "bottom"):
            self._grow(self.maximumHeight, self.setMaximumHeight, self.setMinimumHeight)

    def _updateWidth(self):
        super()._updateWidth()
        if self.fixedWidth is None and self.orientation in ("left", "right"):
            self._grow(self.maximumWidth, self.setMaximumWidth, self.setMinimumWidth)

    def _grow(self, size, set_max, set_min) -> None:
        """The axis's depth (height or width, as pyqtgraph just set it) grown by the title's shortfall."""
        depth = size() + self._shortfall()
        set_max(depth)
        set_min(depth)


def wider_spacing(spacing: float) -> float:
    """The next tick spacing up the 1, 2, 5 × 10ⁿ ladder."""
    decade = 10.0 ** math.floor(math.log10(spacing))  # a float: an int power overflows numpy at 1e51
    mantissa = spacing / decade
    return decade * (2 if mantissa < 1.5 else 5 if mantissa < 3.5 else 10)


def _mantissa(log_value: float) -> int:
    """The leading digit of 10^log_value (a log axis's tick: 0.301 is 2)."""
    return round(10 ** (log_value - math.floor(log_value + 1e-9)))


def short_title(text: str) -> str:
    """The symbol a title starts with: the part before its first parenthesis."""
    head = text.split(" (", 1)[0].strip()
    return head or text


def set_axis_label(plot: pg.PlotItem, side: str, text: str, **style) -> None:
    """Title the axis on `side` with `text`, shortened (short_title) while it would not fit."""
    titles = getattr(plot, _ATTR, None)
    if titles is None:
        titles = {}
        setattr(plot, _ATTR, titles)
        plot.getViewBox().sigResized.connect(lambda *_: _fit_all(plot))
    titles[side] = (text, style, titles.get(side, (None, None, None))[2])
    _fit(plot, side)


def _fit_all(plot: pg.PlotItem) -> None:
    for side in getattr(plot, _ATTR):
        _fit(plot, side)


def _fit(plot: pg.PlotItem, side: str) -> None:
    titles = getattr(plot, _ATTR)
    text, style, shown = titles[side]
    axis = plot.getAxis(side)
    length = axis.height() if side in ("left", "right") else axis.width()
    width = QFontMetricsF(axis.label.font()).horizontalAdvance(text)
    chosen = text if length <= 0 or width + 12 <= length else short_title(text)
    if chosen != shown:
        titles[side] = (text, style, chosen)
        plot.setLabel(side, chosen, **style)
        axis.resizeEvent(None)  # pyqtgraph centres the title only on a resize: centre the new one now
