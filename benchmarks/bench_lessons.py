"""Guided lessons: how long a lesson takes to open and a scene to change. Prints medians; asserts nothing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_lessons.py [--repeats 5]

1. Building: every scene's state of each shipped lesson, off to the side (`build_lesson`, no Qt):
   what "Preparing …" costs before the first scene shows.
2. A scene change: PageDown, from the key to the window with every view redrawn (the scene's
   state replayed into the session, its docks arranged, its caption shown, the event loop run
   until idle), presenting at 1280 × 720; each scene reached from the one before, a full walk
   forwards and back per repeat. Our budget: ≤ 200 ms median, ≤ 500 ms for the slowest scene
   (a lecturer presses PageDown and the hall sees the scene within a blink).

3. A scene ready (`--ready`): from PageDown until nothing the scene's views in sight wait for is
   still being computed in the background (the surface from its worker, the sharpness over the run
   from the spectrum worker: `MainWindow.still_computing`), each scene entered once, forwards, as a
   lecture walks it, staying `--dwell` seconds on each (10: a quick lecture; the window computes what
   later scenes will want meanwhile). Our budget: ≤ 2 s for every scene; the slowest are listed.

Medians of wall time; the machine is shared, so repeated runs vary (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ready", action="store_true", help="time each scene until it is complete instead")
    parser.add_argument("--lesson", action="append", help="only this lesson (may be repeated)")
    parser.add_argument("--dwell", type=float, default=10.0, help="seconds on each scene once it is ready")
    args = parser.parse_args()
    if args.ready:
        ready(args.lesson, args.dwell)
        return
    from PySide6.QtWidgets import QApplication

    from gradviz.gui import create_window
    from gradviz.lessons import build_lesson, list_lessons

    print("| lesson | scenes | build (median) | scene change (median) | slowest scene (median of its changes) |")
    print("|---|---:|---:|---:|---:|")
    for lesson in list_lessons():
        builds = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            build_lesson(lesson)
            builds.append(time.perf_counter() - t0)
        window = create_window(["--lesson", lesson.name, "--size", "1280x720"])
        window.resize(1280, 720)
        window.show()
        for _ in range(3):
            QApplication.processEvents()
        n = window.model.lesson.scene_count
        per_scene: dict[int, list[float]] = {k: [] for k in range(n)}
        for _ in range(args.repeats):
            for k in [*range(1, n), *range(n - 2, -1, -1)]:
                t0 = time.perf_counter()
                window.lessons.show_scene(k)
                while window.jobs.running:
                    QApplication.processEvents()
                window.flush()
                QApplication.processEvents()
                per_scene[k].append(time.perf_counter() - t0)
        changes = [t for times in per_scene.values() for t in times]
        slowest = max(statistics.median(times) for times in per_scene.values() if times)
        window.close()
        print(
            f"| {lesson.name} | {n} | {1000 * statistics.median(builds):.0f} ms "
            f"| {1000 * statistics.median(changes):.0f} ms | {1000 * slowest:.0f} ms |"
        )


def ready(only: list[str] | None = None, dwell_s: float = 10.0, limit_s: float = 120.0) -> None:
    """Each scene of each lesson, entered forwards: seconds from PageDown until it is complete."""
    from PySide6.QtWidgets import QApplication

    from gradviz.gui import create_window
    from gradviz.lessons import list_lessons

    print("| lesson | scene | ready after | waited for |")
    print("|---|---:|---:|---|")
    slowest = []
    for lesson in list_lessons():
        if only and lesson.name not in only:
            continue
        window = create_window(["--lesson", lesson.name, "--size", "1280x720"])
        window.show()
        for k in range(window.model.lesson.scene_count):
            t0 = time.perf_counter()
            if k:
                window.lessons.show_scene(k)
            waited: set[str] = set()
            while time.perf_counter() - t0 < limit_s:
                QApplication.processEvents()
                still = window.still_computing()
                if not still:
                    break
                waited.update(still)
                time.sleep(0.005)
            seconds = time.perf_counter() - t0
            slowest.append((seconds, lesson.name, k + 1))
            print(f"| {lesson.name} | {k + 1} | {seconds:.2f} s | {', '.join(sorted(waited)) or '–'} |", flush=True)
            shown = time.perf_counter()
            while time.perf_counter() - shown < dwell_s:  # the lecturer talks; the window works ahead
                QApplication.processEvents()
                time.sleep(0.01)
        window.close()
    slowest.sort(reverse=True)
    print("slowest:", "; ".join(f"{name} scene {k}: {s:.2f} s" for s, name, k in slowest[:5]))


if __name__ == "__main__":
    main()
