"""The 3-D surface: where there is no OpenGL (the offscreen platform, no PyOpenGL) it says why and
nothing else changes; under Xvfb with Mesa's software OpenGL it draws the slice in viridis with the
path and the point, turns and zooms with the mouse, and leaves the arrow keys to the run."""

import builtins
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gradviz.gui.views import surface3d

PROBE = Path(__file__).with_name("gl_probe.py")


def test_offscreen_the_dock_says_why_and_builds_nothing_that_needs_gl(make_window):
    window = make_window("--function", "rosenbrock", "--steps", "5")
    view = window.surface3d_view
    assert "OpenGL" in view.problem and view.message.isVisibleTo(view)
    assert view.scene is None and not view.log_check.isEnabled()
    window.show_view("surface3d")
    window.session.step(3)
    window.flush()
    assert view.scene is None and window.session.current_step == 8  # everything else goes on
    actions = [a.text() for a in window.menuBar().actions()[2].menu().actions()]
    assert "3-D surface" in actions  # View › 3-D surface


def test_without_pyopengl_it_says_how_to_get_it(monkeypatch):
    real = builtins.__import__

    def no_opengl(name, *args, **kwargs):
        if name.startswith("OpenGL"):
            raise ImportError("No module named 'OpenGL'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_opengl)
    assert 'pip install "gradviz[3d]"' in surface3d.gl_problem()


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb is not installed here (.ci/run installs it)")
def test_under_xvfb_with_software_opengl(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QT_QPA_PLATFORM="xcb", LIBGL_ALWAYS_SOFTWARE="1", XDG_CONFIG_HOME=str(tmp_path))
    shot = tmp_path / "window.png"
    command = [sys.executable, str(PROBE), "--function", "himmelblau", "--steps", "30", str(shot)]
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-2000:]
    out = json.loads(lines[-1])
    assert out["platform"] == "xcb" and out["problem"] == "", out
    assert out["surface_shape"] == [surface3d.GRID, surface3d.GRID]
    assert out["non_white"] > 0.1 and out["low"] > 0.02 and out["high"] > 0.002  # the surface, in viridis
    assert out["step_after"] == out["step_before"] + 1 and out["point_moved"]  # → steps the run …
    assert not out["focus_in_scene"]  # … the GL view never takes the keys
    assert out["turned_changes"] > 0.05 and out["zoomed"]  # dragging turns it, the wheel zooms
    assert "x" in out["log_label"] and "height log₁₀ f" in out["log_label"]
    # a new GL context (floated and docked again; F5's new window): still drawn, without a GL error
    assert out["redocked_non_white"] > 0.1 and out["presenting_non_white"] > 0.1
    assert "Error while drawing" not in done.stderr
    assert shot.exists()
