"""The desktop entry and the icon: installed per user under XDG_DATA_HOME, removed again, the PNGs
the SVG's renderings, the window's icon set from them."""

import configparser
import os
import shlex
import subprocess
import sys

import numpy as np
import pytest

from gradviz import desktop


def _run(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "gradviz", *args], env=env, capture_output=True, text=True, timeout=120
    )


def _entry(path) -> dict:
    parser = configparser.RawConfigParser(delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_install_and_uninstall_the_desktop_entry_for_one_user(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    done = _run("--install-desktop-entry", env=env)
    assert done.returncode == 0, done.stderr
    paths = desktop.installed_paths(env)
    assert all(p.is_file() for p in paths) and str(paths[0]) in done.stdout
    entry = _entry(paths[0])
    assert entry["Type"] == "Application" and entry["Name"] == "gradviz" and entry["Icon"] == "gradviz"
    assert entry["Categories"].endswith(";") and "Education" in entry["Categories"]
    python, *rest = shlex.split(entry["Exec"])
    assert os.path.samefile(python, sys.executable) and rest == ["-m", "gradviz", "%f"]
    for size in desktop.ICON_SIZES:
        assert (tmp_path / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "gradviz.png").is_file()
    assert (tmp_path / "share/icons/hicolor/scalable/apps/gradviz.svg").read_bytes() == desktop.icon_svg().read_bytes()
    # the entry starts what it says: the same command, with --version, answers
    version = subprocess.run([python, *rest[:-1], "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("gradviz ")
    # installing again is harmless; uninstalling removes ours and nothing else
    other = tmp_path / "share" / "applications" / "someone-else.desktop"
    other.write_text("[Desktop Entry]\nType=Application\nName=x\nExec=x\n")
    assert _run("--install-desktop-entry", env=env).returncode == 0
    gone = _run("--uninstall-desktop-entry", env=env)
    assert gone.returncode == 0 and not any(p.exists() for p in paths) and other.is_file()
    again = _run("--uninstall-desktop-entry", env=env)
    assert again.returncode == 0 and "nothing to remove" in again.stdout


def test_an_unwritable_place_is_one_line(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    bad = _run("--install-desktop-entry", env={**os.environ, "XDG_DATA_HOME": str(blocked)})
    assert bad.returncode == 2 and bad.stderr.startswith("gradviz: could not install") and "Traceback" not in bad.stderr


def test_the_entry_is_valid_where_the_validator_exists(tmp_path):
    import shutil

    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate (desktop-file-utils) is not installed")
    path = tmp_path / "gradviz.desktop"
    path.write_text(desktop.desktop_entry())
    out = subprocess.run([validator, str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_exec_arguments_are_quoted_and_escaped_as_the_spec_says():
    entry = desktop.desktop_entry("/opt/my apps/$HOME/py\\thon")
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line == 'Exec="/opt/my apps/\\\\$HOME/py\\\\\\\\thon" -m gradviz %f'


def test_xdg_data_home_relative_or_empty_is_ignored(tmp_path):
    home = {"HOME": str(tmp_path)}
    assert desktop.data_home({**home, "XDG_DATA_HOME": "relative/share"}) == tmp_path / ".local/share"
    assert desktop.data_home({**home, "XDG_DATA_HOME": ""}) == tmp_path / ".local/share"
    assert desktop.data_home({**home, "XDG_DATA_HOME": "/x/y"}) == desktop.Path("/x/y")


def test_the_pngs_are_the_svg_drawn_at_each_size(qapp):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
    from render_icons import render

    for size in desktop.ICON_SIZES:
        from PySide6.QtGui import QImage

        stored = QImage(str(desktop.icon_png(size))).convertToFormat(QImage.Format.Format_ARGB32)
        fresh = render(size)
        assert (stored.width(), stored.height()) == (size, size)
        a = np.frombuffer(stored.constBits(), np.uint8).astype(int)
        b = np.frombuffer(fresh.constBits(), np.uint8).astype(int)
        assert np.abs(a - b).max() <= 8, f"{size}: run scripts/render_icons.py after editing the SVG"


def test_the_window_icon_has_every_size(qapp):
    from gradviz.gui.app import ensure_app

    app = ensure_app()
    sizes = {s.width() for s in app.windowIcon().availableSizes()}
    assert set(desktop.ICON_SIZES) <= sizes and app.desktopFileName() == "gradviz"
