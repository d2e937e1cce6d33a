"""Every menu command and keyboard shortcut in one table; the menus and the F1 help are built from it.

A command names its QAction (objectName), its menu, its keys and what it does to the window.
The help lists the same table, so a shortcut cannot exist without being documented, nor be
documented without existing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence

from gradviz.lessons import list_lessons
from gradviz.presets import list_presets

from .recent import LESSON_KINDS, RecentMenu

__all__ = ["Command", "MENUS", "MOUSE_HELP", "build_menus", "help_html"]


@dataclass(frozen=True)
class Command:
    name: str  # the QAction's objectName
    text: str  # the menu text, with & before the mnemonic
    run: Callable  # run(window)
    keys: tuple[str, ...] = ()
    help: str = ""


def _c(name, text, run, keys=(), help=""):
    return Command(name, text, run, (keys,) if isinstance(keys, str) else tuple(keys), help)


def _class_command(c: int) -> Command:
    return _c(
        f"classAction{c + 1}",
        f"New points: class {c + 1}",
        lambda w: w.session.set_new_point_class(c),
        str(c + 1),
        f"new points get class {c + 1}",
    )


# menu → commands; None is a separator; "docks" stands for one toggle per dock, "lessons" for one
# entry per shipped guided lesson, "recentLessons" for the lesson files opened last, "scenarios" for
# a submenu of the prepared scenarios (their titles; descriptions as tooltips), "playground" for the
# playground's, "recent" for File › Open recent, "views" for File › Export a view
MENUS: dict[str, tuple] = {
    "&File": (
        _c("openAction", "&Open session…", lambda w: w.files.open_session(), "Ctrl+O", "open a saved session"),
        "recent",
        _c("saveAction", "&Save session…", lambda w: w.files.save_session(), "Ctrl+S", "save the session"),
        None,
        _c("importCsvAction", "&Import data (CSV)…", lambda w: w.files.import_csv(), "Ctrl+I", "import data from CSV"),
        _c(
            "exportCsvAction", "&Export data (CSV)…", lambda w: w.files.export_csv(), "Ctrl+E", "export the data as CSV"
        ),
        _c(
            "exportSurfaceAction",
            "Export the loss &surface (NPZ, CSV)…",
            lambda w: w.files.export_surface(),
            (),
            "the loss surface's grid as shown, with its two axes",
        ),
        _c(
            "exportHistoryAction",
            "Export the runs' &history (CSV)…",
            lambda w: w.files.export_history(),
            (),
            "every recorded step of every run: loss, accuracy, ‖∇L‖, η and every parameter",
        ),
        _c(
            "screenshotAction",
            "Save &screenshot…",
            lambda w: w.pictures.ask_export("window"),
            "Ctrl+P",
            "save a picture of the window (PNG at 1×, 2× or 4×, SVG, PDF)",
        ),
        "views",
        _c(
            "recordAction",
            "&Record a run (GIF, MP4)…",
            lambda w: w.pictures.ask_record(),
            "Ctrl+Shift+R",
            "record the window or one view over a range of steps as an animated GIF or an MP4 video",
        ),
        None,
        _c("quitAction", "&Quit", lambda w: w.close(), "Ctrl+Q", "quit"),
    ),
    "&Edit": (
        _c("undoAction", "&Undo", lambda w: w.session.undo(), "Ctrl+Z", "undo the last data edit"),
        _c("redoAction", "&Redo", lambda w: w.session.redo(), ("Ctrl+Shift+Z", "Ctrl+Y"), "redo"),
        None,
        _c(
            "deletePointAction",
            "&Delete selected point",
            lambda w: w.delete_selected(),
            "Delete",
            "remove the selected point",
        ),
        None,
        *(_class_command(c) for c in range(9)),
    ),
    "&View": (
        "docks",
        None,
        _c(
            "presentAction",
            "&Presentation mode",
            lambda w: w.toggle_presentation(),
            "F5",
            "presentation mode on / off: large fonts, full screen, two rows of views",
        ),
        None,
        _c(
            "walkNextAction",
            "Backprop walk: &next stop",
            lambda w: w.walk(1),
            "W",
            "the network's backward pass, one stop on",
        ),
        _c(
            "walkBackAction",
            "Backprop walk: stop &back",
            lambda w: w.walk(-1),
            "Shift+W",
            "the backward walk, one stop back",
        ),
        _c("fitDataAction", "Fit data in view", lambda w: w.data_view.fit_view(), "F", "fit the data in view"),
        _c("defaultLayoutAction", "Default layout", lambda w: w.default_layout(), "Ctrl+0", "the default layout"),
    ),
    "&Train": (
        _c("playAction", "&Play / pause", lambda w: w.playback.toggle(), "Space", "play / pause"),
        _c("stepAction", "&Step", lambda w: w.session.step(1), "Right", "one step forward"),
        _c("stepBackAction", "Step &back", lambda w: w.session.step_back(), "Left", "one step back"),
        _c(
            "resetAction",
            "&Reset",
            lambda w: w.home(),
            "Home",
            "back to step 0, same initial weights (in a lesson: its first scene)",
        ),
        _c("endAction", "To the &end", lambda w: w.end(), "End", "the last step (in a lesson: its last scene)"),
        _c("runStepsAction", "Run &N steps…", lambda w: w.ask_steps(), "Ctrl+R", "run N steps at once"),
        _c(
            "cancelJobAction",
            "S&top the long run",
            lambda w: w.escape(),
            "Esc",
            "stop a long run (steps taken stay); else lift the black screen, else leave presentation mode",
        ),
        _c(
            "fasterAction",
            "Faster",
            lambda w: w.playback.set_speed(w.playback.speed * 2 or 1),
            ("+", "="),
            "play faster",
        ),
        _c("slowerAction", "Slower", lambda w: w.playback.set_speed(max(1, w.playback.speed // 2)), "-", "play slower"),
    ),
    "&Runs": (
        _c(
            "addRunAction",
            "&Add a run",
            lambda w: w.session.add_run(),
            "Ctrl+N",
            "race one more run: a copy of the focused one (the controls then change it)",
        ),
        _c(
            "removeRunAction",
            "&Remove the focused run",
            lambda w: w.session.remove_run(w.session.focus_index),
            (),
            "take the focused run out of the race",
        ),
        None,
        _c("nextRunAction", "&Next run", lambda w: w.focus_next_run(1), "R", "focus the next run"),
        _c("previousRunAction", "&Previous run", lambda w: w.focus_next_run(-1), "Shift+R", "focus the previous run"),
    ),
    "&Lessons": (
        "lessons",
        _c(
            "openLessonAction",
            "&Open a lesson file…",
            lambda w: w.lessons.ask_lesson_file(),
            "Ctrl+Shift+L",
            "open a lesson written as a TOML file",
        ),
        "recentLessons",
        None,
        _c("nextSceneAction", "&Next scene", lambda w: w.lessons.move_scene(1), "PgDown", "the lesson's next scene"),
        _c("previousSceneAction", "&Previous scene", lambda w: w.lessons.move_scene(-1), "PgUp", "the scene before"),
        _c("blackAction", "&Black screen", lambda w: w.blackout.toggle(), ("B", "."), "black screen on / off"),
        _c(
            "closeLessonAction",
            "&Close the lesson",
            lambda w: w.lessons.close_lesson(),
            (),
            "end the lesson, keep the state",
        ),
        None,
        _c(
            "chooseLessonAction",
            "&Choose a lesson or a scenario…",
            lambda w: w.lessons.choose(),
            "Ctrl+L",
            "choose a guided lesson or a prepared scenario",
        ),
        "scenarios",
        "playground",
    ),
    "&Help": (
        _c("shortcutsAction", "&Keyboard and mouse", lambda w: w.show_help(), "F1", "this list"),
        _c("aboutAction", "&About gradviz", lambda w: w.show_about()),
    ),
}

MOUSE_HELP = (
    ("Click the data", "add a point of the current class (regression: at the clicked (x, y))"),
    ("Drag a point", "move it"),
    ("Right-click a point", "remove it"),
    ("Click a point or a residual stem", "select that sample: the Jacobian, gradient and derivation views follow it"),
    ("Click the loss surface", "start a new run (every run, when they race) from that point; on f(x, y), its start"),
    ("Click a run's path or its name in a legend", "focus that run: the per-sample views explain it"),
    ("Drag the timeline", "go back to any earlier step"),
    ("Double-click the loss curve", "follow the run again after zooming"),
)


PLAYGROUND_PREFIX = "playground-"  # lessons on a function f(x, y): Lessons › Playground


def _named_action(kind: str, item, window, open_it) -> QAction:
    """A menu entry for a shipped lesson or a scenario: its title, its description as the tooltip."""
    action = QAction(item.title, window)
    action.setObjectName(f"{kind}Action_{item.name}")
    action.setToolTip(item.description)
    action.setStatusTip(item.description)
    action.triggered.connect(lambda _=False, name=item.name: open_it(name))
    return action


def build_menus(window) -> dict[str, QAction]:
    """The window's menus from MENUS; returns the actions by objectName."""
    actions: dict[str, QAction] = {}
    bar = window.menuBar()
    for title, entries in MENUS.items():
        menu = bar.addMenu(title)
        for entry in entries:
            if entry is None:
                menu.addSeparator()
            elif entry == "docks":
                for dock in window.docks.values():
                    menu.addAction(dock.toggleViewAction())
            elif entry == "views":  # File › Export a view ▸ the window, then every dock
                sub = menu.addMenu("Export a &view")
                for name, title in window.pictures.exportable():
                    action = QAction(f"{title}…", window)
                    action.setObjectName(f"exportViewAction_{name}")
                    action.triggered.connect(lambda _=False, v=name: window.pictures.ask_export(v))
                    sub.addAction(action)
                    actions[action.objectName()] = action
            elif entry == "recent":  # File › Open recent ▸ the sessions and data files last used
                menu.addMenu(RecentMenu(window.files.open_recent, window))
            elif entry == "lessons":  # the guided lessons shipped with gradviz
                menu.setToolTipsVisible(True)
                for lesson in list_lessons():
                    action = _named_action("lesson", lesson, window, window.lessons.open_lesson)
                    menu.addAction(action)
                    actions[action.objectName()] = action
            elif entry == "recentLessons":
                menu.addMenu(RecentMenu(window.files.open_recent, window, LESSON_KINDS, "Recent lesson &files"))
            elif entry == "scenarios":  # the models' scenarios; the playground's have a menu of their own
                sub = menu.addMenu("Prepared &scenarios")
                sub.setToolTipsVisible(True)
                for preset in list_presets():
                    if not preset.name.startswith(PLAYGROUND_PREFIX):
                        sub.addAction(_named_action("preset", preset, window, window.files.open_preset))
            elif entry == "playground":  # Lessons › Playground ▸ a race on each classic, or your own f(x, y)
                sub = menu.addMenu("&Playground: descent on f(x, y)")
                sub.setToolTipsVisible(True)
                for preset in list_presets():
                    if preset.name.startswith(PLAYGROUND_PREFIX):
                        sub.addAction(_named_action("preset", preset, window, window.files.open_preset))
                sub.addSeparator()
                own = QAction("Your own f(x, y)…", window)
                own.setObjectName("playgroundOwnAction")
                own.setStatusTip("descend on a formula you type: the formula field is ready for it")
                own.triggered.connect(lambda _=False: window.type_own_function())
                sub.addAction(own)
                actions[own.objectName()] = own
            else:
                action = QAction(entry.text, window)
                action.setObjectName(entry.name)
                action.setShortcuts([QKeySequence(k) for k in entry.keys])
                action.setStatusTip(entry.help)
                action.triggered.connect(lambda _=False, e=entry: e.run(window))
                menu.addAction(action)
                actions[entry.name] = action
    return actions


def help_html() -> str:
    """Every shortcut and mouse action, as the F1 window shows them."""
    rows = []
    for entries in MENUS.values():
        for e in entries:
            if isinstance(e, Command) and e.keys and e.help:
                keys = " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in e.keys)
                rows.append(f"<tr><td><b>{keys}</b></td><td>{e.help}</td></tr>")
    rows.append("<tr><td colspan=2><br><b>Mouse</b></td></tr>")
    rows += [f"<tr><td><b>{what}</b></td><td>{does}</td></tr>" for what, does in MOUSE_HELP]
    return "<table cellspacing=4>" + "".join(rows) + "</table>"
