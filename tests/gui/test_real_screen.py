"""A lesson in a real window on a real X server (Xvfb), with a window manager (openbox) and without:
`gradviz --lesson` fills the screen it starts on, F5 twice comes back to the same geometry and docks,
and the desk never reaches past the screen. Offscreen, Qt has no screen to fill and no window manager
to answer "full screen"; only a real display shows what a lecturer's projector will."""

import shutil
from pathlib import Path

import pytest

from .xvfb import needs_xvfb, run_probe

PROBE = Path(__file__).with_name("screen_probe.py")


def probe(tmp_path, screen: str, *flags: str) -> dict:
    return run_probe(PROBE, list(flags), tmp_path, screen)[0]


def check(out: dict) -> None:
    lesson, desk_from_lesson, again, desk = out["lesson"], out["desk_from_lesson"], out["lesson_again"], out["desk"]
    assert lesson["present"] and lesson["fills"], lesson
    assert lesson["frame"] == lesson["screen"] and lesson["caption_inside"], lesson
    assert lesson["scene"] == 1  # --scene 2, 1-based
    assert not desk_from_lesson["present"] and desk_from_lesson["scene"] == 1  # the lesson goes on at the desk
    assert "controlsDock" in desk_from_lesson["docks"]
    # F5 twice: exactly where it was, with the same docks in the same places
    assert again["present"] and again["fills"]
    assert (again["frame"], again["docks"], again["scene"]) == (lesson["frame"], lesson["docks"], lesson["scene"])
    for window in (desk_from_lesson, desk):  # the desk: inside the screen, title bar and all
        x, y, w, h = window["frame"]
        sx, sy, sw, sh = window["free"]
        assert sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh, window


@pytest.mark.skipif(shutil.which("openbox") is None, reason="openbox is not installed here (.ci/run installs it)")
@needs_xvfb
def test_a_lesson_fills_the_screen_under_a_window_manager_and_f5_twice_comes_back(tmp_path):
    out = probe(tmp_path, "1280x720", "--wm")
    assert out["wm"], "openbox did not start"
    check(out)


@needs_xvfb
def test_a_lesson_fills_the_screen_without_a_window_manager(tmp_path):
    check(probe(tmp_path, "1024x768"))
