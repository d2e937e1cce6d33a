"""Start the window: the QApplication, the window built from command-line options, and what is made
without one on screen (screenshots, a view for a slide, recordings, a lesson's handout).

Reached from the `gradviz` command (gradviz/start.py) once Qt can start there, and from tests and
scripts through `create_window`. What the options mean as a session is gradviz/session_options.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import pyqtgraph as pg
from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QCoreApplication, QSize, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
from threadpoolctl import threadpool_limits

from gradviz.cli import makes_pictures, parse_args
from gradviz.desktop import APP_ID, ICON_SIZES, icon_png
from gradviz.session_options import DEFAULT_PRESET, lesson_from_args, session_data_from_args
from gradviz.state import Session
from gradviz.state.window_model import WindowModel

from . import placement
from .autosave import Autosave, orphaned_autosaves
from .handout import write_handout
from .main_window import MainWindow
from .recent import remember_file
from .recorder import DEFAULT_STEPS, Recording
from .view_pictures import prepare_for_pictures

__all__ = ["create_window", "ensure_app", "open_window", "run"]

HANDOUT_SIZE = (1280, 720)  # a projector's: the lesson's pictures as the hall saw them


def ensure_app() -> QApplication:
    """The QApplication (made once), with pyqtgraph configured before any plot exists."""
    app = QApplication.instance()
    if app is None:
        # one GL resource pool for every context: a dock that is floated, moved or docked again gives its
        # 3-D view a new context, and pyqtgraph's compiled shaders must stay valid in it
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("gradviz")
        app.setOrganizationName("gradviz")
        app.setApplicationDisplayName("gradviz")
    _collect_on_this_thread(app)
    # one BLAS thread per call: the GUI thread and the surface's worker thread already take the two cores a
    # laptop may have, and OpenBLAS's own pool beside them made the window's turns twice as long at 100,000
    # points (a surface is 10 % slower on one thread; the window's own NumPy calls are too small to gain)
    threadpool_limits(1, user_api="blas")
    if app.windowIcon().isNull():  # once (also when a test harness made the QApplication)
        app.setDesktopFileName(APP_ID)  # Wayland and docks match the window to the installed entry's icon
        app.setWindowIcon(app_icon())
    pg.setConfigOptions(imageAxisOrder="row-major", background="w", foreground="k", antialias=True)
    return app


def _collect_on_this_thread(app) -> None:
    """Python's cycle collector runs only here, on the GUI thread, from a timer (pyqtgraph's
    GarbageCollector), never on a worker: a cycle it frees may hold a Qt object whose destructor must
    not run off the GUI thread (seen: a surface worker's collection freed a widget, and shiboken and
    the interpreter lock waited on each other for good)."""
    if getattr(app, "_gradviz_collector", None) is None:
        app._gradviz_collector = GarbageCollector(interval=0.5)


def app_icon() -> QIcon:
    """gradviz's icon: the SVG drawn at every size a desktop asks for (resources/icons)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)), QSize(size, size))
    return icon


def create_window(argv: Sequence[str] | None = None) -> MainWindow:
    """Build the main window from command-line options without starting the event loop."""
    return _build_window(parse_args(list(argv or [])))


def _build_window(args: argparse.Namespace, defer_analysis: bool = False) -> MainWindow:
    ensure_app()
    show = getattr(args, "lesson_show", None) or lesson_from_args(args)  # the command built it already
    if show is not None:  # a lesson is presented
        args = argparse.Namespace(**{**vars(args), "present": True})
        data, notes = show.state.data, ()
    else:
        data, notes = session_data_from_args(args)
    session = Session(data.dataset, data.settings)
    if not defer_analysis:  # a screenshot or a test: the state at once
        session.apply_session(data)  # steps, selection and slice
    model = WindowModel(args.present, args.size)  # a projector's size: its fonts too
    model.preset_name = None if args.load else args.preset or DEFAULT_PRESET
    if show is not None:
        model.show_lesson(show, show.lesson.name)
    window = MainWindow(
        session, model, restore_layout=not (args.screenshot or args.size), defer_analysis=defer_analysis
    )
    if show is not None:
        if defer_analysis:
            window.lessons.show_scene(show.scene_index)
        else:
            window.lessons.arrive_at_scene(show.scene_index)
    elif defer_analysis:  # on screen: a long saved run re-runs in slices, with its progress shown
        name = os.path.basename(args.load) if args.load else f"the lesson {args.preset or DEFAULT_PRESET}"
        window.files.open_replay(session.replay(data), f"Opening {name}")
    else:
        window.bring_to_front(data.extra.get("front"))
    if notes:
        window.message_bar.show_message("; ".join(notes), "warning")
    return window


def open_window(argv: Sequence[str] | None = None, args: argparse.Namespace | None = None) -> MainWindow:
    """Build, show, and then fill in the analysis views: on screen as early as possible."""
    args = parse_args(list(argv or [])) if args is None else args
    window = _build_window(args, defer_analysis=True)
    window.ask_before_closing = True
    orphans = orphaned_autosaves()  # before this window's own autosave exists
    window.autosave = Autosave(window.session, window)
    for kind, path in (("session", args.load), ("data", args.data)):
        if path:
            remember_file(kind, path)
    placement.show(window)  # a presentation (a lesson's too) fills the screen; the desk fits it
    QApplication.processEvents()
    window.build_deferred_views()
    if orphans:  # a gradviz before this one ended without closing: its work is offered back
        window.files.offer_recovery(orphans[0])
    return window


def save_screenshot(window, path: str, args: argparse.Namespace, view: str = "window") -> str | None:
    """Render the window off screen at `--size` (default 1600 × 900) and write it, or one of its views
    alone at `--view-size` (a slide's, 1280 × 720), at `--scale`; None, or what went wrong in words."""
    prepare_for_pictures(window, args.size)
    return window.pictures.draw(view, path, args.scale, args.view_size, args.keep_controls)


def _only_qt_errors() -> None:
    """A screenshot run prints nothing but errors: not the offscreen platform's notes about what it
    cannot do with windows (it has no window manager), which are true of every run and mean nothing."""

    def handler(kind, context, message):
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            print(f"gradviz (Qt): {message}", file=sys.stderr)

    qInstallMessageHandler(handler)


def record(args: argparse.Namespace) -> int:
    """`--record OUT`: the session the options describe, one frame at its step and one for each of the
    `--steps N` steps (default 60) that follow, into a GIF or MP4; no display needed."""
    try:
        window = _build_window(argparse.Namespace(**{**vars(args), "steps": 0}))  # the steps are the frames
        prepare_for_pictures(window, args.size)
        window.show_view(args.view)
        recording = Recording(
            window, args.view, args.record, window.session.current_step, args.steps or DEFAULT_STEPS, args.fps
        )
        said = recording.run_all()
    except (ValueError, OSError) as exc:
        print(f"gradviz: {exc}", file=sys.stderr)
        return 2
    window.close()
    if recording.stopped_at is not None:
        print(f"gradviz: {said}", file=sys.stderr)
    return 0


def export_lesson(args: argparse.Namespace) -> int:
    """`--export-lesson OUT.pdf`: every scene of --lesson drawn at --size (default 1280 × 720), one page each."""
    args = argparse.Namespace(**{**vars(args), "size": args.size or HANDOUT_SIZE})  # fonts for that screen too
    try:
        window = _build_window(args)
        pages = write_handout(window, args.export_lesson, args.size)
    except (ValueError, OSError) as exc:
        print(f"gradviz: {exc}", file=sys.stderr)
        return 2
    window.close()
    print(f"Wrote {args.export_lesson}: {pages} pages, one per scene.")
    return 0


def run(args: argparse.Namespace) -> int:
    """What the options ask of Qt, once `gradviz.start` made sure Qt can start: pictures off screen, or the
    window and its event loop."""
    if makes_pictures(args):
        _only_qt_errors()
    app = ensure_app()
    if args.export_lesson:
        return export_lesson(args)
    if args.record:
        return record(args)
    view, picture = args.export_view or ("window", args.screenshot)
    try:
        if picture:
            window = _build_window(args)
            problem = save_screenshot(window, picture, args, view)
            if problem:
                print(f"gradviz: {problem}", file=sys.stderr)
                return 2
            window.close()
            return 0
        window = open_window(args=args)
    except (ValueError, OSError) as exc:
        print(f"gradviz: {exc}", file=sys.stderr)
        return 2
    return app.exec()
