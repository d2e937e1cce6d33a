"""Axis titles that fit their axis: the full title when there is room, its symbol when there is not.

"β (random direction 2)" on a plot 120 pixels tall would be cut to "(random directio"; cut to
"β" it still says which axis it is, and the full title returns when the plot grows.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF

__all__ = ["set_axis_label", "short_title"]

_ATTR = "_fitted_axis_titles"


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
