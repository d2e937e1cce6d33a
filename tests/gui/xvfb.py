"""Run a probe script in a real window on a virtual X server (Xvfb) and read back the JSON it prints.

Offscreen Qt has no OpenGL, no window manager and no screen to fill; the probes (gl_probe.py,
screen_probe.py) open the window there and report what it showed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_skip_without_xvfb = pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="Xvfb is not installed here (.ci/run installs it)"
)
# every real-screen test on one test worker: two servers started at once by `xvfb-run -a` can pick the
# same display number
_one_at_a_time = pytest.mark.xdist_group("xvfb")


def needs_xvfb(test):
    """Mark a test that runs a probe in a real window (skipped where Xvfb cannot be had)."""
    return _one_at_a_time(_skip_without_xvfb(test))


def run_probe(probe: Path, args: list[str], tmp_path: Path, screen: str = "1280x720", **env_extra: str) -> tuple:
    """(the probe's last JSON line as a dict, its stderr). A fresh user's folders: no saved layout,
    no autosave to offer back."""
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(
        QT_QPA_PLATFORM="xcb",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        **env_extra,
    )
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24", sys.executable, str(probe), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    out = json.loads(lines[-1])
    assert out["platform"] == "xcb", out
    return out, done.stderr
