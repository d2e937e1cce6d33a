"""Recording a run: frames per second for 60 frames of the whole window at 1920 × 1080. Asserts nothing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_record.py [--preset mlp-moons] [--repeats 3]

What File › Record a run and `--record` do per frame: go to the next step (train it), let every
view finish (the full-resolution surface), draw the window into an image and encode it, as a GIF
(Pillow) and as an MP4 (imageio-ffmpeg's H.264, if installed). Each repeat records 60 frames from
the same fresh session; reported: the median frames a second over the repeats, and where a
frame's time goes (the median per frame of stepping and drawing the views, of drawing the window
into an image, and of encoding) from one more instrumented pass.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(__file__))

SIZE = (1920, 1080)
FRAMES = 60


def _window(preset: str):
    from PySide6.QtWidgets import QApplication

    from gradviz.gui.app import create_window
    from gradviz.gui.view_pictures import prepare_for_pictures

    window = create_window(["--preset", preset, "--size", f"{SIZE[0]}x{SIZE[1]}"])
    prepare_for_pictures(window, SIZE)
    QApplication.processEvents()
    return window


def frames_per_second(preset: str, suffix: str) -> float:
    from gradviz.gui.recorder import Recording

    window = _window(preset)
    with tempfile.TemporaryDirectory() as folder:
        recording = Recording(window, "window", os.path.join(folder, f"run.{suffix}"), 0, FRAMES - 1, 10)
        t0 = time.perf_counter()
        recording.run_all()
        seconds = time.perf_counter() - t0
    window.close()
    return FRAMES / seconds


def breakdown(preset: str) -> dict[str, float]:
    """Median milliseconds a frame spends in each part (GIF encoding)."""
    from gradviz.gui.movie import open_movie
    from gradviz.gui.snapshot import frame_array

    window = _window(preset)
    parts: dict[str, list[float]] = {"step and views": [], "window into an image": [], "GIF encoding": []}
    with tempfile.TemporaryDirectory() as folder:
        movie = open_movie(os.path.join(folder, "run.gif"), 10, FRAMES)
        for k in range(FRAMES):
            t0 = time.perf_counter()
            if k:
                window.session.step(1)
            window.finish_rendering()
            t1 = time.perf_counter()
            frame = frame_array(window)
            t2 = time.perf_counter()
            movie.add(frame)
            t3 = time.perf_counter()
            parts["step and views"].append(t1 - t0)
            parts["window into an image"].append(t2 - t1)
            parts["GIF encoding"].append(t3 - t2)
        t0 = time.perf_counter()
        movie.finish()
        end = time.perf_counter() - t0
    window.close()
    out = {name: 1000 * statistics.median(times) for name, times in parts.items()}
    out["writing the GIF at the end (whole)"] = 1000 * end
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", default="mlp-moons")
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    from gradviz.gui.app import ensure_app
    from gradviz.gui.movie import movie_problem

    ensure_app()
    print(f"{FRAMES} frames of the whole window at {SIZE[0]} × {SIZE[1]}, preset {args.preset}")
    for suffix in ("gif", "mp4"):
        problem = movie_problem(os.path.join(tempfile.gettempdir(), f"x.{suffix}"), 10)
        if problem:
            print(f"  {suffix.upper()}: skipped ({problem})")
            continue
        rates = [frames_per_second(args.preset, suffix) for _ in range(args.repeats)]
        shown = ", ".join(f"{r:.1f}" for r in rates)
        print(f"  {suffix.upper()}: {statistics.median(rates):.1f} frames/s (median of {args.repeats}: {shown})")
    print("  per frame (median, ms):")
    for name, ms in breakdown(args.preset).items():
        print(f"    {name:36s} {ms:8.1f}")


if __name__ == "__main__":
    main()
