"""The 3-D surface: where there is no OpenGL (the offscreen platform, no PyOpenGL) it says why and
nothing else changes; under Xvfb with Mesa's software OpenGL it draws the slice in viridis with the
path and the point, turns and zooms with the mouse, and leaves the arrow keys to the run."""

import builtins
from pathlib import Path

from gradviz.gui.views import surface3d

from .xvfb import needs_xvfb, run_probe

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


@needs_xvfb
def test_under_xvfb_with_software_opengl(tmp_path):
    shot = tmp_path / "window.png"
    out, stderr = run_probe(
        PROBE, ["--function", "himmelblau", "--steps", "30", str(shot)], tmp_path, LIBGL_ALWAYS_SOFTWARE="1"
    )
    assert out["problem"] == "", out
    assert out["surface_shape"] == [surface3d.GRID, surface3d.GRID]
    assert out["non_white"] > 0.1 and out["low"] > 0.02 and out["high"] > 0.002  # the surface, in viridis
    assert out["step_after"] == out["step_before"] + 1 and out["point_moved"]  # → steps the run …
    assert not out["focus_in_scene"]  # … the GL view never takes the keys
    assert out["turned_changes"] > 0.05 and out["zoomed"]  # dragging turns it, the wheel zooms
    assert "x" in out["log_label"] and "height log₁₀ f" in out["log_label"]
    # a new GL context (floated and docked again; F5's new window): still drawn, without a GL error
    assert out["redocked_non_white"] > 0.1 and out["presenting_non_white"] > 0.1
    assert "Error while drawing" not in stderr
    assert shot.exists()
