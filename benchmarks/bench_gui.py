"""GUI benchmarks (design.md, Performance budgets). Prints medians; asserts nothing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py

1. One training step with every view redrawn (session.step(1), then a full synchronous
   repaint of the 1600 × 900 window), N = 1,000 and N = 100,000 points.
   Budget: ≤ 8 ms median at N = 1,000, ≤ 33 ms at N = 100,000.
2. Launch: wall-clock time from starting `python -m gradviz`'s code path in a new process
   to the window being shown. Budget: ≤ 1.0 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def frame_times(n_points: int, frames: int, preset: str, model_args: list[str]) -> list[float]:
    from PySide6.QtWidgets import QApplication

    from gradviz import core
    from gradviz.gui import create_window

    window = create_window(["--preset", preset, *model_args])
    s = window.session
    if n_points != s.source_dataset.n_samples:
        name = s.source_dataset.name
        kwargs = {"classes": s.source_dataset.n_classes} if name in ("blobs", "spiral") else {}
        s.edit_dataset(core.generate(name, n_samples=n_points, seed=0, **kwargs), "benchmark data")
    window.resize(1600, 900)
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    times = []
    for _ in range(frames):
        t0 = time.perf_counter()
        s.step(1)
        window.repaint()
        QApplication.processEvents()
        times.append(time.perf_counter() - t0)
    window.close()
    return times


def launch_time() -> float:
    code = (
        "import os, sys, time\n"
        "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "from gradviz.gui import create_window\n"
        "from PySide6.QtWidgets import QApplication\n"
        "w = create_window([])\n"
        "w.show()\n"
        "QApplication.processEvents()\n"
        "print(time.time())\n"
    )
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1]) - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    print("\n## One step with every view redrawn (1600 × 900, offscreen, median)\n")
    print("| scenario | N | median | p90 | budget |")
    print("|---|---:|---:|---:|---:|")
    scenarios = [
        ("logistic-blobs", [], "logistic regression, BCE"),
        ("softmax-blobs", [], "softmax regression, CE"),
        ("mlp-moons", [], "MLP h=8, CE"),
        ("linear-line", [], "linear regression, MSE"),
    ]
    for preset, extra, label in scenarios:
        for n in (1_000, 100_000):
            t = sorted(frame_times(n, args.frames if n <= 1_000 else max(15, args.frames // 4), preset, extra))
            budget = "≤ 8 ms" if n <= 1_000 else "≤ 33 ms"
            p90 = t[int(0.9 * (len(t) - 1))]
            print(f"| {label} | {n:,} | {statistics.median(t) * 1e3:.1f} ms | {p90 * 1e3:.1f} ms | {budget} |")
    launches = [launch_time() for _ in range(5)]
    print("\n## Launch to window shown (new process, median of 5)\n")
    print(f"{statistics.median(launches):.2f} s (budget ≤ 1.0 s)")


if __name__ == "__main__":
    main()
