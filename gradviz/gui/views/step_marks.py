"""The optimizer's step in its parts, drawn at the current point of the loss surface.

Beside −η∇L (the step plain gradient descent would take): momentum's velocity carried over and
this step's gradient, tip to tail; Nesterov's look-ahead; AdaGrad's and RMSProp's scaled step;
Adam's averaged gradient −ηm̂ and its step −ηm̂/(√v̂ + ε). They are displacements, so they are
drawn to one common scale, magnified together until the longest is a readable arrow (the factor
is in the legend): their lengths and angles can be compared, and the chain ends where the step
Δθ (magnified alike) does. `words` writes the same numbers per coordinate.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gradviz.core import StepParts
from gradviz.core.params import norm

from .. import palette
from ..numbers import num
from ..theme import Theme
from .descent_marks import inside

__all__ = ["StepMarks", "words", "MAGNIFIED_PX"]

MAGNIFIED_PX = 110  # the longest part's length on screen (× the theme's scale)
_COLOURS = {
    "plain": palette.GRADIENT,
    "gradient": palette.GRADIENT,
    "carried": palette.STEP_CARRIED,
    "lookahead": palette.STEP_CARRIED,
    "averaged": palette.STEP_CARRIED,
    "scaled": palette.UPDATE,
    "normalised": palette.UPDATE,
    "decay": palette.PATH_LEGEND,
}
_DASHED = ("plain", "averaged")  # references beside the step, not parts of it


class StepMarks:
    """Arrows for a StepParts at a point of the plot, drawn in slice coordinates."""

    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.theme = theme
        self.arrows: list[tuple[pg.PlotDataItem, pg.ArrowItem]] = []
        self.factor = 1.0  # the common magnification of the last drawing
        self.drawn: list[tuple[str, str]] = []  # (key, legend words) of the arrows on screen

    def _arrow(self, k: int, key: str):
        while len(self.arrows) <= k:
            line = pg.PlotDataItem()
            head = pg.ArrowItem(headLen=11 * self.theme.scale, tipAngle=35, pen=None)
            for z, item in ((5.5, line), (5.6, head)):
                item.setZValue(z)
                self.plot.addItem(item)
            self.arrows.append((line, head))
        line, head = self.arrows[k]
        colour = _COLOURS[key]
        style = Qt.PenStyle.DashLine if key in _DASHED else Qt.PenStyle.SolidLine
        line.setPen(pg.mkPen(colour, width=self.theme.line_width * 1.4, style=style))
        head.setBrush(pg.mkBrush(colour))
        return line, head

    def hide(self) -> None:
        for line, head in self.arrows:
            line.setVisible(False)
            head.setVisible(False)
        self.drawn = []

    def draw(self, here: np.ndarray, parts: StepParts, project) -> None:
        """Arrows from `here` (slice coordinates); `project(flat vector)` gives a displacement's slice
        components."""
        segments = []  # (key, label, start, vector) in slice coordinates, unmagnified
        if parts.optimizer != "sgd":
            segments.append(("plain", "−η∇: gradient descent's step", np.zeros(2), project(parts.plain)))
        if parts.averaged is not None:
            segments.append(
                ("averaged", "−ηm: the averaged gradient", np.zeros(2), project(-parts.lr * parts.averaged))
            )
        at = np.zeros(2)
        for part in parts.chain:
            v = project(part.vector)
            segments.append((part.key, part.label, at.copy(), v))
            at = at + v
        vb = self.plot.getViewBox()
        px = np.maximum(np.array(vb.viewPixelSize()), 1e-300)
        # the scale is the step's own: gradient descent's step and Adam's m (gradient-sized) can be far longer
        own = [(s, v) for key, _, s, v in segments if key not in _DASHED]
        reach = max([norm((s + v) / px) for s, v in own] + [norm(v / px) for _, v in own] + [0.0])
        finite = np.isfinite(reach) and reach > 0
        self.factor = _round_down(MAGNIFIED_PX * self.theme.scale / reach) if finite else 1.0
        self.hide()
        if not finite:
            return
        (x0, x1), (y0, y1) = vb.viewRange()
        span = np.array([x1 - x0, y1 - y0])
        lo, hi = np.array([x0, y0]) + 0.02 * span, np.array([x1, y1]) - 0.02 * span
        for k, (key, label, start, v) in enumerate(segments):
            line, head = self._arrow(k, key)
            a = here + self.factor * start
            b = inside(a, a + self.factor * v, lo, hi) if np.all(np.isfinite(v)) else a  # cut at the plot's edge
            line.setData([a[0], b[0]], [a[1], b[1]])
            line.setVisible(True)
            d = (b - a) / px
            if norm(d) >= 3:
                head.setStyle(angle=180 + np.degrees(np.arctan2(-d[1], d[0])))
                head.setPos(b[0], b[1])
                head.setVisible(True)
            self.drawn.append((key, label))

    def legend_entries(self, symbol: str) -> list[tuple[str, str, str]]:
        """(colour, style, words) for the legend; −η∇ names the objective (∇L, ∇f)."""
        magnified = f" (×{num(self.factor, 3)})" if self.factor > 1 else ""
        out = []
        for i, (key, label) in enumerate(self.drawn):
            words = label.replace("−η∇:", f"−η∇{symbol}:")
            out.append((_COLOURS[key], "dash" if key in _DASHED else "line", words + (magnified if i == 0 else "")))
        if magnified and len(out) > 1:
            out[0] = (out[0][0], out[0][1], out[0][2].replace(magnified, f" (these arrows ×{num(self.factor, 3)})"))
        return out


def _round_down(factor: float) -> float:
    """1, 2 or 5 × 10ᵏ at most `factor` (at least 1): a magnification the legend states, which
    changes rarely as the run goes on (a legend set every frame would re-lay out its plot)."""
    if not factor > 1:
        return 1.0
    decade = 10.0 ** np.floor(np.log10(factor))
    return float(max(m * decade for m in (1, 2, 5) if m * decade <= factor))


def words(parts: StepParts, coordinates, names: tuple[str, str] | None, symbol: str) -> str:
    """One line on what the optimizer makes of the gradient. `coordinates(flat)` gives a vector's two
    values along the plot's axes, `names` those axes' names where they are parameters themselves
    (else only lengths are compared)."""

    def pair(v) -> str:
        a, b = coordinates(v)
        return f"({num(a, 3)}, {num(b, 3)})"

    def sizes(v) -> str:
        a, b = np.abs(coordinates(v))
        return f"|{names[0]}| {num(a, 3)}, |{names[1]}| {num(b, 3)}" if names else ""

    g = f"∇{symbol}"
    if parts.optimizer in ("adam", "adamw") and names:
        return (
            f"Adam: m/(√v + ε) = {pair(parts.normalised)} ≈ ±1 per coordinate, so Δθ = {pair(parts.step)} moves "
            f"about η = {num(parts.lr, 3)} along both axes; gradient descent's −η{g} = {pair(parts.plain)}"
        )
    if parts.optimizer in ("adagrad", "rmsprop") and names and parts.scale is not None:
        return (
            f"{'AdaGrad' if parts.optimizer == 'adagrad' else 'RMSProp'}: each coordinate's step size "
            f"{pair(parts.scale)} (η over its own gradient scale), so Δθ = {pair(parts.step)} against "
            f"−η{g} = {pair(parts.plain)}"
        )
    if parts.optimizer in ("momentum", "nesterov") and len(parts.chain) == 2:
        first, second = parts.chain
        name = first.label.split(": ")
        other = second.label.split(": ")
        return (
            f"{parts.optimizer.capitalize()}: Δθ = {name[0]} + ({other[0]}): {name[1]} (‖·‖ = "
            f"{num(norm(first.vector), 3)}) plus {other[1]} ({num(norm(second.vector), 3)}) make a step "
            f"{num(norm(parts.step), 3)} long" + (f", Δθ = {pair(parts.step)}" if names else "")
        )
    if names:
        return f"Gradient descent: Δθ = −η{g} = {pair(parts.step)}: long where {g} is large ({sizes(parts.gradient)})"
    return f"Δθ = {num(norm(parts.step), 3)} long; −η{g} = {num(norm(parts.plain), 3)} long"
