"""gradviz in a desktop's application menu: a .desktop entry and its icon, for one user, no root.

Follows freedesktop.org's specifications: the entry goes to $XDG_DATA_HOME/applications (default
~/.local/share/applications), the icon to the hicolor theme under $XDG_DATA_HOME/icons (an SVG
for any size, PNGs for the sizes panels and docks ask for). The entry starts gradviz with the
Python that installed it (`python -m gradviz`), so it works from a virtual environment that is
not on PATH. No Qt here: `gradviz --install-desktop-entry` runs before any window exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from gradviz.core._files import write_bytes_atomic
from gradviz.resources import resource_path

__all__ = [
    "APP_ID",
    "ICON_SIZES",
    "data_home",
    "desktop_entry",
    "icon_png",
    "icon_svg",
    "install_desktop_entry",
    "installed_paths",
    "uninstall_desktop_entry",
]

APP_ID = "gradviz"  # the entry's file name, the icon's name, the window's desktop file name
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# characters that make an Exec argument need quotes (the Desktop Entry Specification, "The Exec key")
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def icon_svg() -> Path:
    return resource_path("icons", f"{APP_ID}.svg")


def icon_png(size: int) -> Path:
    return resource_path("icons", f"{APP_ID}-{size}.png")


def data_home(env: Mapping[str, str] = os.environ) -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset, empty or relative (the spec says to ignore it then)."""
    given = env.get("XDG_DATA_HOME", "")
    if given and os.path.isabs(given):
        return Path(given)
    return Path(env.get("HOME") or Path.home()) / ".local" / "share"


def installed_paths(env: Mapping[str, str] = os.environ) -> list[Path]:
    """Every file the entry installs: the entry itself, then the icons."""
    home = data_home(env)
    icons = home / "icons" / "hicolor"
    return [
        home / "applications" / f"{APP_ID}.desktop",
        icons / "scalable" / "apps" / f"{APP_ID}.svg",
        *(icons / f"{s}x{s}" / "apps" / f"{APP_ID}.png" for s in ICON_SIZES),
    ]


def _exec_argument(text: str) -> str:
    """One argument of the Exec key: quoted when it must be, with the spec's escapes."""
    if _RESERVED.isdisjoint(text) and text:
        quoted = text
    else:
        quoted = '"' + "".join("\\" + c if c in '"`$\\' else c for c in text) + '"'
    return quoted.replace("\\", "\\\\")  # the file's own string escape, applied after the Exec rules


def desktop_entry(python: str = sys.executable) -> str:
    """The .desktop file's text: gradviz started by `python -m gradviz`, a file given opened in it."""
    command = " ".join(_exec_argument(part) for part in (python, "-m", "gradviz"))
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.4",
            "Name=gradviz",
            "GenericName=Gradient descent visualiser",
            "Comment=See how gradient descent works: loss surfaces, residuals, the softmax Jacobian and gradients, live",
            f"Exec={command} %f",
            f"TryExec={_exec_argument(python)}",
            f"Icon={APP_ID}",
            "Terminal=false",
            "Categories=Education;Math;DataVisualization;",
            "Keywords=gradient;descent;optimizer;loss;neural network;machine learning;regression;",
            "MimeType=text/csv;",
            f"StartupWMClass={APP_ID}",
            "",
        ]
    )


def install_desktop_entry(env: Mapping[str, str] = os.environ, python: str = sys.executable) -> list[Path]:
    """Write the entry and the icons (again, if they are there); the paths written. An OSError says
    which one could not be written."""
    entry, svg, *pngs = installed_paths(env)
    sources = [None, icon_svg(), *(icon_png(s) for s in ICON_SIZES)]
    for target, source in zip([entry, svg, *pngs], sources, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        data = desktop_entry(python).encode() if source is None else source.read_bytes()
        write_bytes_atomic(target, data)
    _refresh(entry.parent, svg.parents[2])
    return [entry, svg, *pngs]


def uninstall_desktop_entry(env: Mapping[str, str] = os.environ) -> list[Path]:
    """Remove what `install_desktop_entry` wrote (nothing else); the paths removed."""
    removed = []
    for path in installed_paths(env):
        if path.is_file():
            path.unlink()
            removed.append(path)
    paths = installed_paths(env)
    _refresh(paths[0].parent, paths[1].parents[2])
    return removed


def _refresh(applications: Path, icons: Path) -> None:
    """Tell the desktop's caches, where their tools exist (menus pick new entries up anyway, later)."""
    for tool, folder in (("update-desktop-database", applications), ("gtk-update-icon-cache", icons)):
        program = shutil.which(tool)
        if program and folder.is_dir():
            args = (
                [program, "-q", str(folder)]
                if tool == "update-desktop-database"
                else [program, "-q", "-t", str(folder)]
            )
            subprocess.run(args, check=False, capture_output=True, timeout=30)
