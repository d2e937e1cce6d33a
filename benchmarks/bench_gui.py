"""GUI benchmarks. Prints medians; asserts nothing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--frames 60] [--only frames|race|network|curvature|generate|surface|launch]
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_gui.py --only surface3d

1. A frame: one training step, then the event loop redraws every view and paints the 1600 × 900
   window (session.step(1) and the event loop until idle), at N = 1,000 and N = 100,000, for each
   model kind. Every view is visible (the derivation beside the Jacobian instead of behind it).
   Budgets: ≤ 8 ms at N = 1,000; the N = 100,000 frame at most 2× the N = 1,000 frame (the two
   are measured in one run, interleaved, so that the machine's speed drifts out of the ratio).
   A race: the same frame with four runs (momentum, Adam and η/10 beside the first) against one
   run, N = 1,000, interleaved. Budget: at most 1.5× the one-run frame.
   The network view (mlp-moons, h = 8): the frame with it on screen against without, in a layout
   where every view is on screen and in the default desk layout (the network or the Jacobian in
   front of their tab group). Budget: at most 1.25×.
   The curvature view in front of the desk's tab group against the Jacobian (reported).
2. One "Generate" of 1,000 points: the click to the repainted window.
3. Frames while a 200 × 200 surface at N = 10,000 is computed in the background. Budget ≤ 50 ms.
4. Launch: a new process to the window on screen. Budget ≤ 1.0 s.

Medians of wall time and of the GUI thread's CPU time (which a busy neighbour on a shared
machine cannot inflate). `benchmarks/soak_long_run.py` measures long runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SCENARIOS = [
    ("logistic-blobs", "logistic regression, BCE"),
    ("softmax-blobs", "softmax regression, CE"),
    ("mlp-moons", "MLP h=8, CE"),
    ("linear-line", "linear regression, MSE"),
]


def long_run_window(doc: str, preset: str):
    """The command line of a long-run benchmark (--preset, --steps, --points) and the preset's window, drawn."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default=preset)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=None, help="N points of the preset's data set (default: its own)")
    args = parser.parse_args()
    from gradviz.gui.app import ensure_app

    ensure_app()
    window = window_for(args.preset, args.points)
    settle()
    window.surface_view.finish_rendering()
    return args, window


def settle() -> None:
    """Run the event loop until the turn's redraws and the repaints they ask for are done."""
    from PySide6.QtWidgets import QApplication

    for _ in range(2):
        QApplication.processEvents()


def window_for(preset: str, n_points: int | None):
    """The preset's window at 1600 × 900 with N points of its data set (None: as the preset has it), every view visible."""

    from gradviz import core
    from gradviz.gui import create_window

    window = create_window(["--preset", preset])
    s = window.session
    ds = s.source_dataset
    if n_points is not None and n_points != ds.n_samples:
        kwargs = {"classes": ds.n_classes} if ds.name in ("blobs", "spiral") else {}
        s.edit_dataset(core.generate(ds.name, n_samples=n_points, seed=0, **kwargs), "benchmark data")
    window.resize(1600, 900)
    window.show()
    side_by_side(window, ("jacobianDock", "networkDock", "derivationDock", "runsDock"))
    window.docks["networkDock"].close()  # its cost has a benchmark of its own
    for _ in range(3):
        settle()
    window.surface_view.finish_rendering()
    settle()
    return window


def side_by_side(window, names: tuple[str, ...]) -> None:
    """The docks `names` out of their tab group, side by side under the gradients, every one on screen.
    (Splitting a dock that sits in a tab group only adds a tab, and a group taken apart leaves its tab
    bar on screen: every dock right of the controls is taken out and put back, as the layout does.)"""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTabBar

    from gradviz.gui import layout

    docks = window.docks
    right = [name for name in docks if name != "controlsDock"]
    for name in right:
        window.removeDockWidget(docks[name])
    for name in right:
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, docks[name])
        docks[name].show()
    H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    window.splitDockWidget(docks["dataDock"], docks["lossSurfaceDock"], H)
    for first, second in (
        ("dataDock", "residualsDock"),
        ("residualsDock", "lossCurveDock"),
        ("lossSurfaceDock", "gradientDock"),
    ):
        window.splitDockWidget(docks[first], docks[second], V)
    before, orientation = "gradientDock", V
    for name in names:
        window.splitDockWidget(docks[before], docks[name], orientation)
        docks[name].show()
        before, orientation = name, Qt.Orientation.Horizontal
    settle()
    window.resize(1600, 900)  # the docks passed through one tall column
    settle()
    layout.default_sizes(window)
    for bar in window.findChildren(QTabBar):  # no dock is tabbed now: a bar still shown is a stale one of Qt's
        bar.hide()


def frame_times(window, frames: int) -> tuple[list[float], list[float]]:
    """(wall, GUI-thread CPU) seconds of `frames` frames."""
    s = window.session
    wall, cpu = [], []
    for _ in range(frames):
        t0, c0 = time.perf_counter(), time.thread_time()
        s.step(1)
        settle()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    return wall, cpu


def frames_small_and_large(preset: str, frames: int) -> dict[int, tuple[list[float], list[float]]]:
    """Frames at N = 1,000 and 100,000."""
    return interleaved_frames({n: window_for(preset, n) for n in (1_000, 100_000)}, frames)


def interleaved_frames(windows: dict, frames: int, rounds: int = 3) -> dict:
    """Each window's frames, in alternating blocks (the machine's drift hits them alike); closes them."""
    times: dict = {key: ([], []) for key in windows}
    for _ in range(rounds):
        for n, window in windows.items():
            for other in windows.values():  # no window's background surface work left over into this block
                other.surface_view.finish_rendering()
            settle()
            wall, cpu = frame_times(window, frames // rounds)
            times[n][0].extend(wall)
            times[n][1].extend(cpu)
    for window in windows.values():
        window.close()
    return times


def race_window(preset: str, runs: int):
    """The preset's window at N = 1,000 with `runs` runs racing (momentum, Adam, η/10 beside the first)."""
    window = window_for(preset, 1_000)
    s = window.session
    lr = s.settings.get("lr")
    for changes in ({"optimizer": "momentum"}, {"optimizer": "adam", "lr": 0.05}, {"lr": lr / 10})[: runs - 1]:
        s.add_run(**changes)
    s.focus_run(0)
    for _ in range(3):
        settle()
    return window


def frames_one_and_four_runs(preset: str, frames: int) -> dict[int, tuple[list[float], list[float]]]:
    """Frames with one run and with four racing, N = 1,000."""
    return interleaved_frames({n: race_window(preset, n) for n in (1, 4)}, frames)


def network_window(shown: bool):
    """mlp-moons (h = 8) at N = 1,000, every view visible and the network's dock beside them, the view in it
    drawn or hidden (an empty dock: every other view the same size in both windows)."""
    window = window_for("mlp-moons", 1_000)
    window.docks["networkDock"].show()
    window.network_view.setVisible(shown)
    for _ in range(3):
        settle()
    window.surface_view.finish_rendering()
    settle()
    return window


def frames_without_and_with_network(frames: int) -> dict:
    """Frames without and with the network view on screen (its edges, nodes, numbers and unit maps)."""
    return both_orders(network_window, (False, True), frames)


def both_orders(make, keys: tuple, frames: int) -> dict:
    """Frames of the windows make(key) for the two keys: two processes' worth of windows, made in both
    orders (the second window of a pair measured up to 15 % apart from the first, either way), their
    frames pooled."""
    pooled: dict = {key: ([], []) for key in keys}
    for order in (keys, keys[::-1]):
        for key, (wall, cpu) in interleaved_frames({key: make(key) for key in order}, frames // 2).items():
            pooled[key][0].extend(wall)
            pooled[key][1].extend(cpu)
    return pooled


def desk_window(front: str, pinned: bool = False):
    """mlp-moons (h = 8) at N = 1,000 in the default desk layout (1600 × 900), `front` in front of its tab
    group; `pinned`: the surface's plane pinned (its worker idle: no second thread wants the interpreter)."""
    from gradviz.gui import create_window

    window = create_window(["--preset", "mlp-moons", "--size", "1600x900"])
    s = window.session
    from gradviz import core

    s.edit_dataset(core.generate("moons", n_samples=1_000, seed=0), "benchmark data")
    s.pin_slice(pinned)
    window.show()
    window.docks[front].raise_()
    for _ in range(3):
        settle()
    window.surface_view.finish_rendering()
    settle()
    return window


def surface3d_window(preset: str, mode: str):
    """`preset` (N = 1,000 where it has data) at 1600 × 900 with the 3-D surface `mode`: "closed" (as the
    app opens), "front" (View › 3-D surface: in front of the tab it shares with the 2-D surface) or
    "beside" (split off beside the 2-D surface: both on screen). Needs OpenGL: run under Xvfb."""
    from PySide6.QtCore import Qt

    from gradviz import core
    from gradviz.gui import create_window

    window = create_window(["--preset", preset, "--size", "1600x900"])
    s = window.session
    if not s.settings.is_function:
        s.edit_dataset(core.generate("moons", n_samples=1_000, seed=0), "benchmark data")
    window.show()
    dock = window.docks["surface3dDock"]
    if mode == "front":
        window.show_view("surface3d")
    elif mode == "beside":
        dock.show()
        window.splitDockWidget(window.docks["lossSurfaceDock"], dock, Qt.Orientation.Horizontal)
    for _ in range(3):
        settle()
    window.surface_view.finish_rendering()
    window.surface3d_view.finish_rendering()
    settle()
    return window


def frames_with_surface3d(preset: str, mode: str, frames: int) -> dict:
    """Frames with the 3-D surface closed and `mode` ("front", "beside")."""
    return both_orders(lambda m: surface3d_window(preset, m), ("closed", mode), frames)


def frames_jacobian_or_network_in_front(frames: int, pinned: bool = False) -> dict:
    """The default desk layout, its tab group showing the Jacobian (as it opens) or the network."""
    return both_orders(lambda front: desk_window(front, pinned), ("jacobianDock", "networkDock"), frames)


def generate_time(preset: str, repeats: int = 10) -> float:
    window = window_for(preset, 1_000)
    s = window.session
    ds = s.source_dataset
    kwargs = {"classes": ds.n_classes} if ds.name in ("blobs", "spiral") else {}
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        s.generate(ds.name, 1_000, None, **kwargs)
        settle()
        times.append(time.perf_counter() - t0)
    window.close()
    return statistics.median(times)


def frames_during_background_surface(frames: int = 40) -> list[float]:
    """Frame times while the surface view's worker computes 200 × 200 at N = 10,000."""
    import numpy as np

    window = window_for("logistic-blobs", 10_000)
    # the plane pinned: following the run, a new surface would be asked for every 150 ms and this one dropped
    window.session.pin_slice(True)
    settle()
    view = window.surface_view
    view.alphas = np.linspace(view.alphas[0], view.alphas[-1], 200)
    view.betas = np.linspace(view.betas[0], view.betas[-1], 200)
    view._gen += 1
    view._start_job(view.alphas, view.betas, final=True)
    times = []
    t_job = time.perf_counter()
    while not view.idle or len(times) < frames:
        t0 = time.perf_counter()
        window.session.step(1)
        settle()
        times.append(time.perf_counter() - t0)
        if len(times) > 2000:
            break
    print(f"(the 200 × 200 surface finished in {time.perf_counter() - t_job:.2f} s over {len(times)} frames)")
    window.close()
    return times


def launch_time() -> float:
    code = (
        "import os, sys, time\n"
        "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "from gradviz.cli import parse_args\nfrom gradviz.gui.app import _build_window\n"
        "from PySide6.QtWidgets import QApplication\n"
        "w = _build_window(parse_args([]), defer_analysis=True)  # what `gradviz` does (app.open_window)\n"
        "w.show()\n"
        "QApplication.processEvents()\n"
        "print(time.time())\n"
        "w.build_deferred_views()\n"
    )
    # as a user's Python runs it: with bytecode caches (PYTHONDONTWRITEBYTECODE alone adds 0.1–0.2 s)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1]) - t0


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1e3:.1f} ms"


def pair_table(names: tuple[str, str], times: dict) -> None:
    """One markdown row for two measured cases: their median frames, the ratio, wall and CPU."""
    a, b = names
    (w1, c1), (w2, c2) = times.values()
    r, rc = statistics.median(w2) / statistics.median(w1), statistics.median(c2) / statistics.median(c1)
    print(f"| {a} | {b} | ratio | CPU {a} | CPU {b} | CPU ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {ms(w1)} | {ms(w2)} | {r:.2f}× | {ms(c1)} | {ms(c2)} | {rc:.2f}× |", flush=True)


def compare_table(names: tuple[str, str], measure) -> None:
    """A markdown table of two measured cases per scenario: medians, their ratio, wall and CPU."""
    a, b = names
    print(f"| scenario | {a} | {b} | ratio | CPU {a} | CPU {b} | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for preset, label in SCENARIOS:
        (w1, c1), (w2, c2) = measure(preset).values()
        r = statistics.median(w2) / statistics.median(w1)
        rc = statistics.median(c2) / statistics.median(c1)
        print(f"| {label} | {ms(w1)} | {ms(w2)} | {r:.2f}× | {ms(c1)} | {ms(c2)} | {rc:.2f}× |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument(
        "--only", choices=("frames", "race", "network", "curvature", "generate", "surface", "launch", "surface3d")
    )
    args = parser.parse_args()
    from gradviz.gui.app import ensure_app

    ensure_app()
    if args.only in (None, "frames"):
        print("\n## A frame with every view (1600 × 900, offscreen)\n")
        compare_table(("N = 1,000", "N = 100,000"), lambda preset: frames_small_and_large(preset, args.frames))
    if args.only in (None, "race"):
        print("\n## A frame with four runs racing vs one run (N = 1,000, every view; budget ≤ 1.5×)\n")
        compare_table(("1 run", "4 runs"), lambda preset: frames_one_and_four_runs(preset, args.frames))
    if args.only in (None, "network"):
        print("\n## A frame with the network view on screen vs without (mlp-moons, h = 8, N = 1,000; budget ≤ 1.25×)\n")
        print("Every view on screen, the network's dock beside them, empty or showing the view:\n")
        pair_table(("without", "with"), frames_without_and_with_network(args.frames))
        print("\nThe default desk layout, the Jacobian (as it opens) or the network in front of their tab group:\n")
        pair_table(("Jacobian", "network"), frames_jacobian_or_network_in_front(args.frames))
        print(
            "\nThe same with the surface's plane pinned (no background surface work competing for the interpreter):\n"
        )
        pair_table(("Jacobian", "network"), frames_jacobian_or_network_in_front(args.frames, pinned=True))
    if args.only in (None, "curvature"):
        print("\n## A frame with the curvature view in front vs the Jacobian (mlp-moons, h = 8, N = 1,000, desk)\n")
        print("Its spectra (the current step's, and λmax on a stride over the run) come from a worker thread:\n")
        pair_table(("Jacobian", "curvature"), both_orders(desk_window, ("jacobianDock", "curvatureDock"), args.frames))
    if args.only == "surface3d":  # needs OpenGL: QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1080x24" …
        from PySide6.QtWidgets import QApplication

        print(f"\n## A frame with the 3-D surface (budget ≤ 1.3×; {QApplication.platformName()}, Mesa's software GL)\n")
        for preset in ("playground-rosenbrock", "mlp-moons"):
            for mode in ("front", "beside"):
                print(f"\n{preset}, the 3-D surface closed vs {mode}:\n")
                pair_table(("closed", mode), frames_with_surface3d(preset, mode, args.frames))
    if args.only in (None, "generate"):
        print("\n## Generate 1,000 points, click to repainted window\n")
        for preset, label in SCENARIOS:
            print(f"- {label}: {generate_time(preset) * 1e3:.1f} ms", flush=True)
    if args.only in (None, "surface"):
        t = sorted(frames_during_background_surface())
        print("\n## Frames while a 200 × 200 surface (N = 10,000) is computed in the background\n")
        print(f"median {statistics.median(t) * 1e3:.1f} ms, max {t[-1] * 1e3:.1f} ms (budget ≤ 50 ms)")
    if args.only in (None, "launch"):
        launch_time()  # warm-up: writes the bytecode caches, as the first launch after installing does
        launches = [launch_time() for _ in range(5)]
        print("\n## Launch to window shown (new process, median of 5)\n")
        print(f"{statistics.median(launches):.2f} s (budget ≤ 1.0 s)")


if __name__ == "__main__":
    main()
