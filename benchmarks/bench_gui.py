"""GUI benchmarks (design.md, Performance budgets). Prints medians; asserts nothing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py

1. One training step with every visible view redrawn (session.step(1), then the event loop
   paints what changed in the 1600 × 900 window), N = 1,000 and N = 100,000 points:
   a) the views of issue 3 (data, loss curve; the analysis docks closed),
   b) every view (data, loss curve, loss surface, residuals, Jacobian, gradients).
   Budget: ≤ 8 ms median at N = 1,000, ≤ 33 ms at N = 100,000.
2. GUI frames while a 200 × 200 surface at N = 10,000 is computed in the background
   (the surface view's worker). Budget: frames ≤ 50 ms.
3. Launch: wall-clock time from starting a new process to the window being shown.
   Budget: ≤ 1.0 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


ANALYSIS_DOCKS = ("lossSurfaceDock", "residualsDock", "jacobianDock", "gradientDock", "derivationDock")


def _window(preset: str, n_points: int):
    from PySide6.QtWidgets import QApplication

    from gradviz import core
    from gradviz.gui import create_window

    window = create_window(["--preset", preset])
    s = window.session
    if n_points != s.source_dataset.n_samples:
        name = s.source_dataset.name
        kwargs = {"classes": s.source_dataset.n_classes} if name in ("blobs", "spiral") else {}
        s.edit_dataset(core.generate(name, n_samples=n_points, seed=0, **kwargs), "benchmark data")
    window.resize(1600, 900)
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    window.surface_view._pool.waitForDone()
    for _ in range(5):
        QApplication.processEvents()
    return window


def frame_times(n_points: int, frames: int, preset: str, all_views: bool) -> tuple[list[float], list[float]]:
    """(wall, cpu) seconds per frame; cpu is the GUI thread's own time, which a busy neighbour
    on a shared machine cannot inflate (wall time here moves ±30 % between identical runs)."""
    from PySide6.QtWidgets import QApplication

    window = _window(preset, n_points)
    if not all_views:
        for name in ANALYSIS_DOCKS:
            window.docks[name].hide()
    s = window.session
    wall, cpu = [], []
    for _ in range(frames):
        t0, c0 = time.perf_counter(), time.thread_time()
        s.step(1)
        QApplication.processEvents()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    window.close()
    return wall, cpu


def frames_during_background_surface(frames: int = 40) -> list[float]:
    """Frame times of the data view + loss curve while the worker computes 200 × 200 at N = 10,000."""
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from gradviz.gui.views import loss_surface

    window = _window("logistic-blobs", 10_000)
    s = window.session
    view = window.surface_view
    view.alphas = np.linspace(view.alphas[0], view.alphas[-1], 200)
    view.betas = np.linspace(view.betas[0], view.betas[-1], 200)
    view._gen += 1
    view._start_job(view.alphas, view.betas, final=True)
    times = []
    t_job = time.perf_counter()
    while not view.idle or len(times) < frames:
        t0 = time.perf_counter()
        s.step(1)
        QApplication.processEvents()
        times.append(time.perf_counter() - t0)
        if len(times) > 2000:
            break
    job_s = time.perf_counter() - t_job
    window.close()
    print(f"(background surface {loss_surface.FULL}→200 × 200 finished in {job_s:.2f} s over {len(times)} frames)")
    return times


def launch_time() -> float:
    code = (
        "import os, sys, time\n"
        "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "from gradviz.gui.app import _build_window, parse_args\n"
        "from PySide6.QtWidgets import QApplication\n"
        "w = _build_window(parse_args([]), defer_analysis=True)  # what `gradviz` does (app.open_window)\n"
        "w.show()\n"
        "QApplication.processEvents()\n"
        "print(time.time())\n"
        "w.build_deferred_views()\n"
    )
    # as a user's Python runs it: with bytecode caches (this sandbox sets PYTHONDONTWRITEBYTECODE,
    # which alone adds 0.1–0.2 s of compiling to every launch)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1]) - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    print("\n## One step with the views redrawn (1600 × 900, offscreen)\n")
    scenarios = [
        ("logistic-blobs", "logistic regression, BCE"),
        ("softmax-blobs", "softmax regression, CE"),
        ("mlp-moons", "MLP h=8, CE"),
        ("linear-line", "linear regression, MSE"),
    ]
    print("| scenario | views | N | median | p90 | GUI-thread CPU median | budget |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for preset, label in scenarios:
        for all_views in (False, True):
            for n in (1_000, 100_000):
                count = args.frames if n <= 1_000 else max(15, args.frames // 4)
                wall, cpu = frame_times(n, count, preset, all_views)
                t = sorted(wall)
                budget = "≤ 8 ms" if n <= 1_000 else "≤ 33 ms"
                p90 = t[int(0.9 * (len(t) - 1))]
                views = "all" if all_views else "data + loss"
                print(
                    f"| {label} | {views} | {n:,} | {statistics.median(t) * 1e3:.1f} ms | {p90 * 1e3:.1f} ms "
                    f"| {statistics.median(cpu) * 1e3:.1f} ms | {budget} |"
                )
    t = sorted(frames_during_background_surface())
    print("\n## Frames while a 200 × 200 surface (N = 10,000) is computed in the background\n")
    print(f"median {statistics.median(t) * 1e3:.1f} ms, max {t[-1] * 1e3:.1f} ms (budget ≤ 50 ms)")
    launch_time()  # warm-up: writes the bytecode caches, as the first launch after installing does
    launches = [launch_time() for _ in range(5)]
    print("\n## Launch to window shown (new process, median of 5)\n")
    print(f"{statistics.median(launches):.2f} s (budget ≤ 1.0 s)")


if __name__ == "__main__":
    main()
