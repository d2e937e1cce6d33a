"""The network as a graph: inputs → hidden units → outputs (one layer for linear, logistic and
softmax regression), as the chain rule walks it.

Every edge is coloured by its weight w, or by ∂L/∂w of the next step's batch (the edge combo),
on a diverging map centred on 0 with a colour bar, and is as wide as |w| (relative to the
largest); every node is filled by what the focused sample (the selection, or the worst fit)
makes of it: its input x, its hidden activation a = g(z¹), its output ŷ, each layer on one
scale (the largest |value| over the whole data set, so a colour means the same for every
sample). With up to MAX_NUMBERED hidden units the values sit beside the nodes; with more,
hovering a node tells them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from gradviz.state import Change, walk_length

from .. import palette
from ..flow_layout import flow_row
from ..numbers import num, subscript, vec
from ..qt_session import QtSession
from ..readout import Readout
from ..theme import SymmetricRange, Theme
from .base import View
from .plot_items import EdgeLines, ImageTiles, PointLabels

__all__ = ["EDGE_MODES", "MAX_NUMBERED", "NetworkView", "WalkStage", "network_layout", "walk_stage"]

MAX_NUMBERED = 8  # hidden units up to which every node's numbers are written beside it
MAX_MAPPED = 16  # hidden units up to which each one's map over the input plane sits beside it
MAP_GRID = 20  # a map's pixels per side
EDGE_MODES = {"weights": "edges: w", "gradient": "edges: ∂L/∂w"}


@dataclass(frozen=True)
class WalkStage:
    """One stop of the backward walk: what it lights up, and what it says (rich text, with numbers)."""

    title: str
    formula: str
    nodes: int | None = None  # the layer whose nodes are lit, their values `node_values`
    node_values: np.ndarray | None = None
    node_name: str = ""  # how a lit node's value is written ("δ²", "δ¹", "δ")
    edges: int | None = None  # the weight matrix whose edges are lit (0: W¹ or W, 1: W²)
    edge_values: np.ndarray | None = None  # their values (None: the weights themselves)


def walk_stage(
    stage: int, trace: dict, x: np.ndarray, y: np.ndarray, mlp: bool, canonical: bool, output: str
) -> WalkStage:
    """Stop `stage` (1 …) of the backward walk for one sample: δ at the outputs, then (MLP) δ¹ at the
    hidden units through W², then each weight's own gradient, the layer's input times the δ it feeds."""
    n = walk_length(mlp)
    head = f"Backprop {stage} of {n}: "
    d_out = trace["dz2"] if mlp else trace["dz"]
    top = "²" if mlp else ""
    if stage == 1:
        r = trace["yhat"] - y
        if canonical:
            formula = f"δ{top} = ∂ℓ/∂z{top} = ŷ − y = {vec(trace['yhat'], 3)} − {vec(y, 3)} = <b>{vec(d_out, 3)}</b>"
        elif output == "sigmoid":
            p = trace["yhat"]
            formula = (
                f"δ{top} = (ŷ − y) ⊙ ŷ(1 − ŷ) = {vec(r, 3)} ⊙ {vec(p * (1 - p), 3)} = <b>{vec(d_out, 3)}</b>, "
                f"<i>not</i> ŷ − y: MSE with a sigmoid keeps its slope, which vanishes where ŷ is sure"
            )
        else:
            formula = (
                f"δ{top} = J (ŷ − y) with J = diag(ŷ) − ŷŷᵀ = <b>{vec(d_out, 3)}</b>, <i>not</i> ŷ − y = "
                f"{vec(r, 3)}: MSE with a softmax keeps the softmax's Jacobian"
            )
        return WalkStage(
            head + f"δ{top} at the outputs", formula, nodes=2 if mlp else 1, node_values=d_out, node_name=f"δ{top}"
        )
    if mlp and stage == 2:
        formula = (
            f"δ¹ = (δ² W²ᵀ) ⊙ g′(z¹): each hidden unit sums the output deltas along its edges, times its own "
            f"slope = <b>{vec(trace['dz1'], 3)}</b>"
        )
        return WalkStage(
            head + "δ¹ at the hidden units, through W²",
            formula,
            nodes=1,
            node_values=trace["dz1"],
            node_name="δ¹",
            edges=1,
        )
    if mlp and stage == 3:
        g = trace["W2"]
        j, k = np.unravel_index(int(np.argmax(np.abs(g))), g.shape)
        formula = (
            f"∂ℓ/∂W² = aᵀ δ²: edge j → k carries a<sub>j</sub> δ²<sub>k</sub>; the largest, "
            f"a{subscript(j + 1)} δ²{subscript(k + 1)} = {num(trace['a1'][j], 3)} × {num(trace['dz2'][k], 3)} = <b>{num(g[j, k], 3)}</b>"
        )
        return WalkStage(head + "each W² weight's gradient", formula, edges=1, edge_values=g)
    g = trace["W1"] if mlp else trace["W"]
    j, k = np.unravel_index(int(np.argmax(np.abs(g))), g.shape)
    d = trace["dz1"] if mlp else trace["dz"]
    name, dname = ("W¹", "δ¹") if mlp else ("W", "δ")
    formula = (
        f"∂ℓ/∂{name} = xᵀ {dname}: edge i → j carries x<sub>i</sub> {dname}<sub>j</sub>; the largest, "
        f"x{subscript(j + 1)} {dname}{subscript(k + 1)} = {num(x[j], 3)} × {num(d[k], 3)} = <b>{num(g[j, k], 3)}</b>"
    )
    return WalkStage(head + f"each {name} weight's gradient", formula, edges=0, edge_values=g)


def network_layout(sizes: tuple[int, ...]) -> list[np.ndarray]:
    """(n, 2) node positions of each layer: layers at x = 0, 1, 2, …, nodes spread over y ∈ [0, 1]
    top to bottom in index order (a lone node in the middle)."""
    out = []
    for x, n in enumerate(sizes):
        y = np.full(n, 0.5) if n == 1 else np.linspace(1.0, 0.0, n)
        out.append(np.column_stack([np.full(n, float(x)), y]))
    return out


class NetworkView(View):
    depends = frozenset({"data", "model", "step", "selection", "runs", "settings", "view"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("networkView")
        self.plot_widget, self.plot = theme.plot_widget("networkPlot", fixed=True, axes=())
        self.colormap = pg.colormap.get(palette.DIVERGING_MAP)
        self.edges = EdgeLines()
        self.plot.addItem(self.edges)
        self.nodes = pg.ScatterPlotItem(pxMode=True, hoverable=True, tip=self._tip)
        self.nodes.setZValue(5)
        self.plot.addItem(self.nodes)
        # the colour bar: the map as an image in its own narrow plot, its axis in the edges' units
        self.bar_widget, self.bar = theme.plot_widget("networkColorBar", fixed=True, axes=("right",))
        self._lut = np.asarray(self.colormap.getLookupTable(nPts=256, alpha=True), dtype=np.uint8)  # (256, 4)
        self.bar_image = pg.ImageItem(self._lut[:, None, :3])
        self.bar.addItem(self.bar_image)
        self.bar_widget.setFixedWidth(int(70 * theme.scale))
        self.bar_top: float | None = None
        self._bar_range = SymmetricRange()
        self.captions = PointLabels(theme.font(0.8), color=palette.QUIET_TEXT)  # the layers' names, under their columns
        self.plot.addItem(self.captions)
        # the numbers beside the nodes (h ≤ MAX_NUMBERED): the outputs' first, then the inputs', then the hidden
        # units', each layer drawn whole where it fits beside the others and the layers' names
        self.labels = PointLabels(theme.font(0.8), backdrop=True, avoid=self.captions)
        self.labels.setZValue(6)
        self.plot.addItem(self.labels)
        self.maps = ImageTiles(self.session.show_unit)  # each hidden unit's map (two inputs, h ≤ MAX_MAPPED)
        self.maps.setZValue(4)
        self.maps.setToolTip("Each unit's activation a over the input plane; click one: the data view's background")
        self.plot.addItem(self.maps)
        self.unit_maps: np.ndarray | None = None  # (h, g, g) the activations they show (tests read them)
        self.edge_values = np.zeros(0)  # what the edges show, in edge order (tests read it)
        self.node_values: list[np.ndarray] = []  # each layer's values for the focused sample
        self._trace: dict = {}
        self._brushes = [pg.mkBrush(*c) for c in self._lut]
        self._map_frame, self._chosen_frame = pg.mkPen(palette.FRAME, width=1), pg.mkPen(palette.CURRENT, width=3)
        self._levels = np.zeros(0, dtype=int)
        self._names: list[str] = []
        self._mlp = False
        self._sizes = [1]  # nodes per column
        self._numbered = False
        self._largest_node = 22 * theme.scale  # pixels across
        self._unit_y = 100.0  # pixels from y = 0 to y = 1 (set by _frame)
        self.plot.getViewBox().sigResized.connect(self._on_resized)

        self.edge_combo = QComboBox()
        self.edge_combo.setObjectName("networkEdgeCombo")
        for key, text in EDGE_MODES.items():
            self.edge_combo.addItem(text, key)
        self.edge_combo.setToolTip(
            "Colour and width of the edges: the weights w, or the gradient ∂L/∂w the next step uses"
        )
        self.edge_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.edge_combo.currentIndexChanged.connect(
            lambda _: self.session.set_view(network_edges=self.edge_combo.currentData())
        )
        self.readout = Readout(theme.font(0.9), rich=True)
        self.readout.setObjectName("networkText")
        self.readout.setToolTip(
            "Each node is filled by what this sample makes of it (x, a = g(z¹), ŷ), each layer on one scale; "
            "hover a node for z, a and δ = ∂ℓ/∂z. Each edge is coloured and as wide as its weight, or the next "
            "step's ∂L/∂w (the colour bar)."
        )
        # the backward walk, for lectures: W / Shift+W, or these buttons
        self.walk_back = QPushButton("◀")
        self.walk_back.setObjectName("networkWalkBack")
        self.walk_back.setToolTip("The backward walk one stop back (Shift+W); from the first stop, off")
        # as wide as its arrow (a push button is 80 px at least): the row keeps room for the sample's name
        self.walk_back.setMaximumWidth(3 * self.walk_back.fontMetrics().horizontalAdvance("◀"))
        self.walk_next = QPushButton("Backprop ▶")
        self.walk_next.setObjectName("networkWalkNext")
        self.walk_next.setToolTip("Walk the backward pass for this sample: δ at the outputs, δ¹, ∂ℓ/∂W², ∂ℓ/∂W¹ (W)")
        self.walk_back.clicked.connect(lambda: self.session.move_walk(-1))
        self.walk_next.clicked.connect(lambda: self.session.move_walk(1))
        self.walk_text = Readout(theme.font(0.9), lines=3, rich=True)
        self.walk_text.setObjectName("networkWalkText")
        self.walk_text.hide()
        self.stage: WalkStage | None = None  # the stop of the walk drawn (None: the walk is off)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        # the sample's name goes under the buttons where a narrow column has no room for it beside them
        layout.addWidget(flow_row([self.edge_combo, self.walk_back, self.walk_next, self.readout]))
        layout.addWidget(self.walk_text)
        plots = QHBoxLayout()
        plots.addWidget(self.plot_widget, 1)
        plots.addWidget(self.bar_widget)
        layout.addLayout(plots, 1)
        self.start()

    # ------------------------------------------------------------------ drawing
    def redraw(self, change: Change) -> None:
        s = self.session
        mode = s.view.network_edges
        if self.edge_combo.currentData() != mode:
            self.edge_combo.blockSignals(True)
            self.edge_combo.setCurrentIndex(self.edge_combo.findData(mode))
            self.edge_combo.blockSignals(False)
        model = s.model
        mlp = model.kind == "mlp"
        weights = ("W1", "W2") if mlp else ("W",)
        values = s.params if mode == "weights" else s.frame.spec.unflatten(s.frame.grads)
        matrices = [np.asarray(values[key], dtype=float) for key in weights]
        sizes = (model.n_features, *(m.shape[1] for m in matrices))
        layers = network_layout(sizes)
        out = f"ŷ = {model.output}(z{'²' if mlp else ''})"
        names = ("x", f"a = {s.settings.hidden_activation}(z¹)", out) if mlp else ("x", out)
        self.once("captions", names, self._caption)
        self.stage = self._stage(mlp)
        lit = None
        what = "w" if mode == "weights" else "∂L/∂w"
        if self.stage is not None:  # the walk lights one weight matrix (or none) and fades the rest
            lit = self.stage.edges if self.stage.edges is not None else -1
            if self.stage.edge_values is not None:
                matrices[lit] = np.asarray(self.stage.edge_values, dtype=float)
                what = "∂ℓ/∂w"  # ℓ: this sample's loss (the walk's words say so)
            else:
                matrices = [np.asarray(s.params[key], dtype=float) for key in weights]
                what = "w"
        self._draw_edges(layers, matrices, what, lit)
        self._draw_nodes(layers, mlp)
        self.once("range", self._margins(), self._frame)
        self._draw_maps(layers, mlp)

    def _stage(self, mlp: bool) -> WalkStage | None:
        """The walk's stop for the focused sample, its words shown (None: the walk is off)."""
        s = self.session
        n = walk_length(mlp)
        stage = s.walk_stop
        self.walk_back.setEnabled(stage > 0)
        self.walk_next.setEnabled(stage < n)
        self.walk_next.setText("Backprop ▶" if stage == 0 else f"{stage} / {n} ▶")
        if stage == 0:
            self.walk_text.hide()
            return None
        i = s.frame.focus[0]
        st = s.settings
        result = walk_stage(
            stage, s.frame.focus_trace, s.dataset.X[i], s.dataset.Y[i], mlp, st.is_canonical, st.output_activation
        )
        self.walk_text.setText(f"<b>{result.title}</b><br>{result.formula}")
        self.walk_text.show()
        return result

    def _margins(self) -> tuple[int, int, int]:
        """The layers, and the pixels the inputs' numbers need left of the first column and the outputs'
        right of the last (in steps of 20 px: the frame moves when a number grows a digit, not every step)."""
        metrics = QFontMetricsF(self.theme.font(0.8))
        widths = [max((metrics.horizontalAdvance(t) for t in texts), default=0.0) for texts in self._layer_texts()]
        node = 11 * self.theme.scale
        left = 1.25 * widths[0] + node if widths else node
        right = 1.25 * widths[-1] + node if widths else node
        caption = 0.5 * max((metrics.horizontalAdvance(t) for t in self.captions.texts), default=0.0)
        step = 20
        return (
            len(self._sizes),
            int(np.ceil(max(left, caption) / step) * step),
            int(np.ceil(max(right, caption) / step) * step),
        )

    def _layer_texts(self) -> list[list[str]]:
        texts, start = [], 0
        for n in self._sizes:
            texts.append(self.labels.texts[start : start + n])
            start += n
        return texts

    def _frame(self, margins: tuple[int, int, int]) -> None:
        """The columns spread over the plot's width less the numbers' margins (a plot 400 px wide cut
        "ŷ₂ = 1 − 1.2e−4" when the margins were a fixed share of a column), the nodes over its height less
        a node's radius above and the layers' names below (in pixels: a short plot cut the top nodes)."""
        n_layers, left, right = margins
        box = self.plot.getViewBox()
        width, height = max(box.width(), 1.0), max(box.height(), 1.0)
        unit_x = max(width - left - right, 0.3 * width) / max(n_layers - 1, 1)  # pixels from a column to the next
        radius = self._largest_node / 2
        top, bottom = radius + 3, radius + 6 + QFontMetricsF(self.theme.font(0.8)).height()
        self._unit_y = max(height - top - bottom, 0.3 * height)  # pixels from y = 0 to y = 1
        self.plot.setRange(
            xRange=(-left / unit_x, n_layers - 1 + right / unit_x),
            yRange=(-bottom / self._unit_y, 1 + top / self._unit_y),
            padding=0,
        )
        n = len(self.captions.texts)
        self.captions.set_places(
            np.column_stack([np.arange(n), np.full(n, -(radius + 4) / self._unit_y)]), np.tile((0.5, 0.0), (n, 1))
        )

    def _caption(self, names: tuple[str, ...]) -> None:
        """Each layer's name under its column (placed by `_frame`); their symbols alone ("a", "ŷ") where the
        names would meet."""
        self.captions.set_texts(list(names), groups=[0] * len(names), fallback=[n.split(" ")[0] for n in names])
        self._frame(self._margins())

    def _colour_levels(self, values: np.ndarray, top: float) -> np.ndarray:
        """Each value's colour as one of the diverging map's 256 levels: 0 white, ±top and beyond the ends
        (±inf too), NaN white."""
        top = top if np.isfinite(top) and top > 0 else 1.0
        return np.rint(255 * np.clip(0.5 + 0.5 * np.nan_to_num(values) / top, 0.0, 1.0)).astype(int)

    def _draw_edges(self, layers: list[np.ndarray], matrices: list[np.ndarray], what: str, lit: int | None) -> None:
        """`lit`: None, every matrix in colour; k, only matrix k (the others faded grey); −1, none."""
        pos = np.vstack(layers)
        offsets = np.cumsum([0, *(len(layer) for layer in layers)])
        adj = []
        for k, m in enumerate(matrices):  # m[i, j]: from node i of layer k to node j of layer k + 1
            i, j = np.meshgrid(np.arange(m.shape[0]), np.arange(m.shape[1]), indexing="ij")
            adj.append(np.column_stack([offsets[k] + i.ravel(), offsets[k + 1] + j.ravel()]))
        adj = np.vstack(adj)
        w = np.concatenate([m.ravel() for m in matrices])
        self.edge_values = w
        shown = np.concatenate([np.full(m.size, lit is None or lit == k) for k, m in enumerate(matrices)])
        finite = np.isfinite(w)
        # the colour bar's ±range follows max|w| in coarse "nice" jumps: an axis that moved every step
        # would repaint the bar twice a frame; the edges are coloured on the bar's range
        # (at a stop of the walk that lights no edges, the bar keeps the scale of them all)
        self._bar_range.update(float(np.abs(w[finite & shown] if shown.any() else w[finite]).max(initial=0.0)))
        top = self._bar_range.half or 1.0
        rgba = self._lut[self._colour_levels(w, top)]
        widths = self.theme.scale * (0.6 + 4.4 * np.clip(np.abs(np.nan_to_num(w)) / top, 0.0, 1.0))
        faded = ~shown  # edges the walk is not at: thin and pale grey
        rgba[faded] = palette.FADED
        widths = np.where(faded, 0.8 * self.theme.scale, widths)
        self.edges.set_lines(pos[adj[:, 0]], pos[adj[:, 1]], rgba, widths)
        self.once("bar label", what, lambda text: self.bar.setLabel("right", text))
        if top != self.bar_top:  # the bar spans −max|w| … +max|w|
            self.bar_top = top
            self.bar_image.setRect(0.0, -top, 1.0, 2 * top)
            self.bar.setRange(xRange=(0, 1), yRange=(-top, top), padding=0)

    def _draw_nodes(self, layers: list[np.ndarray], mlp: bool) -> None:
        s = self.session
        f = s.frame
        i, chosen = f.focus
        t = f.focus_trace
        X = s.dataset.X
        fwd = f.forward
        columns = [(X[i], np.abs(X).max(initial=0.0), "x")]
        if mlp:
            columns.append((t["a1"], np.abs(fwd.A1).max(initial=0.0), "a"))
        columns.append((t["yhat"], np.abs(fwd.P).max(initial=0.0), "ŷ"))
        self.node_values = [np.asarray(v, dtype=float) for v, _, _ in columns]
        self._trace, self._names, self._mlp = t, [name for _, _, name in columns], mlp
        self.once("nodes", tuple(len(layer) for layer in layers), self._place_nodes)
        # each node's colour as one of the map's 256 levels: the brushes (and their drawn symbols) are reused
        levels = np.concatenate([self._colour_levels(v, scale) for v, scale, _ in columns])
        if not np.array_equal(levels, self._levels):
            self._levels = levels
            self.nodes.setBrush([self._brushes[k] for k in levels])
        stage = self.stage
        lit = stage.nodes if stage is not None else None
        self.once("lit layer", lit, self._light_layer)
        if self._numbered:
            words = [
                (stage.node_values, stage.node_name) if k == lit else (v, name)
                for k, (v, _, name) in enumerate(columns)
            ]
            values = [num(v[k], 2) for v, _ in words for k in range(len(v))]
            names = [f"{name}{subscript(k + 1)}" for v, name in words for k in range(len(v))]
            last = len(self._sizes) - 1  # the outputs' numbers first, then the inputs', then the hidden units'
            order = [0 if layer == last else 1 if layer == 0 else 2 for layer in range(len(self._sizes))]
            self.labels.set_texts(  # where "a₁ = −0.32" has no room between the columns, "−0.32" under "a"
                [f"{n} = {v}" for n, v in zip(names, values, strict=True)],
                groups=np.repeat(order, self._sizes).tolist(),
                fallback=values,
            )
        self.readout.setText(f"<b>sample {i}</b> ({'selected' if chosen else 'worst fit'})")

    def _place_nodes(self, sizes: tuple[int, ...]) -> None:
        """Where the nodes and their numbers go: once per shape of the network."""
        self._sizes = list(sizes)
        pos = np.vstack(network_layout(sizes))
        pen = pg.mkPen(palette.INK, width=1.2 if max(sizes) <= 16 else 0.6)
        self.nodes.setData(pos=pos, size=self._node_size(), pen=pen, data=np.arange(len(pos)))
        self._levels = np.zeros(0, dtype=int)  # the new nodes take their colours at once
        self._applied.pop("lit layer", None)  # and their rings
        self._numbered = len(sizes) == 2 or sizes[1] <= MAX_NUMBERED  # every node's value beside it
        layer_of = np.repeat(np.arange(len(sizes)), sizes)
        # outputs to the right of their nodes; inputs and hidden units to the left (the maps are right of
        # the hidden units, and below them the next unit would be in the way)
        anchors = np.array([(-0.25, 0.5) if k == len(sizes) - 1 else (1.25, 0.5) for k in layer_of])
        self.labels.set_places(pos, anchors)
        self.labels.set_texts([])

    def _draw_maps(self, layers: list[np.ndarray], mlp: bool) -> None:
        """With two inputs and a few hidden units: each unit's activation over the data's plane (TensorFlow
        Playground's thumbnails), on the nodes' map with 0 white, just right of its node."""
        s = self.session
        h = len(layers[1]) if mlp else 0
        shown = mlp and s.model.n_features == 2 and 0 < h <= MAX_MAPPED
        self.maps.setVisible(shown)
        if not shown:
            self.unit_maps = None
            return
        X = s.dataset.X
        lo, hi = X.min(axis=0), X.max(axis=0)
        span = np.maximum(hi - lo, 1e-9)
        lo, hi = lo - 0.15 * span, hi + 0.15 * span
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], MAP_GRID), np.linspace(lo[1], hi[1], MAP_GRID))
        with np.errstate(all="ignore"):
            A = s.model.hidden_activations(s.params, np.column_stack([gx.ravel(), gy.ravel()]))
        self.unit_maps = A.T.reshape(h, MAP_GRID, MAP_GRID)
        top = float(np.abs(A[np.isfinite(A)]).max(initial=0.0)) or 1.0
        rgba = self._lut[self._colour_levels(self.unit_maps, top)]  # (h, g, g, 4)
        side = min(0.18, 0.8 / max(1, h - 1))  # in y units; as many pixels across
        px_x, px_y = self.plot.getViewBox().viewPixelSize()
        width = side * px_x / px_y if px_y > 0 else side
        rects = [QRectF(1.09, layers[1][j, 1] - side / 2, width, side) for j in range(h)]
        self.maps.set_tiles(
            rgba, rects, [self._chosen_frame if j == s.shown_unit else self._map_frame for j in range(h)]
        )

    def _light_layer(self, lit: int | None) -> None:
        """The walk's nodes ringed in the current step's colour; the others as usual."""
        sizes = self._sizes
        plain = pg.mkPen(palette.INK, width=1.2 if max(sizes) <= 16 else 0.6)
        ring = pg.mkPen(palette.CURRENT, width=3.5 * self.theme.scale)
        layer_of = np.repeat(np.arange(len(sizes)), sizes)
        self.nodes.setPen([ring if layer == lit else plain for layer in layer_of])

    def _node_size(self) -> np.ndarray:
        """Each node as large as 22 points, but never overlapping the next in its column."""
        sizes = [np.clip(0.8 * self._unit_y / max(1, n - 1), 3.0, self._largest_node) for n in self._sizes]
        return np.repeat(sizes, self._sizes).astype(float)

    def _on_resized(self, *_) -> None:
        self._frame(self._margins())
        if len(self.node_values):
            self.nodes.setSize(self._node_size())

    def node_text(self, k: int) -> str:
        """Node k's numbers (in layer order: inputs, hidden units, outputs), as hovering it shows them."""
        sizes = np.cumsum([0, *(len(v) for v in self.node_values)])
        layer = int(np.searchsorted(sizes, k, side="right")) - 1
        j, name, t = k - sizes[layer], self._names[layer], self._trace
        if name == "x":
            return f"x{subscript(j + 1)} = {num(self.node_values[0][j], 3)}"
        if name == "a":
            return f"z¹{subscript(j + 1)} = {num(t['z1'][j], 3)}, a{subscript(j + 1)} = {num(t['a1'][j], 3)}, δ¹ = {num(t['dz1'][j], 3)}"
        dz = t["dz2"] if self._mlp else t["dz"]
        return f"ŷ{subscript(j + 1)} = {num(t['yhat'][j], 3)}, δ = ∂ℓ/∂z = {num(dz[j], 3)}"

    def _tip(self, x: float, y: float, data) -> str:
        k = int(data)
        return self.node_text(k) if 0 <= k < sum(len(v) for v in self.node_values) else ""
