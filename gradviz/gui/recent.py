"""File › Open recent: the sessions and data files last opened, imported or saved, kept between runs.

The lists live in QSettings (one per kind, newest first, each path once). A file that has since
moved or been deleted stays in the menu, greyed out, until the list is cleared or it is opened
again from where it is now: a lecturer sees what is missing before the hall does.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu, QWidget

__all__ = ["LESSON_KINDS", "MAX_RECENT", "RECENT_KINDS", "RecentMenu", "clear_recent", "recent_files", "remember_file"]

MAX_RECENT = 8
RECENT_KINDS = {"session": "Sessions", "data": "Data files"}  # File › Open recent
LESSON_KINDS = {"lesson": "Lesson files"}  # Lessons › Recent lesson files


def _key(kind: str) -> str:
    return f"recent/{kind}"


def recent_files(kind: str) -> list[str]:
    """The `kind` ("session", "data" or "lesson") files, newest first."""
    value = QSettings().value(_key(kind), [])
    if isinstance(value, str):  # QSettings gives a one-element list back as its element
        value = [value]
    return [str(v) for v in value or [] if v]


def remember_file(kind: str, path: str | os.PathLike) -> None:
    """`path` to the front of the `kind` list (once; the list keeps MAX_RECENT)."""
    path = os.path.abspath(os.fspath(path))
    paths = [path, *(p for p in recent_files(kind) if p != path)][:MAX_RECENT]
    QSettings().setValue(_key(kind), paths)


def clear_recent(kinds=(*RECENT_KINDS, *LESSON_KINDS)) -> None:
    """Forget the recent files of `kinds` (the menu's "Clear")."""
    settings = QSettings()
    for kind in kinds:
        settings.remove(_key(kind))


class RecentMenu(QMenu):
    """The submenu, rebuilt each time it opens; choosing a file calls open_file(kind, path)."""

    def __init__(
        self,
        open_file: Callable[[str, str], None],
        parent: QWidget,
        kinds: dict[str, str] = RECENT_KINDS,
        title: str = "Open &recent",
    ):
        super().__init__(title, parent)
        self.setObjectName("recentMenu" if kinds is RECENT_KINDS else f"recentMenu_{'_'.join(kinds)}")
        self.setToolTipsVisible(True)
        self._open_file = open_file
        self._kinds = kinds
        self.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        self.clear()
        number = 0
        for kind, title in self._kinds.items():
            paths = recent_files(kind)
            if not paths:
                continue
            self.addSection(title)
            for path in paths:
                number += 1
                name = os.path.basename(path)
                text = f"&{number} {name}" if number < 10 else name
                exists = os.path.isfile(path)
                action = self.addAction(text if exists else f"{text} (moved or deleted)")
                action.setObjectName(f"recentAction_{kind}_{number}")
                action.setToolTip(path)
                action.setStatusTip(path)
                action.setEnabled(exists)
                action.triggered.connect(lambda _=False, k=kind, p=path: self._open_file(k, p))
        if number == 0:
            self.addAction("No recent files").setEnabled(False)
        else:
            self.addSeparator()
            clear = self.addAction("&Clear the list")
            clear.setObjectName("recentClearAction")
            clear.triggered.connect(lambda: clear_recent(self._kinds))
