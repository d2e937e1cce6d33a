"""Where a frame goes: each view's redraw, then the event loop's layout and paint. Prints medians.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_views.py [--frames 60] [--preset logistic-blobs] [--points N]

A frame of bench_gui (one training step, every view redrawn, the 1600 × 900 window repainted) in three
parts: the step itself (`session.step(1)`), the views' redraws (`window.flush()`, timed per view class: a
view that redraws twice a frame, once for the step and once for what the background sent back, counts twice)
and the rest (the event loop: layouts the redraws asked for, the paint of every widget that changed, what
the workers' results bring). bench_floor.py says what bare pyqtgraph needs for the same pictures; this
says which of ours to look at first.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import time

from bench_gui import settle, window_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--preset", default="logistic-blobs")
    parser.add_argument("--points", type=int, default=1_000)
    args = parser.parse_args()

    from gradviz.gui.app import ensure_app
    from gradviz.gui.views import base

    ensure_app()
    spent: dict[str, list[float]] = collections.defaultdict(list)
    redraw = base.View._redraw

    def timed(view, change):
        t0 = time.perf_counter()
        redraw(view, change)
        spent[type(view).__name__].append(time.perf_counter() - t0)

    base.View._redraw = timed
    window = window_for(args.preset, args.points)
    s = window.session
    for _ in range(10):  # past the first frames' one-off work
        s.step(1)
        settle()
    spent.clear()
    parts = {"step": [], "redraws": [], "events and paint": [], "frame": []}
    for _ in range(args.frames):
        t0 = time.perf_counter()
        s.step(1)
        t1 = time.perf_counter()
        window.flush()
        t2 = time.perf_counter()
        settle()
        t3 = time.perf_counter()
        for name, value in (("step", t1 - t0), ("redraws", t2 - t1), ("events and paint", t3 - t2), ("frame", t3 - t0)):
            parts[name].append(value)
    print(f"\n## A frame's parts: {args.preset}, N = {args.points:,} (medians of {args.frames} frames)\n")
    print("| part | ms |\n|---|---:|")
    for name, values in parts.items():
        print(f"| {name} | {1000 * statistics.median(values):.1f} |")
    print("\n| view | ms a frame (mean) | redraws a frame |\n|---|---:|---:|")
    for name, values in sorted(spent.items(), key=lambda kv: -sum(kv[1])):
        print(f"| {name} | {1000 * sum(values) / args.frames:.2f} | {len(values) / args.frames:.2f} |")
    window.close()


if __name__ == "__main__":
    main()
