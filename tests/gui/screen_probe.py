"""Run under a real X server (Xvfb), with or without a window manager: open a lesson as `gradviz
--lesson` does, press F5 twice, open the desk, and print as JSON where each window sat on the screen
and which docks it showed where (tests/gui/test_real_screen.py reads it).

    python tests/gui/screen_probe.py [--wm]   # --wm: start openbox first and wait until it manages
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time


def _start_window_manager() -> subprocess.Popen | None:
    """openbox, once it has claimed the screen (the root window names its check window), or None."""
    if shutil.which("openbox") is None or shutil.which("xprop") is None:
        return None
    wm = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        check = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], capture_output=True, text=True)
        if "window id" in check.stdout:
            return wm
        time.sleep(0.1)
    wm.kill()
    return None


def _rect(r) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def _settle(window, ms: int = 600) -> None:
    from PySide6.QtTest import QTest

    QTest.qWaitForWindowExposed(window)
    deadline = time.monotonic() + 30
    while window.jobs.running and time.monotonic() < deadline:  # the scene's state opening in slices
        QTest.qWait(50)
    QTest.qWait(ms)  # the window manager's answer to "full screen" / "maximised" comes back in events
    window.flush()


def _seen(window) -> dict:
    """Where the window is and which docks are on screen (not closed, not behind a tab), where."""
    from gradviz.gui import placement

    docks = {
        name: _rect(dock.geometry())
        for name, dock in window.docks.items()
        if dock.isVisible() and not dock.visibleRegion().isEmpty()
    }
    return {
        "present": window.theme.present,
        "full_screen": window.isFullScreen(),
        "fills": placement.fills_screen(window),
        "frame": _rect(window.frameGeometry()),
        "geometry": _rect(window.geometry()),
        "screen": _rect(window.screen().geometry()),
        "free": _rect(window.screen().availableGeometry()),
        "docks": docks,
        "scene": None if window.model.lesson is None else window.model.lesson.scene_index,
        "caption_inside": window.rect().contains(window.caption_band.geometry()),
    }


def _press_f5(window):
    """F5's action (without a window manager nothing gives the window the keyboard's focus)."""
    window.actions_by_name["presentAction"].trigger()
    other = window.next_window
    _settle(other)
    return other


def main(argv: list[str]) -> int:
    wm = _start_window_manager() if "--wm" in argv else None
    out = {"wm": wm is not None}
    try:
        from PySide6.QtWidgets import QApplication

        from gradviz.cli import parse_args
        from gradviz.gui.app import open_window

        window = open_window(args=parse_args(["--lesson", "loss-gradients", "--scene", "2"]))
        window.ask_before_closing = False
        _settle(window)
        out["platform"] = QApplication.platformName()
        out["lesson"] = _seen(window)
        desk = _press_f5(window)
        out["desk_from_lesson"] = _seen(desk)
        again = _press_f5(desk)
        out["lesson_again"] = _seen(again)
        again.ask_before_closing = False
        again.close()
        fresh = open_window(args=parse_args(["--preset", "logistic-blobs"]))
        fresh.ask_before_closing = False
        _settle(fresh)
        out["desk"] = _seen(fresh)
        fresh.close()
    finally:
        if wm is not None:
            wm.kill()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
