"""The output activation's Jacobian ∂ŷᵢ/∂zⱼ of the focused sample, and what it does to ∂ℓ/∂ŷ.

For a softmax the Jacobian is diag(ŷ) − ŷŷᵀ; multiplying the cross-entropy's ∂ℓ/∂ŷ = −y/ŷ
by it gives exactly ŷ − y. The heatmap uses a diverging map centred on 0 with a colour bar
and the numbers in the cells (k ≤ 6); beside it, ŷ, y and (∂ℓ/∂ŷ)ᵀJ as bars. Every number
comes from core.backprop_trace of the focused sample (the selection, or the worst fit).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from gradviz.core import rules
from gradviz.state import Change

from .. import palette
from ..axis_labels import set_axis_label
from ..legend import Legend
from ..numbers import finite, num, vec
from ..qt_session import QtSession
from ..readout import Readout
from ..theme import Theme, zero_line
from .base import View
from .plot_row import PlotRow

__all__ = ["JacobianView", "MAX_NUMBERED"]

MAX_NUMBERED = 6
_LEVEL = 0.25  # |∂ŷᵢ/∂zⱼ| ≤ 1/4 for any softmax or sigmoid


class JacobianView(View):
    depends = frozenset({"data", "model", "step", "selection", "runs"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("jacobianView")
        self.jacobian: np.ndarray | None = None  # what the heatmap shows
        self._k = None
        self.sample: int | None = None

        self.matrix_widget, self.matrix = theme.plot_widget("jacobianPlot", fixed=True)
        self.matrix.getViewBox().invertY(True)  # row 1 on top, as a matrix is written
        self.image = pg.ImageItem()
        self.matrix.addItem(self.image)
        self.colormap = pg.colormap.get(palette.DIVERGING_MAP)
        self.colorbar = theme.colour_bar(self.image, self.matrix, self.colormap, (-_LEVEL, _LEVEL), "∂ŷᵢ/∂zⱼ")
        self.colorbar.axis.setTicks(
            [[(v, f"{v:+.2f}".replace("+0.00", "0")) for v in (-0.25, -0.125, 0.0, 0.125, 0.25)]]
        )
        self.cell_text: list[pg.TextItem] = []  # made when a k × k matrix first needs them
        self._cell_font = theme.font(0.9 if theme.scale == 1 else 0.8)
        self.matrix.getViewBox().sigResized.connect(lambda *_: self._number_cells())

        self.bars_widget, self.bars = theme.plot_widget("jacobianBars", fixed=True)
        self.bars.setLabel("bottom", "class j")
        zero_line(self.bars)
        self.p_bars = pg.BarGraphItem(x=[], height=[], width=0.25, brush=palette.PREDICTION, pen=None)
        self.y_bars = pg.BarGraphItem(
            x=[], height=[], width=0.25, brush=None, pen=pg.mkPen(palette.PREDICTION, width=1.5)
        )
        self.g_bars = pg.BarGraphItem(x=[], height=[], width=0.25, brush=palette.LOGIT_GRAD, pen=None)
        for item in (self.p_bars, self.y_bars, self.g_bars):
            self.bars.addItem(item)
        # the bars' legend beside the plots: a title inside the plot would widen it past its dock
        self.legend = Legend("jacobianLegend", theme, 0.85)
        self.legend.set_entries(
            [
                (palette.PREDICTION, "box", "ŷ"),
                (palette.PREDICTION, "square", "y"),
                (palette.LOGIT_GRAD, "box", "(∂ℓ/∂ŷ)ᵀJ = ∂ℓ/∂z"),
            ]
        )

        self.text = Readout(theme.font(0.9), lines=3, rich=True)
        self.text.setObjectName("jacobianText")

        bars = QVBoxLayout()  # the legend over the bars it explains, not over the matrix too
        bars.addWidget(self.legend)
        bars.addWidget(self.bars_widget, 1)
        plots = QHBoxLayout()
        plots.addWidget(self.matrix_widget, 3)  # until the axes are measured: the matrix carries its colour bar
        plots.addLayout(bars, 2)
        # side by side always (stacked, the matrix was a strip), the two plotting areas alike
        self.plots = PlotRow(self, plots, (1, 1), theme, stacks=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.text)
        layout.addLayout(plots, 1)
        self.start()

    def redraw(self, change: Change) -> None:
        s = self.session
        output = s.model.output
        i, chosen = s.frame.focus
        trace = s.frame.focus_trace
        self.sample = i
        y = s.dataset.Y[i]
        p = trace["yhat"]
        z = trace["z2"] if s.model.kind == "mlp" else trace["z"]
        dz = trace["dz2"] if s.model.kind == "mlp" else trace["dz"]
        which = f"sample {i}" if chosen else f"sample {i}, the worst fit (click a point to choose)"
        if s.frame.focus_is_held_out:
            which += " (held out)"
        if s.diverged:
            which += f" — training diverged; this is the last finite step, {s.current_step}"
        if output == "identity":
            self._show_matrix(None)
            self.bars_widget.setVisible(False)
            self.text.setText(
                f"<b>{which}</b>: the output is the identity, ŷ = z, so ∂ŷ/∂z = I and dℓ/dz = dℓ/dŷ = ŷ − y = "
                f"{vec(p - y)}. There is no Jacobian to show: choose a sigmoid or softmax output."
            )
            return
        self._show_matrix(trace["jacobian"])
        self.bars_widget.setVisible(True)
        self._show_bars(p, y, dz)
        self.text.setText(self._explain(which, z, p, y, trace["dyhat"], dz, output))

    def _explain(self, which, z, p, y, g, product, output) -> str:
        """Three lines: the sample's ŷ and y; ∂ℓ/∂ŷ and J; their product dℓ/dz and whether it is ŷ − y.
        (z is in the derivation view; ŷ − y can be read off the first line.)"""
        loss = self.session.loss_fn.name
        act, jac = rules.OUTPUT_FORMULAS[output].value, rules.OUTPUT_FORMULAS[output].rhs
        head = f"<b>{which}</b>: {act} = {vec(p, 3)}, y = {vec(y, 3)}<br>"
        if not finite(g):
            # ŷ is exactly 0 or 1 to machine precision where y needs the other side: log has no finite slope
            return head + (
                f"∂ℓ/∂ŷ = {rules.LOSS_FORMULAS[loss].rhs} is undefined: ŷ is 0 or 1 to machine precision, "
                f"where the log has no finite slope; J = ∂ŷ/∂z = {jac}<br>"
                f"<b>dℓ/dz</b> is still defined, as the limit of (∂ℓ/∂ŷ)ᵀJ: <b>{vec(product, 3)}</b> = ŷ − y"
            )
        if rules.is_canonical(loss, output):
            verdict = "= ŷ − y ✓ (canonical pair)"
        else:
            verdict = f"≠ ŷ − y = {vec(p - y, 3)} (non-canonical: J stays in)"
        return head + (
            f"∂ℓ/∂ŷ = {rules.LOSS_FORMULAS[loss].rhs} = {vec(g, 3)}; &nbsp; J = ∂ŷ/∂z = {jac}<br>"
            f"<b>dℓ/dz = (∂ℓ/∂ŷ)ᵀJ = {vec(product, 3)}</b> {verdict}"
        )

    def _show_matrix(self, J: np.ndarray | None) -> None:
        self.jacobian = J
        visible = J is not None
        self.matrix_widget.setVisible(visible)
        if not visible:
            return
        k = J.shape[0]
        self.image.setImage(J, levels=(-_LEVEL, _LEVEL))
        if k != self._k:  # axes and ticks re-lay out the plot: only when the size changes
            self._k = k
            self.image.setRect(0.5, 0.5, k, k)
            self.matrix.getViewBox().setRange(xRange=(0.5, k + 0.5), yRange=(0.5, k + 0.5), padding=0.02)
            ticks = [(j + 1, f"{j + 1}") for j in range(k)]
            self.matrix.getAxis("bottom").setTicks([ticks])
            self.matrix.getAxis("left").setTicks([ticks])
            set_axis_label(self.matrix, "bottom", "j (logit zⱼ)")
            set_axis_label(self.matrix, "left", "i (output ŷᵢ)")
            self.bars.getAxis("bottom").setTicks([ticks])
            self.bars.getViewBox().setRange(xRange=(0.4, k + 0.6), yRange=(-1.05, 1.05), padding=0)
        self._number_cells()

    def _number_cells(self) -> None:
        """Each cell's value written in it, with as many digits as fit the cell's pixels (3, else 2), or
        none where even 2 do not fit: the colours and the colour bar still say it, no number sits on its
        neighbour."""
        J = self.jacobian
        texts: list[str] = []
        if J is not None and len(J) <= MAX_NUMBERED:
            k = len(J)
            box = self.matrix.getViewBox()
            cell_w, cell_h = box.width() / (k + 0.04 * k), box.height() / (k + 0.04 * k)  # the range's padding
            metrics = QFontMetricsF(self._cell_font)
            for digits in (3, 2):
                texts = [num(v, digits) for v in J.ravel()]
                widest = max(metrics.horizontalAdvance(t) for t in texts)
                if widest + 8 * self.theme.scale <= cell_w and metrics.height() + 4 <= cell_h:
                    break
            else:
                texts = []
        while len(self.cell_text) < len(texts):
            t = pg.TextItem(anchor=(0.5, 0.5), color=palette.INK)
            t.setFont(self._cell_font)
            self.matrix.addItem(t)
            self.cell_text.append(t)
        for n, t in enumerate(self.cell_text):
            if n < len(texts):
                r, c = divmod(n, len(J))
                t.setText(texts[n])
                t.setPos(c + 1, r + 1)
                t.setVisible(True)
            else:
                t.setVisible(False)

    def _show_bars(self, p: np.ndarray, y: np.ndarray, product: np.ndarray) -> None:
        k = len(p)
        x = np.arange(1, k + 1, dtype=float)
        self.p_bars.setOpts(x=x - 0.27, height=p, width=0.25)
        self.y_bars.setOpts(x=x, height=y, width=0.25)
        self.g_bars.setOpts(x=x + 0.27, height=product, width=0.25)
