"""Long runs: a frame at step 100,000 against a frame at step 100, and the memory in between.

    QT_QPA_PLATFORM=offscreen python benchmarks/soak_long_run.py [--preset logistic-blobs] [--steps 100000]

Plays the preset at full speed (as the Play button does at "max") from step 100 to --steps,
with every view open, then measures frames (one step and the redraw) at both ends. Goals: the
late frame costs at most 1.2× the early one, and the process grows by less than 50 MB.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(__file__))

from bench_gui import frame_times, long_run_window, settle

from gradviz.state.remembered import SPECTRA, SURFACES


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def frames(window, count: int = 40) -> tuple[float, float]:
    """Median (wall, GUI-thread CPU) seconds of a frame."""
    wall, cpu = frame_times(window, count)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    args, window = long_run_window(__doc__, "logistic-blobs")
    s = window.session
    s.step(100 - s.current_step)
    settle()
    window.surface_view.finish_rendering()
    early_wall, early_cpu = frames(window)
    early_rss = rss_mb()
    early_kept = len(SURFACES), len(SPECTRA)
    t0 = time.perf_counter()
    n_frames = 0
    while s.current_step < args.steps:
        s.run_for(0.010)  # what playback at "max" does each frame
        settle()
        n_frames += 1
    played = time.perf_counter() - t0
    window.surface_view.finish_rendering()
    late_wall, late_cpu = frames(window)
    late_rss = rss_mb()
    print(f"## {args.preset}: step 100 → {s.current_step:,} at full speed ({played:.0f} s, {n_frames:,} frames)\n")
    print("| | frame (wall) | frame (GUI-thread CPU) | process |")
    print("|---|---:|---:|---:|")
    print(f"| step ~100 | {early_wall * 1e3:.1f} ms | {early_cpu * 1e3:.1f} ms | {early_rss:.0f} MB |")
    print(f"| step ~{s.current_step:,} | {late_wall * 1e3:.1f} ms | {late_cpu * 1e3:.1f} ms | {late_rss:.0f} MB |")
    print(
        f"| late / early | {late_wall / early_wall:.2f}× | {late_cpu / early_cpu:.2f}× | +{late_rss - early_rss:.0f} MB |"
    )
    # what the process remembers on purpose, within its bounds (a full surface is 80 kB, a spectrum of a small model bytes)
    print(
        f"\nremembered: surfaces {early_kept[0]} → {len(SURFACES)} (at most {SURFACES.capacity}), "
        f"spectra {early_kept[1]} → {len(SPECTRA)} (at most {SPECTRA.capacity})"
    )


if __name__ == "__main__":
    main()
