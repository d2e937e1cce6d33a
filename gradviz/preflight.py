"""Before Qt starts: is there a display, and can Qt's platform plugin load? Say so in words if not.

Without a display, or with a system library that Qt's X11 plugin needs missing, creating the
QApplication aborts the process (SIGABRT, a core dump) with a message that often names the wrong
library. This check runs first, with the standard library only, and returns one clear message:
what is missing, the exact install line for Debian/Ubuntu and for Fedora, and that
`--screenshot` works without a display.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["display_problem", "missing_libraries", "PACKAGES", "HEADLESS_PLATFORMS"]

# platforms that need no display
HEADLESS_PLATFORMS = ("offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay")

# a shared library → (Debian/Ubuntu package, Fedora package)
PACKAGES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl"),
}
# loaded by the X11 plugin at run time rather than linked: ldd does not list it
_RUNTIME = {"xcb": ("libxcb-cursor.so.0",), "wayland": ()}


def _qt_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt"


def _plugin_files(platform: str) -> list[Path]:
    qt = _qt_dir()
    if qt is None:
        return []
    names = {
        "xcb": ["plugins/platforms/libqxcb.so", "lib/libQt6XcbQpa.so.6"],
        "wayland": ["plugins/platforms/libqwayland.so"],
    }
    return [qt / n for n in names.get(platform, []) if (qt / n).exists()]


def _ldd_missing(path: Path) -> list[str]:
    """The shared libraries `path` needs that the dynamic loader cannot find."""
    if shutil.which("ldd") is None:
        return []
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=20).stdout
    return [line.split()[0] for line in out.splitlines() if "not found" in line]


def _loadable(soname: str) -> bool:
    import ctypes

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(
    platform: str,
    missing_of: Callable[[Path], list[str]] = _ldd_missing,
    loadable: Callable[[str], bool] = _loadable,
) -> list[str]:
    """Sonames the Qt platform plugin needs and this system lacks (sorted, each once)."""
    missing = {name for path in _plugin_files(platform) for name in missing_of(path)}
    missing |= {name for name in _RUNTIME.get(platform, ()) if not loadable(name)}
    return sorted(missing)


def _install_lines(missing: list[str]) -> str:
    debian = sorted({PACKAGES.get(m, (m,))[0] for m in missing})
    fedora = sorted({PACKAGES.get(m, (None, m))[1] for m in missing})
    return (
        f"  Debian/Ubuntu:  sudo apt install {' '.join(debian)}\n  Fedora:         sudo dnf install {' '.join(fedora)}"
    )


def display_problem(
    env: Mapping[str, str] | None = None,
    missing: Callable[[str], list[str]] = missing_libraries,
    system: str = sys.platform,
) -> str | None:
    """None if a window can open; else what is wrong and how to fix it, in a few lines."""
    env = os.environ if env is None else env
    if not system.startswith("linux"):
        return None  # macOS and Windows ship what Qt needs
    asked = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if asked in HEADLESS_PLATFORMS:
        return None
    if asked:
        platform = asked
    elif env.get("DISPLAY"):
        platform = "xcb"
    elif env.get("WAYLAND_DISPLAY"):
        platform = "wayland"
    else:
        return (
            "gradviz cannot open a window: no display is reachable (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "Run it in a desktop session, over `ssh -X`, or under `xvfb-run gradviz`.\n"
            "Without a display, `gradviz --screenshot out.png` still renders the window to a picture."
        )
    lacking = missing(platform)
    if not lacking:
        return None
    kind = "X11 (xcb)" if platform == "xcb" else platform
    return (
        f"gradviz cannot open a window: Qt's {kind} platform plugin needs system libraries this machine lacks:\n"
        f"  {', '.join(lacking)}\n"
        f"Install them, then start gradviz again:\n{_install_lines(lacking)}\n"
        "Without a window, `gradviz --screenshot out.png` still renders the window to a picture."
    )
