"""The `gradviz` command (and `python -m gradviz`): what the command line asks for, done.

What needs no window runs here without Qt: the lists, the runs' history as CSV, the desktop entry,
a lesson's scenes built (a lesson that cannot be shown is one line, at once). The window and its
pictures need Qt, which aborts the process where it cannot start (no display, a system library
missing): `preflight` checks first and says what to install, and only then is the GUI imported,
inside `main` (the one import of the GUI outside it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from gradviz import desktop
from gradviz.cli import makes_pictures, parse_args
from gradviz.core import os_reason
from gradviz.lessons import list_lessons
from gradviz.preflight import display_problem
from gradviz.presets import list_presets
from gradviz.session_options import export_history, lesson_from_args

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # `gradviz --list-presets | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more at exit either
        return 0


def _run(args: argparse.Namespace) -> int:
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        return _desktop_entry(args.install_desktop_entry)
    if args.list_presets:
        for preset in list_presets():
            print(f"{preset.name:18s} {preset.title}: {preset.description}")
        return 0
    if args.list_lessons:
        for lesson in list_lessons():
            print(f"{lesson.name}  {lesson.title}")
        return 0
    if args.lesson:  # every scene built before any window: a lesson that cannot be shown is one line, at once
        try:
            args = argparse.Namespace(**{**vars(args), "lesson_show": lesson_from_args(args)})
        except ValueError as exc:
            print(f"gradviz: {exc}", file=sys.stderr)
            return 2
    if args.export_history:
        return export_history(args)
    if makes_pictures(args):  # drawn off screen: no display needed
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = display_problem()  # before Qt exists: without a display Qt aborts the process
    if problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        from gradviz.gui.app import run  # Qt, now that it can start
    except ImportError as exc:  # Qt missing or broken: say so instead of a traceback
        print(f"gradviz: the window cannot start ({exc}). Install with: pip install gradviz", file=sys.stderr)
        return 1
    return run(args)


def _desktop_entry(install: bool) -> int:
    """--install-desktop-entry / --uninstall-desktop-entry: what was done, in words; no Qt needed."""
    try:
        paths = desktop.install_desktop_entry() if install else desktop.uninstall_desktop_entry()
    except OSError as exc:
        where = exc.filename or desktop.data_home()
        print(
            f"gradviz: could not {'install' if install else 'remove'} the desktop entry ({where}: {os_reason(exc)})",
            file=sys.stderr,
        )
        return 2
    if install:
        print(f"Installed {paths[0]} and the icon ({len(paths) - 1} files under {paths[1].parents[2]}).")
        print("gradviz is in the application menu (Education); a session or CSV file opens in it with Open with.")
    elif paths:
        print(f"Removed {paths[0]}" + (f" and its icon ({len(paths) - 1} files)." if len(paths) > 1 else "."))
    else:
        print("The desktop entry is not installed for this user: nothing to remove.")
    return 0
