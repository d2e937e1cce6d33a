"""The floor of a frame: what bare pyqtgraph takes to draw the same pictures from precomputed numbers.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_floor.py [--frames 60] [--preset logistic-blobs]

gradviz's frame (bench_gui.py: one training step, every view redrawn, the 1600 × 900 window painted, every
view on screen) is measured against a window of plain pg.PlotWidgets, each the size of one of gradviz's
plots, holding the same kinds of items, which are given each frame the arrays gradviz's items held at that
step (curves, scatters with their brushes, bars, images with their levels and places, texts) and then
painted. Everything gradviz does besides drawing (the step, the frame's derived numbers, the legends and
readouts, layout) is the difference. The two are measured interleaved in blocks, in one process, at
N = 1,000 and N = 100,000. Budgets (issue 26): gradviz within 1.2× of the floor at N = 1,000; its
N = 100,000 frame within 2× of its N = 1,000 frame. Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_gui import ms, settle, window_for


def _on_screen(widget) -> bool:
    """Shown, and its dock not behind another's tab (Qt keeps such a widget "visible" off the window)."""
    from PySide6.QtWidgets import QDockWidget

    dock = widget
    while dock is not None and not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    return widget.isVisible() and (dock is None or not dock.visibleRegion().isEmpty())


def _uniform(values):
    """One value where every point has the same (a brush, a size), as a program drawing them would pass it."""
    first = values[0] if len(values) else None
    return first if all(v is first or v == first for v in values) else list(values)


def _snapshot(window) -> list[tuple]:
    """(plot's size, its items' drawing data) for every plot on screen."""
    import pyqtgraph as pg

    shots = []
    for widget in window.findChildren(pg.PlotWidget):
        if not _on_screen(widget):
            continue
        items = []
        for item in widget.getPlotItem().items:
            if not item.isVisible():
                continue
            if isinstance(item, pg.PlotDataItem):
                x, y = item.getData()
                items.append(("curve", None if x is None else x.copy(), None if y is None else y.copy(), item.opts))
            elif isinstance(item, pg.ScatterPlotItem):
                d = item.data
                items.append(("scatter", d["x"].copy(), d["y"].copy(), (_uniform(d["brush"]), _uniform(d["size"]))))
            elif isinstance(item, pg.BarGraphItem):
                o = item.opts
                items.append(("bars", o.get("x"), o.get("height"), (o.get("width"), o.get("brush"))))
            elif isinstance(item, pg.ImageItem) and item.image is not None:
                rect = item.mapRectToParent(item.boundingRect())
                items.append(("image", item.image.copy(), rect, (item.levels, item.lut)))
            elif isinstance(item, pg.TextItem):
                items.append(("text", item.toPlainText(), item.pos(), None))
        shots.append(((widget.width(), widget.height()), items))
    return shots


class Floor:
    """A window of bare PlotWidgets, the sizes of gradviz's, with one item per item gradviz drew."""

    def __init__(self, first: list[tuple]):
        import pyqtgraph as pg
        from PySide6.QtWidgets import QGridLayout, QWidget

        self.widget = QWidget()
        grid = QGridLayout(self.widget)
        self.plots = []
        for k, ((w, h), items) in enumerate(first):
            plot = pg.PlotWidget()
            plot.setFixedSize(w, h)
            plot.setLabel("bottom", "x")
            plot.setLabel("left", "y")
            made = []
            for kind, _, _, opts in items:
                if kind == "curve":
                    item = pg.PlotDataItem(pen=opts["pen"], connect=opts["connect"], symbol=opts["symbol"])
                elif kind == "scatter":
                    item = pg.ScatterPlotItem()
                elif kind == "bars":
                    item = pg.BarGraphItem(x=[0], height=[0], width=opts[0] or 0.5)
                elif kind == "image":
                    item = pg.ImageItem()
                    if opts[1] is not None:
                        item.setLookupTable(opts[1])
                else:
                    item = pg.TextItem()
                plot.addItem(item)
                made.append(item)
            grid.addWidget(plot, k // 4, k % 4)
            self.plots.append(made)
        self.widget.show()

    def draw(self, shots: list[tuple], before: list[tuple] | None) -> None:
        """Give each item what it shows at this step; an item that shows what it showed at the step before
        is left alone (gradviz does not redraw the data points of a step that did not move them)."""
        previous = before or [(None, [])] * len(shots)
        for made, (_, items), (_, old) in zip(self.plots, shots, previous, strict=False):
            for k, (item, (kind, a, b, opts)) in enumerate(zip(made, items, strict=False)):
                if k < len(old) and _same(old[k], (kind, a, b, opts)):
                    continue
                if kind == "curve":
                    item.setData(a, b) if a is not None else item.setData([], [])
                elif kind == "scatter":
                    item.setData(x=a, y=b, brush=opts[0], size=opts[1])
                elif kind == "bars":
                    item.setOpts(x=a, height=b, brush=opts[1])
                elif kind == "image":
                    item.setImage(a, levels=opts[0], autoLevels=False)
                    item.setRect(b)
                else:
                    item.setText(a)
                    item.setPos(b)


def _same(x: tuple, y: tuple) -> bool:
    import numpy as np

    def eq(a, b) -> bool:
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return (
                isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
            )
        try:
            return bool(a == b)
        except (TypeError, ValueError):
            return False

    return x[0] == y[0] and eq(x[1], y[1]) and eq(x[2], y[2])


def measure(preset: str, n: int, frames: int, rounds: int = 3) -> dict[str, list[float]]:
    """gradviz's frames and the floor's, interleaved in blocks (the machine's drift hits both alike)."""
    from PySide6.QtWidgets import QApplication

    window = window_for(preset, n)
    s = window.session
    shots = []
    for _ in range(frames):  # the pictures of every step to be measured, taken once
        s.step(1)
        settle()
        shots.append(_snapshot(window))
    floor = Floor(shots[0])
    settle()
    times: dict[str, list[float]] = {"gradviz": [], "floor": []}
    block = frames // rounds
    for r in range(rounds):
        s.seek(0)
        window.surface_view.finish_rendering()
        settle()
        for _ in range(block):
            t0 = time.perf_counter()
            s.step(1)
            settle()
            times["gradviz"].append(time.perf_counter() - t0)
        for k in range(r * block, (r + 1) * block):
            t0 = time.perf_counter()
            floor.draw(shots[k], shots[k - 1] if k else None)
            QApplication.processEvents()
            QApplication.processEvents()
            times["floor"].append(time.perf_counter() - t0)
    window.close()
    floor.widget.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--preset", default="logistic-blobs")
    args = parser.parse_args()
    from gradviz.gui.app import ensure_app

    ensure_app()
    print(f"## A frame against bare pyqtgraph drawing the same pictures ({args.preset}, every view, 1600 × 900)\n")
    print("| N | gradviz | floor | ratio (budget ≤ 1.2× at 1,000) | spread of gradviz (p10–p90) |")
    print("|---:|---:|---:|---:|---:|")
    medians = {}
    for n in (1_000, 100_000):
        t = measure(args.preset, n, args.frames)
        g, f = t["gradviz"], t["floor"]
        q = statistics.quantiles(g, n=10)
        medians[n] = statistics.median(g)
        ratio = statistics.median(g) / statistics.median(f)
        print(f"| {n:,} | {ms(g)} | {ms(f)} | {ratio:.2f}× | {q[0] * 1e3:.1f}–{q[-1] * 1e3:.1f} ms |", flush=True)
    print(f"\nN = 100,000 against N = 1,000: {medians[100_000] / medians[1_000]:.2f}× (budget ≤ 2×)")


if __name__ == "__main__":
    main()
