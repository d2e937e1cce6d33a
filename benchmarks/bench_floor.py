"""The floor under a frame: bare pyqtgraph drawing exactly what gradviz's plots were given. Prints medians.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_floor.py [--frames 60] [--preset logistic-blobs]

A gradviz frame is one training step, the views' redraws and the repaint of the 1600 × 900 window
with every view on screen (bench_gui's frame). What no code of ours could avoid is the pyqtgraph
work of drawing the same pictures: the same data handed to the same kinds of items, in plots of the
same sizes, and the repaint. To measure that floor, every call a gradviz plot item receives during
a frame (setData, setImage, setOpts, setPen, setVisible, … ; the outermost only, not what pyqtgraph
calls inside) is recorded, with the view range each plot ends the frame at. A bare window then holds
one PlotWidget per gradviz plot, at the same place and size, with one item of the same pyqtgraph
class per gradviz item, and replays the recorded calls frame by frame: nothing computed, nothing
derived, no state, only drawing. Widgets that are not plots (labels, tables, the legend) are not
mirrored, so the floor is, if anything, too low.

Frames alternate in blocks between gradviz and its floor (the machine's drift hits both alike), at
N = 1,000 and N = 100,000. Budgets: gradviz within 1.2× of the floor at N = 1,000; the N = 100,000
gradviz frame within 2× of the N = 1,000 one.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time

import pyqtgraph as pg
from bench_gui import ms, settle, window_for
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from gradviz.gui.views.plot_items import RegionImage

# what an item may be told between frames; each is recorded where the item is in a gradviz plot
RECORDED = {
    pg.PlotDataItem: ("setData", "setPen", "setBrush", "setSymbolBrush", "setSymbolPen", "setSymbolSize"),
    pg.PlotCurveItem: ("setData", "setPen", "setBrush"),
    pg.ScatterPlotItem: ("setData", "setPen", "setBrush", "setSize", "setSymbol"),
    pg.ImageItem: ("setImage", "setRect", "setLevels", "setLookupTable", "setOpts"),
    pg.BarGraphItem: ("setOpts",),
    pg.TextItem: ("setText", "setHtml", "setColor", "setPos", "setAnchor"),
    pg.ArrowItem: ("setStyle", "setPos"),
    pg.InfiniteLine: ("setValue", "setPen", "setAngle"),
    pg.LinearRegionItem: ("setRegion",),
    pg.GraphicsObject: ("setVisible", "setPos", "setZValue", "setOpacity"),
    RegionImage: ("setImage", "setRect"),
}
# gradviz's own items, mirrored by the pyqtgraph item that draws the same (an RGBA image in a rectangle)
MIRRORED_AS = {RegionImage: pg.ImageItem}


class Recorder:
    """Wraps the RECORDED methods of pyqtgraph's item classes; while on, logs each outermost call."""

    def __init__(self):
        self.on = False
        self.calls: list[tuple] = []
        self._depth = 0
        for cls, names in RECORDED.items():
            for name in names:
                if name in cls.__dict__:
                    setattr(cls, name, self._wrapped(cls.__dict__[name], name))

    def _wrapped(self, method, name):
        recorder = self

        @functools.wraps(method)
        def call(item, *args, **kwargs):
            if not recorder.on or recorder._depth:
                return method(item, *args, **kwargs)
            recorder._depth += 1
            try:
                recorder.calls.append((item, name, args, kwargs))
                return method(item, *args, **kwargs)
            finally:
                recorder._depth -= 1

        return call


def pyqtgraph_class(item) -> type:
    """The pyqtgraph class a gradviz item is, or derives from."""
    return next(c for c in type(item).__mro__ if c.__module__.startswith("pyqtgraph"))


class Floor:
    """A bare window mirroring the gradviz window's plots: same places and sizes, same item classes."""

    def __init__(self, window):
        self.widget = QWidget()
        self.widget.resize(window.size())
        self.plots: dict[int, pg.PlotWidget] = {}  # id(gradviz PlotWidget) → its mirror
        self.items: dict[int, object] = {}  # id(gradviz item) → its mirror
        self.sources: dict[int, pg.PlotWidget] = {}
        for plot in window.findChildren(pg.PlotWidget):
            if not plot.isVisible():
                continue
            mirror = pg.PlotWidget(self.widget)
            mirror.setGeometry(QRect(plot.mapTo(window, QPoint(0, 0)), plot.size()))
            item = plot.getPlotItem()
            for side in ("left", "bottom"):
                mirror.setLabel(side, item.getAxis(side).labelText)
            self.plots[id(plot)] = mirror
            self.sources[id(plot)] = plot
            for thing in item.getViewBox().addedItems:
                copy = self._mirror_of(thing)
                if copy is not None:
                    self.items[id(thing)] = copy
                    mirror.addItem(copy)
        self.widget.show()

    @staticmethod
    def _mirror_of(item):
        cls = MIRRORED_AS.get(type(item)) or pyqtgraph_class(item)
        if cls not in RECORDED or cls is pg.GraphicsObject:  # a drawing of gradviz's own: not mirrored
            return None
        if cls is pg.InfiniteLine:
            return pg.InfiniteLine(angle=item.angle)
        if cls is pg.BarGraphItem:  # cannot exist without its bars
            return pg.BarGraphItem(**item.opts)
        try:
            return cls()
        except TypeError:  # an item that needs arguments to exist: not mirrored
            return None

    def replay(self, frame: tuple[list, dict]) -> None:
        """One recorded frame: its calls on the mirrors, the plots' ranges, then the repaint."""
        calls, ranges = frame
        for item, name, args, kwargs in calls:
            mirror = self.items.get(id(item))
            if mirror is not None:
                getattr(mirror, name)(*args, **kwargs)
        for key, (xr, yr) in ranges.items():
            self.plots[key].getPlotItem().getViewBox().setRange(xRange=xr, yRange=yr, padding=0)
        settle()

    def ranges(self) -> dict:
        return {key: tuple(plot.getPlotItem().getViewBox().viewRange()) for key, plot in self.sources.items()}


def measure(preset: str, n_points: int, frames: int, recorder: Recorder, rounds: int = 4) -> dict:
    """Median frames of gradviz and of its floor, alternating blocks; (wall, CPU) each."""
    window = window_for(preset, n_points)
    floor = Floor(window)
    times = {"gradviz": ([], []), "floor": ([], [])}
    s = window.session
    for _ in range(rounds):
        window.surface_view.finish_rendering()
        settle()
        recorded = []
        for _ in range(frames // rounds):
            recorder.calls = []
            t0, c0 = time.perf_counter(), time.thread_time()
            recorder.on = True
            s.step(1)
            settle()
            recorder.on = False
            times["gradviz"][0].append(time.perf_counter() - t0)
            times["gradviz"][1].append(time.thread_time() - c0)
            recorded.append((recorder.calls, floor.ranges()))
        for frame in recorded:
            t0, c0 = time.perf_counter(), time.thread_time()
            floor.replay(frame)
            times["floor"][0].append(time.perf_counter() - t0)
            times["floor"][1].append(time.thread_time() - c0)
    calls = statistics.median(len(c) for c, _ in recorded)
    window.close()
    floor.widget.close()
    return times, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--preset", action="append", help="a scenario (default: the four of bench_gui)")
    args = parser.parse_args()
    from bench_gui import SCENARIOS

    from gradviz.gui.app import ensure_app

    ensure_app()
    recorder = Recorder()
    presets = [(p, p) for p in args.preset] if args.preset else SCENARIOS
    print("\n## A frame against bare pyqtgraph drawing the same (1600 × 900, offscreen; budget ≤ 1.2× at N = 1,000)\n")
    print("| scenario | N | gradviz | floor | ratio | CPU gradviz | CPU floor | CPU ratio | calls a frame |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    small = {}
    for preset, label in presets:
        for n in (1_000, 100_000):
            times, calls = measure(preset, n, args.frames, recorder)
            (gw, gc), (fw, fc) = times["gradviz"], times["floor"]
            r, rc = statistics.median(gw) / statistics.median(fw), statistics.median(gc) / statistics.median(fc)
            if n == 1_000:
                small[preset] = statistics.median(gw)
            print(
                f"| {label} | {n:,} | {ms(gw)} | {ms(fw)} | {r:.2f}× | {ms(gc)} | {ms(fc)} | {rc:.2f}× | {calls:.0f} |",
                flush=True,
            )
            if n == 100_000:
                print(f"|  | 100k / 1k | {statistics.median(gw) / small[preset]:.2f}× |  |  |  |  |  |  |", flush=True)


if __name__ == "__main__":
    main()
