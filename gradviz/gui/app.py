"""Start gradviz: the QApplication, the window built from command-line options, screenshots."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace

from gradviz import core
from gradviz.cli import parse_args
from gradviz.core.fields import HYPERPARAMETER_FIELDS, MAX_RUNS
from gradviz.core.settings import Settings
from gradviz.desktop import APP_ID, ICON_SIZES, icon_png
from gradviz.preflight import display_problem
from gradviz.presets import list_presets, load_preset

DEFAULT_PRESET = "logistic-blobs"
SCREENSHOT_SIZE = (1600, 900)
HANDOUT_SIZE = (1280, 720)  # a projector's: the lesson's pictures as the hall saw them


def ensure_app():
    """The QApplication (made once), with pyqtgraph configured before any plot exists."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        from PySide6.QtCore import QCoreApplication, Qt

        # one GL resource pool for every context: a dock that is floated, moved or docked again gives its
        # 3-D view a new context, and pyqtgraph's compiled shaders must stay valid in it
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("gradviz")
        app.setOrganizationName("gradviz")
        app.setApplicationDisplayName("gradviz")
    _collect_on_this_thread(app)
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
        from pyqtgraph.util.garbage_collector import GarbageCollector

        app._gradviz_collector = GarbageCollector(interval=0.5)


def app_icon():
    """gradviz's icon: the SVG drawn at every size a desktop asks for (resources/icons)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)), QSize(size, size))
    return icon


def session_data_from_args(args: argparse.Namespace) -> tuple[core.SessionData, tuple[str, ...]]:
    """Data set, settings and step from --load / --preset / --data / --dataset and overrides,
    and what was asked but could not be honoured (also said on stderr), in words."""
    if args.load:
        data = core.load_session(args.load)
    else:
        data = load_preset(args.preset or DEFAULT_PRESET)
    dataset, settings = data.dataset, data.settings
    if args.data:
        dataset = core.load_csv(args.data)
    elif args.dataset:
        dataset = core.generate(args.dataset, seed=settings.seed if args.seed is None else args.seed)
    if args.function is not None:  # a named function brings its start and a stable η (given ones win)
        settings = settings.with_value("function", args.function)
    changes = {}
    if args.start is not None:
        if not settings.is_function:
            raise ValueError("--start X,Y is where descent on a function starts: give --function too")
        changes["start"] = args.start
    for key in ("model", "loss", "optimizer", "hidden", "seed", "val_fraction"):
        value = getattr(args, key)
        if value is not None:
            changes[key] = value
    if args.optimizer is not None and args.optimizer != settings.optimizer:
        changes["hyperparams"] = {"lr": settings.hyperparams.get("lr", 0.1)}
    for name in ("lr", "weight_decay"):
        if getattr(args, name) is not None:
            changes["hyperparams"] = {**changes.get("hyperparams", settings.hyperparams), name: getattr(args, name)}
    if hasattr(args, "batch_size"):  # given on the command line ("full" is None)
        changes["batch_size"] = args.batch_size
    if args.model is not None and args.loss is None:
        changes["loss"], changes["output"] = core.rules.model_defaults(args.model, dataset)
    if changes:
        settings = Settings.from_dict({**settings.to_dict(), **changes})
    settings, notes = settings.fitted(dataset)
    for note in notes:  # what was asked cannot be honoured: say what is used instead
        print(f"gradviz: {note}", file=sys.stderr)
    settings.make_model(dataset)  # a clear ValueError if the data and the settings do not fit
    if dataset is data.dataset and settings == data.settings:  # as saved: the runs' records stay
        compare = data.compare + _raced(args.compare, settings, dataset)
        return replace(data, step=data.step + args.steps, compare=compare[: MAX_RUNS - 1]), notes
    compare = _raced([_changes_of(c.settings, data.settings) for c in data.compare] + args.compare, settings, dataset)
    return core.SessionData(dataset, settings, data.step + args.steps, data.extra, compare=compare), notes


def _raced(specs: list[dict], first: Settings, dataset: core.Dataset) -> tuple[core.ComparedRun, ...]:
    """The runs --compare asks for (each the first run's settings with its changes), or a ValueError
    that names the one that cannot race."""
    raced = []
    for changes in specs:
        shown = ",".join(f"{k.replace('_', '-')}={v}" for k, v in changes.items())
        settings = first
        try:
            for name, value in changes.items():
                settings = settings.with_value(name, value, dataset)
            settings, _ = settings.fitted(dataset)
        except ValueError as exc:
            raise ValueError(f"--compare {shown}: {exc}") from None
        problem = settings.race_problem(first, dataset)
        if problem:
            raise ValueError(f"--compare {shown}: {problem}")
        raced.append(core.ComparedRun(settings))
    return tuple(raced)


def _changes_of(settings: Settings, first: Settings) -> dict:
    """A raced run of a lesson as changes from its first run, to apply to new first settings."""
    fields = ("optimizer", "loss", "output", "batch_size", "seed")
    changes = {name: getattr(settings, name) for name in fields if getattr(settings, name) != getattr(first, name)}
    if settings.optimizer != first.optimizer or settings.hyperparams != first.hyperparams:
        changes.update({name: settings.get(name) for name in HYPERPARAMETER_FIELDS if settings.applies(name)})
    return changes


def create_window(argv: Sequence[str] | None = None):
    """Build the main window from command-line options without starting the event loop."""
    argv = list(argv or [])
    return _build_window(parse_args(argv))


def lesson_from_args(args: argparse.Namespace):
    """--lesson NAME|FILE [--scene K]: the lesson with every scene built, at scene K (None: no lesson)."""
    if not args.lesson:
        return None
    from gradviz.lessons import LessonShow, build_lesson, find_lesson

    lesson = find_lesson(args.lesson)
    if args.scene is not None and args.scene > len(lesson.scenes):
        raise ValueError(f"--scene {args.scene}: {lesson.path.name} has {len(lesson.scenes)} scenes")
    return LessonShow(lesson, build_lesson(lesson), (args.scene or 1) - 1)


def _build_window(args: argparse.Namespace, defer_analysis: bool = False):
    ensure_app()
    from gradviz.gui.main_window import MainWindow
    from gradviz.state import Session
    from gradviz.state.window_model import WindowModel

    show = getattr(args, "lesson_show", None) or lesson_from_args(args)  # run() built it already
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


def open_window(argv: Sequence[str] | None = None, args: argparse.Namespace | None = None):
    """Build, show, and then fill in the analysis views: on screen as early as possible."""
    from PySide6.QtWidgets import QApplication

    from gradviz.gui import placement
    from gradviz.gui.autosave import Autosave, orphaned_autosaves
    from gradviz.gui.recent import remember_file

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


def prepare_for_pictures(window, size: tuple[int, int] | None = None) -> None:
    """Lay the window out off screen at a size (default 1600 × 900), every view finished."""
    from PySide6.QtWidgets import QApplication

    if not window.isFullScreen():
        window.resize(*(size or SCREENSHOT_SIZE))
    window.show()
    for _ in range(3):
        QApplication.processEvents()
    window.finish_rendering()
    QApplication.processEvents()


def _only_qt_errors() -> None:
    """A screenshot run prints nothing but errors: not the offscreen platform's notes about what it
    cannot do with windows (it has no window manager), which are true of every run and mean nothing."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind, context, message):
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            print(f"gradviz (Qt): {message}", file=sys.stderr)

    qInstallMessageHandler(handler)


def export_history(args: argparse.Namespace) -> int:
    """`--export-history OUT.csv`: the session the options describe, trained, its runs' history written."""
    from gradviz.state import Session

    try:
        data, _ = session_data_from_args(args)
    except (ValueError, OSError) as exc:
        print(f"gradviz: {exc}", file=sys.stderr)
        return 2
    session = Session(data.dataset, data.settings)
    said = []
    session.subscribe(lambda change: said.extend(change.notes))
    session.apply_session(data)
    if not session.export_history(args.export_history):
        print(f"gradviz: {said[-1].text}", file=sys.stderr)
        return 2
    return 0


def _start_qt(pictures: bool):
    """The QApplication, or None (and why, on stderr) when no display can be had. Making pictures
    (screenshots, exports, recordings) needs no display: off screen, printing only Qt's errors."""
    if pictures:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = display_problem()  # before Qt exists: without a display Qt aborts the process
    if problem:
        print(problem, file=sys.stderr)
        return None
    if pictures:
        _only_qt_errors()
    return ensure_app()


def record(args: argparse.Namespace) -> int:
    """`--record OUT`: the session the options describe, one frame at its step and one for each of the
    `--steps N` steps (default 60) that follow, into a GIF or MP4; no display needed."""
    from gradviz.gui.recorder import DEFAULT_STEPS, Recording

    if _start_qt(pictures=True) is None:
        return 1
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
    from gradviz.gui.handout import write_handout

    if _start_qt(pictures=True) is None:
        return 1
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
    if args.list_presets:
        for preset in list_presets():
            print(f"{preset.name:18s} {preset.title}: {preset.description}")
        return 0
    if args.list_lessons:
        from gradviz.lessons import list_lessons

        for lesson in list_lessons():
            print(f"{lesson.name}  {lesson.title}")
        return 0
    if args.lesson:  # every scene built before any window: a lesson that cannot be shown is one line, at once
        try:
            args = argparse.Namespace(**{**vars(args), "lesson_show": lesson_from_args(args)})
        except ValueError as exc:
            print(f"gradviz: {exc}", file=sys.stderr)
            return 2
    if args.export_lesson:
        return export_lesson(args)
    if args.export_history:  # no window: nothing here needs Qt
        return export_history(args)
    if args.record:
        return record(args)
    view, picture = args.export_view or ("window", args.screenshot)
    app = _start_qt(pictures=bool(picture))
    if app is None:
        return 1
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
