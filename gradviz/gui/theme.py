"""Fonts, plot styling and legends: how gradviz looks on a laptop and at a projector (colours: palette.py)."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

from . import palette
from .axis_labels import TitledAxis

__all__ = ["Theme", "present_scale", "zero_line", "legend_html", "nice_ceil", "SymmetricRange"]


def present_scale(screen_height: int | None) -> float:
    """The presentation's font scale: a line of text is a fortieth of the screen's height.

    So the presentation is the same picture on a 720p projector, a 1080p one and a laptop: what a
    lecturer rehearsed is what the hall sees, and what fits on one screen fits on all of them.
    """
    if screen_height is None:
        return 1.6
    return min(max(screen_height / PRESENT_HEIGHT, 1.3), 3.0)


PRESENT_HEIGHT = 540  # logical pixels of screen height per unit of presentation scale


class Theme:
    """Font sizes for the normal and the presentation mode (a hall's last row)."""

    def __init__(self, present: bool = False, screen_height: int | None = None):
        self.present = present
        self.scale = present_scale(screen_height) if present else 1.0

    @property
    def base_point_size(self) -> float:
        return 10.0 * self.scale

    def font(self, factor: float = 1.0, bold: bool = False) -> QFont:
        f = QFont()
        f.setPointSizeF(self.base_point_size * factor)
        f.setBold(bold)
        return f

    @property
    def point_size_px(self) -> float:
        """Scatter symbol size in pixels."""
        return 9.0 * self.scale

    @property
    def line_width(self) -> float:
        return 2.0 * self.scale

    def _style_plot(self, plot: pg.PlotItem, axes: tuple[str, ...]) -> None:
        """Axis fonts and labels large enough to read; major ticks only; no grid (pyqtgraph replays grid
        lines from a QPicture on every repaint: 3-20 ms per plot per frame offscreen)."""
        tick_font = self.font(0.9)
        # room at the edges for the tick labels that sit on them: pyqtgraph centres a label on its tick,
        # so the top and bottom ones reach half a line past the plot and the last one half a number past
        # its right end, where the widget's edge cut them ("1.0" of a loss axis, a colour bar's ends).
        # Under a bottom axis the lowest label has the corner beside the bottom ticks: a descender's room is
        # enough (the bottom ticks of an untitled axis, "W[0,0]", reach the widget's edge).
        metrics = QFontMetrics(tick_font)
        half_line = metrics.height() // 2 + 2
        bottom = metrics.descent() + 2 if "bottom" in axes else half_line
        plot.layout.setContentsMargins(2, half_line, metrics.horizontalAdvance("0.25") // 2 + 2, bottom)
        for name in ("left", "bottom", "right", "top"):
            axis = plot.getAxis(name)
            axis.setTickFont(tick_font)
            axis.setStyle(tickTextOffset=4, maxTickLevel=0)
            axis.label.setFont(self.font(1.0))
            if name not in axes:
                plot.hideAxis(name)

    def colour_bar(
        self, image: pg.ImageItem, plot: pg.PlotItem, colormap, values: tuple[float, float], label: str
    ) -> pg.ColorBarItem:
        """The colour bar beside a heatmap: its ticks and title as legible as the plot's, and as wide
        as they need (pyqtgraph's default is a fixed 45 pixels, where a title sits on the ticks)."""
        bar = pg.ColorBarItem(values=values, colorMap=colormap, interactive=False, width=int(17 * self.scale))
        bar.setImageItem(image, insert_in=plot)
        bar.axis.setTickFont(self.font(0.85))
        bar.axis.label.setFont(self.font(0.9))
        bar.axis.enableAutoSIPrefix(False)
        bar.axis.setWidth(None)  # fit the ticks and the title
        bar.axis.setLabel(label)
        return bar

    def plot_widget(
        self,
        name: str,
        *,
        fixed: bool = False,
        view_box: pg.ViewBox | None = None,
        axes: tuple[str, ...] = ("left", "bottom"),
    ) -> tuple[pg.PlotWidget, pg.PlotItem]:
        """A styled PlotWidget named for tests and saveState, showing `axes` (more can be shown later);
        `fixed`: no pan, zoom or buttons."""
        widget = pg.PlotWidget(
            viewBox=view_box or pg.ViewBox(enableMenu=False),  # never built: the menu is off (below)
            axisItems={side: TitledAxis(side) for side in ("left", "bottom", "right", "top")},
        )
        widget.setObjectName(name)
        # a plot's least size is what its axes need, not Qt's scroll-area default (two scroll bars: 97 px
        # at projector sizes, so a stack of two plots held its tab group 292 px tall at 1024 × 768)
        widget.setMinimumSize(int(40 * self.scale), int(40 * self.scale))
        plot = widget.getPlotItem()
        self._style_plot(plot, axes)
        plot.setMenuEnabled(False)
        if fixed:
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
        return widget, plot


def zero_line(plot: pg.PlotItem, angle: int = 0, color: str = palette.ZERO_LINE) -> pg.InfiniteLine:
    """A thin reference line at 0 (angle 0: horizontal, 90: vertical)."""
    line = pg.InfiniteLine(pos=0, angle=angle, pen=pg.mkPen(color, width=1))
    plot.addItem(line)
    return line


_GLYPHS = {"line": "━━", "dash": "╍╍", "dot": "●", "ring": "○", "box": "■", "star": "★", "square": "□"}


def legend_html(entries: list[tuple[str, str, str]], wrap: bool = False) -> str:
    """A legend as rich text (colour, glyph kind, label): it sits beside a plot, never on top
    of what the plot shows. Each entry holds together (non-breaking spaces) when the line wraps, unless
    `wrap` (one entry wider than its legend breaks between words); a label is plain text ("λ < 0" shows
    as written)."""
    space = " " if wrap else "&nbsp;"
    parts = [
        f"<span style='color:{color}; font-weight:bold'>{_GLYPHS[kind]}</span>&nbsp;"
        + html.escape(label, quote=False).replace(" ", space)
        for color, kind, label in entries
    ]
    return "&nbsp;&nbsp; ".join(parts)


def nice_ceil(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that is ≥ x: axis limits that change rarely."""
    if not np.isfinite(x) or x <= 0:
        return 1.0
    exp = np.floor(np.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * 10**exp >= x * (1 - 1e-12):
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


class SymmetricRange:
    """A ±half range that follows |values| in coarse jumps.

    Auto-ranging moves an axis (and re-lays out its tick labels, ~1–5 ms) on every step;
    this moves it only when the data leave the range or shrink to under a third of it.
    """

    def __init__(self):
        self.half: float | None = None

    def update(self, max_abs: float) -> float | None:
        """The new half-width if the range should change, else None."""
        if not np.isfinite(max_abs):
            return None
        if self.half is None or max_abs > self.half or max_abs < self.half / 3:
            half = nice_ceil(max(max_abs, 1e-12) * 1.1)
            if half != self.half:
                self.half = half
                return half
        return None

    def reset(self) -> None:
        self.half = None
