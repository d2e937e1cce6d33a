"""Before Qt starts: no display or a missing system library is one clear message and exit 1, never an abort."""

import os
import subprocess
import sys

from gradviz.preflight import display_problem, missing_libraries


def test_no_display_is_said_in_words():
    msg = display_problem(env={}, system="linux")
    assert "no display" in msg and "--screenshot" in msg and "xvfb-run" in msg


def test_missing_libraries_name_the_install_lines_for_debian_and_fedora():
    def lacking(platform):
        assert platform == "xcb"
        return ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]

    msg = display_problem(env={"DISPLAY": ":0"}, missing=lacking, system="linux")
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in msg
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in msg
    assert "sudo dnf install xcb-util-keysyms xcb-util-wm" in msg
    assert "--screenshot" in msg


def test_a_working_system_and_headless_platforms_pass():
    assert display_problem(env={"DISPLAY": ":0"}, missing=lambda p: [], system="linux") is None
    assert display_problem(env={"QT_QPA_PLATFORM": "offscreen"}, missing=lambda p: ["x"], system="linux") is None
    assert display_problem(env={}, system="darwin") is None
    assert display_problem(env={"WAYLAND_DISPLAY": "wayland-0"}, missing=lambda p: [], system="linux") is None


def test_the_resolver_reads_the_plugins_needs():
    seen = []

    def missing_of(path):
        seen.append(path.name)
        return ["libxcb-icccm.so.4"] if path.name == "libqxcb.so" else []

    assert missing_libraries("xcb", missing_of=missing_of, loadable=lambda name: False) == [
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
    ]
    assert "libqxcb.so" in seen


def test_gradviz_without_a_display_exits_1_with_the_message():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "gradviz"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 1
    assert "no display" in out.stderr and "Traceback" not in out.stderr
