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
derived, no state, only drawing. Each mirror starts as its source looks when the floor is built (the
pens, symbols and data set before the frames, images with their levels and colour maps, the axes'
fonts and titles, colour bars, a second y axis's view box): without that, items drew with pyqtgraph's
1-pixel defaults what gradviz draws with wide antialiased pens, and a scatter set once drew nothing.
Widgets that are not plots (labels, tables, the legend) are not mirrored, nor are drawings of
gradviz's own (not pyqtgraph items), so the floor is, if anything, too low.

Frames alternate in blocks between gradviz and its floor (the machine's drift hits both alike), at
N = 1,000 and N = 100,000. Budgets: gradviz within 1.2× of the floor at N = 1,000; the N = 100,000
gradviz frame within 2× of the N = 1,000 one.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time

import numpy as np
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
    pg.TargetItem: ("setPos", "setBrush", "setPen"),
    pg.ColorBarItem: ("setLevels", "setColorMap"),
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
    return next((c for c in type(item).__mro__ if c.__module__.startswith("pyqtgraph")), object)


def _copy_axis(source: pg.AxisItem, axis: pg.AxisItem) -> None:
    """An axis as the source draws it: style (tick font, levels, offsets), pens, title and its font, size."""
    axis.style.update(source.style)
    axis.setTickFont(source.style["tickFont"])
    axis.setPen(source.pen())
    axis.setTextPen(source.textPen())
    axis.label.setFont(source.label.font())
    axis.autoSIPrefix = source.autoSIPrefix
    axis.setLabel(source.labelText, units=source.labelUnits, **source.labelStyle)
    if source.orientation in ("left", "right"):
        axis.setWidth(source.fixedWidth)
    else:
        axis.setHeight(source.fixedHeight)


def _copy_look(source: pg.PlotWidget, mirror: pg.PlotWidget) -> None:
    """The mirror plot as the source looks: background, margins, which axes show and how."""
    mirror.setBackground(source.backgroundBrush())
    src, dst = source.getPlotItem(), mirror.getPlotItem()
    dst.layout.setContentsMargins(*src.layout.getContentsMargins())
    for side in ("left", "bottom", "right", "top"):
        dst.showAxis(side, src.getAxis(side).isVisible())
        _copy_axis(src.getAxis(side), dst.getAxis(side))
    if not src.buttonsHidden:
        return
    dst.hideButtons()


def _second_box(plot: pg.PlotWidget, source: pg.ViewBox, mirror: pg.PlotWidget) -> pg.ViewBox:
    """A view box over the mirror's plot, x linked to it, y as the source's, on the right axis if the source is."""
    box = pg.ViewBox()
    item = mirror.getPlotItem()
    item.scene().addItem(box)
    if plot.getPlotItem().getAxis("right").linkedView() is source:
        item.getAxis("right").linkToView(box)
    box.setXLink(item)
    box.setYRange(*source.viewRange()[1], padding=0)
    item.getViewBox().sigResized.connect(lambda vb: box.setGeometry(vb.sceneBoundingRect()))
    return box


def _clone(item):
    """A bare pyqtgraph item of the class `item` is (or derives from) that draws what it draws now; None for
    a drawing of gradviz's own or a class not mirrored."""
    cls = MIRRORED_AS.get(type(item)) or pyqtgraph_class(item)
    if cls not in RECORDED or cls is pg.GraphicsObject:
        return None
    if cls in (pg.PlotDataItem, pg.PlotCurveItem):
        copy = cls()  # its data once it is in its view box (`_mirror_box`): clipped to a view, it asks the view
    elif cls is pg.ScatterPlotItem:
        copy = cls()
        copy.opts.update(item.opts)
        d = item.data
        if len(d):
            # the spots' own sizes, symbols, pens and brushes where they have them (else the item's, in opts)
            own = {k: d[k] for k in ("symbol", "pen", "brush") if any(v is not None for v in d[k])}
            if np.any(d["size"] != -1):
                own["size"] = d["size"]
            copy.setData(x=d["x"], y=d["y"], **own)
    elif cls is pg.ImageItem:
        copy = cls()
        if isinstance(item, RegionImage):  # an RGBA image in a rectangle
            if item.image is not None:
                copy.setImage(item.image, autoLevels=False)
                copy.setRect(item.boundingRect())
        elif item.image is not None:
            copy.setImage(item.image, levels=item.levels, lut=item.lut, autoLevels=False)
            copy.setTransform(item.transform())
    elif cls is pg.InfiniteLine:
        copy = pg.InfiniteLine(pos=item.value(), angle=item.angle, pen=item.pen)
    elif cls is pg.BarGraphItem:  # cannot exist without its bars
        copy = pg.BarGraphItem(**item.opts)
    elif cls is pg.ArrowItem:
        copy = pg.ArrowItem(**item.opts)
        copy.setPos(item.pos())
        copy.setTransform(item.transform())
    elif cls is pg.TargetItem:
        copy = pg.TargetItem(pos=item.pos(), symbol="o", pen=item.pen, brush=item.brush, movable=False)
        copy.setPath(item._path)
    elif cls is pg.TextItem:
        copy = pg.TextItem(anchor=item.anchor)
        copy.setHtml(item.textItem.toHtml())
        copy.setPos(item.pos())
    else:
        try:
            copy = cls()
        except TypeError:  # an item that needs arguments to exist: not mirrored
            return None
    copy.setZValue(item.zValue())
    copy.setVisible(item.isVisible())
    return copy


class Floor:
    """A bare window mirroring the gradviz window's plots: same places and sizes, same item classes, each
    plot and item starting out as its source looks (pens, symbols, data, images with their levels and colour
    maps, axes with their fonts and titles, colour bars, a second y axis's view box)."""

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
            _copy_look(plot, mirror)
            self.plots[id(plot)] = mirror
            self.sources[id(plot)] = plot
            source_box = plot.getPlotItem().getViewBox()
            self._mirror_box(source_box, mirror.getPlotItem().getViewBox())
            for box in plot.scene().items():  # a second y axis's own view box (accuracy beside the loss)
                if isinstance(box, pg.ViewBox) and box is not source_box and box.parentItem() is None:
                    self._mirror_box(box, _second_box(plot, box, mirror))
            for bar in plot.getPlotItem().childItems():
                if isinstance(bar, pg.ColorBarItem):
                    self._mirror_colour_bar(bar, mirror)
        self.widget.show()

    def _mirror_box(self, source: pg.ViewBox, box: pg.ViewBox) -> None:
        for thing in source.addedItems:
            copy = _clone(thing)
            if copy is not None:
                self.items[id(thing)] = copy
                box.addItem(copy)
                if isinstance(copy, (pg.PlotDataItem, pg.PlotCurveItem)):
                    copy.opts.update(thing.opts)
                    if thing.xData is not None:
                        copy.setData(thing.xData, thing.yData)

    def _mirror_colour_bar(self, bar: pg.ColorBarItem, mirror: pg.PlotWidget) -> None:
        copy = pg.ColorBarItem(values=bar.levels(), colorMap=bar.colorMap(), interactive=False, width=bar.width())
        images = [self.items.get(id(ref())) for ref in bar.img_list]
        if images and images[0] is not None:
            copy.setImageItem(images[0], insert_in=mirror.getPlotItem())
        _copy_axis(bar.axis, copy.axis)
        self.items[id(bar)] = copy

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
