"""The session written aside while it has unsaved work, and offered back after gradviz did not close.

Every AUTOSAVE_S seconds, if anything that a save keeps changed (data, settings, step, runs) and
the work is not saved, the session goes to a file of this process's own in the app's data folder
(a full session file: the same reader opens it). A clean quit, or a save by the user, removes it.
Each file is held by a QLockFile for as long as its process lives; a file whose lock can be taken
belongs to a gradviz that ended without closing (a crash, a kill, a power cut), and the next
gradviz offers it back. Qt reads the lock's process id and host, so two windows never take each
other's file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer

from gradviz import core
from gradviz.state import Change, Session

__all__ = ["AUTOSAVE_S", "Autosave", "autosave_folder", "orphaned_autosaves"]

AUTOSAVE_S = 30
_KEPT = frozenset({"data", "settings", "model", "step", "runs", "slice"})
_PATTERN = "autosave-*.gradviz.json"


def autosave_folder() -> Path:
    """Where autosaves go: the app's data folder (on Linux ~/.local/share/gradviz/gradviz/autosave)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "autosave"


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(f"{path}.lock")
    lock.setStaleLockTime(0)  # stale only when its process is gone, never because it is old
    return lock


def orphaned_autosaves(folder: Path | None = None) -> list[Path]:
    """Autosaves whose gradviz is no longer running, newest first."""
    folder = autosave_folder() if folder is None else folder
    orphans = []
    for path in folder.glob(_PATTERN) if folder.is_dir() else ():
        lock = _lock(path)
        if lock.tryLock(0):  # nobody holds it: its process ended without removing the file
            lock.unlock()
            orphans.append(path)
    return sorted(orphans, key=lambda p: p.stat().st_mtime, reverse=True)


class Autosave(QObject):
    """Autosaves one session into `folder` while `window` shows it (the F5 switch hands it on)."""

    def __init__(self, session: Session, window, folder: Path | None = None, interval_s: float = AUTOSAVE_S):
        super().__init__(window)
        self.session = session
        self.window = window
        self.folder = autosave_folder() if folder is None else folder
        self.path = self.folder / f"autosave-{os.getpid()}-{int(time.time() * 1000)}.gradviz.json"
        self.writes = 0
        self._failed = False
        self._changed = False
        self._lock: QLockFile | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(int(interval_s * 1000))
        self._timer.timeout.connect(self.write_if_needed)
        self._unsubscribe = session.subscribe(self._on_change)
        self._timer.start()

    def hand_to(self, window) -> None:
        """The session moved to another window (F5): autosave from there (and live as long as it)."""
        self.window = window
        self.setParent(window)

    def _on_change(self, change: Change) -> None:
        if change.touches(_KEPT):
            self._changed = True

    def write_if_needed(self) -> bool:
        """Write the session if it changed since the last write and is not saved; True if written."""
        if not self.session.unsaved:
            self._remove_file()  # saved by the user: nothing to offer back
            return False
        if not self._changed:
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self._lock is None:
                lock = _lock(self.path)
                if not lock.tryLock(0):
                    raise OSError(f"could not lock {self.path.name}")
                self._lock = lock
            core.save_session(self.path, self.session.session_data())
        except OSError as exc:
            if not self._failed:  # once: it would say the same every half minute
                self._failed = True
                self.window.say(f"Autosave failed ({core.os_reason(exc)}); save your work with Ctrl+S.", "warning")
            return False
        self._changed = False
        self._failed = False
        self.writes += 1
        return True

    def discard(self) -> None:
        """Stop and remove the file (a clean quit: there is nothing to offer back)."""
        self._timer.stop()
        self._unsubscribe()
        self._unsubscribe = lambda: None
        self._remove_file()

    def _remove_file(self) -> None:
        if self.path.exists():
            self.path.unlink()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
