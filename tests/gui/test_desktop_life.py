"""A desktop citizen: File › Open recent, files dropped onto the window, the question before
unsaved work is lost, and the autosave that is offered back after gradviz did not close."""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from gradviz import core
from gradviz.gui import recent
from gradviz.gui.autosave import Autosave, orphaned_autosaves


@pytest.fixture(autouse=True)
def no_recent_files():
    recent.clear_recent()
    yield
    recent.clear_recent()


def _menu_actions(window):
    menu = window.findChild(recent.RecentMenu, "recentMenu")
    menu.rebuild()
    return menu, [a for a in menu.actions() if a.objectName().startswith("recentAction_")]


def test_sessions_saved_and_data_imported_come_back_in_open_recent(make_window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    window = make_window("--preset", "linear-line", "--steps", "5")
    saved = tmp_path / "lecture"  # no extension: saved as lecture.gradviz.json
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    window.actions_by_name["saveAction"].trigger()
    data = tmp_path / "points.csv"
    core.save_csv(core.generate("line", seed=3), data)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(data), ""))
    window.actions_by_name["importCsvAction"].trigger()
    assert recent.recent_files("session") == [str(tmp_path / "lecture.gradviz.json")]
    assert recent.recent_files("data") == [str(data)]
    menu, actions = _menu_actions(window)
    assert [a.text() for a in actions] == ["&1 lecture.gradviz.json", "&2 points.csv"]
    # a moved file stays listed, greyed out, so the loss shows before the lecture
    moved = tmp_path / "moved.csv"
    data.rename(moved)
    _, actions = _menu_actions(window)
    assert not actions[1].isEnabled() and "moved or deleted" in actions[1].text()
    # opening from the list: the session as saved (no unsaved work, so no question)
    window.session.reset()
    window.session.mark_saved()
    actions[0].trigger()
    qtbot_wait_jobs(window)
    assert window.session.current_step == 5
    # the newest first, each once, at most MAX_RECENT
    for k in range(recent.MAX_RECENT + 2):
        recent.remember_file("data", tmp_path / f"d{k}.csv")
    recent.remember_file("data", tmp_path / "d3.csv")
    listed = recent.recent_files("data")
    assert len(listed) == recent.MAX_RECENT and listed[0].endswith("d3.csv") and listed.count(listed[0]) == 1
    _menu_actions(window)
    (clear,) = [a for a in menu.actions() if a.objectName() == "recentClearAction"]
    clear.trigger()
    assert recent.recent_files("data") == recent.recent_files("session") == []


def qtbot_wait_jobs(window):
    while window.jobs.running:
        QApplication.processEvents()


def _drop(window, path, mime=None):
    """A file dragged over the window and dropped: whether the drag was accepted."""
    mime = mime or QMimeData()
    if path is not None:
        mime.setUrls([QUrl.fromLocalFile(str(path))])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(400, 300), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(400, 300), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    return drop.isAccepted()


def test_a_csv_or_a_session_dropped_onto_the_window_opens(make_window, tmp_path, monkeypatch):
    window = make_window("--preset", "logistic-blobs", "--steps", "4")
    session_file = tmp_path / "s.gradviz.json"
    window.session.save(session_file)
    data = tmp_path / "new.csv"
    core.save_csv(core.generate("moons", seed=1), data)
    n_before = window.session.source_dataset.n_samples
    assert _drop(window, data)
    assert window.session.source_dataset.n_samples != n_before and recent.recent_files("data") == [str(data)]
    window.session.undo()  # a dropped CSV is an edit like any other
    assert window.session.source_dataset.n_samples == n_before
    # a session dropped over unsaved work asks first; Cancel keeps everything
    window.session.step(3)
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel
    )
    assert _drop(window, session_file)
    assert asked and "changed since" in asked[0] and window.session.current_step == 7
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert _drop(window, session_file)
    qtbot_wait_jobs(window)
    assert window.session.current_step == 4
    # what gradviz does not open is refused at the door (the drag is not accepted)
    assert not _drop(window, tmp_path / "picture.png")
    two = QMimeData()
    two.setUrls([QUrl.fromLocalFile(str(data)), QUrl.fromLocalFile(str(session_file))])
    assert not _drop(window, None, two)
    # a malformed CSV dropped: one sentence, the data as they were
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,y\n1,2,3\n")
    before = window.session.source_dataset
    assert _drop(window, bad)
    assert window.session.source_dataset is before and "Could not import" in window.message_bar.text


def test_a_lesson_file_dropped_onto_the_window_is_presented(make_window, tmp_path):
    window = make_window("--present", "--preset", "logistic-blobs")
    lesson = tmp_path / "mine.toml"
    lesson.write_text('title = "Mine"\n[[scene]]\ntitle = "One"\nfrom = "preset:linear-line"\ncaption = "A line."\n')
    assert _drop(window, lesson)
    qtbot_wait_jobs(window)
    QApplication.processEvents()  # built, then offered (after asking about unsaved work), then opened
    qtbot_wait_jobs(window)
    assert window.model.lesson.lesson.title == "Mine" and window.model.lesson.scene_index == 0
    assert window.caption_band.isVisible() and window.session.settings.model == "linear"


def test_work_is_autosaved_and_offered_back_after_gradviz_did_not_close(make_window, tmp_path, monkeypatch, qtbot):
    folder = tmp_path / "autosave"
    window = make_window("--preset", "softmax-blobs")
    autosave = Autosave(window.session, window, folder=folder, interval_s=3600)
    assert not autosave.write_if_needed() and not folder.exists()  # nothing unsaved: nothing written
    window.session.step(9)
    window.session.set_value("lr", 0.2)
    assert autosave.write_if_needed() and autosave.path.is_file()
    assert not autosave.write_if_needed()  # nothing changed since
    assert orphaned_autosaves(folder) == []  # this process is alive and holds it
    # a save by the user: the autosave goes (there is nothing to offer back)
    window.session.save(tmp_path / "mine.gradviz.json")
    autosave.write_if_needed()
    assert not autosave.path.exists()
    window.session.step(2)
    assert autosave.write_if_needed()
    expected = core.load_session(autosave.path)
    assert expected.step == 11 and expected.settings.get("lr") == 0.2

    # a gradviz killed while its autosave was on disk: the next start finds it and offers it back
    crashed = folder / "autosave-999999-1.gradviz.json"
    code = (
        "import os, shutil, sys\n"
        "from PySide6.QtCore import QLockFile\n"
        f"lock = QLockFile({str(crashed)!r} + '.lock'); lock.setStaleLockTime(0); assert lock.tryLock(0)\n"
        f"shutil.copy({str(autosave.path)!r}, {str(crashed)!r})\n"
        "os._exit(9)\n"  # no clean-up: the lock file stays, naming a process that is gone
    )
    subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert os.path.exists(f"{crashed}.lock") and orphaned_autosaves(folder) == [crashed]

    fresh = make_window("--preset", "linear-line")

    def press(name):
        def exec_(box):
            (button,) = [b for b in box.buttons() if b.text() == name]
            button.click()
            return 0

        return exec_

    monkeypatch.setattr(QMessageBox, "exec", press("Not now"))
    fresh.files.offer_recovery(crashed)
    assert crashed.exists() and fresh.session.model.kind == "linear"
    monkeypatch.setattr(QMessageBox, "exec", press("Reopen"))
    fresh.files.offer_recovery(crashed)
    qtbot_wait_jobs(fresh)
    assert fresh.session.current_step == 11 and fresh.session.settings.get("lr") == 0.2
    assert fresh.session.model.kind == "softmax" and not crashed.exists()
    assert fresh.session.unsaved  # reopened work is in no file of the user's: quitting still asks
    # Discard deletes it
    crashed.write_bytes(autosave.path.read_bytes())
    monkeypatch.setattr(QMessageBox, "exec", press("Discard"))
    fresh.files.offer_recovery(crashed)
    assert not crashed.exists()
    # a clean quit removes this window's own autosave
    autosave.discard()
    assert not autosave.path.exists() and not os.path.exists(f"{autosave.path}.lock")


def test_a_corrupt_autosave_is_said_and_changes_nothing(make_window, tmp_path, monkeypatch):
    window = make_window("--preset", "linear-line", "--steps", "3")
    broken = tmp_path / "autosave-1-1.gradviz.json"
    broken.write_text('{"version": 3, "dataset": ')
    monkeypatch.setattr(QMessageBox, "exec", lambda box: [b for b in box.buttons() if b.text() == "Reopen"][0].click())
    window.files.offer_recovery(broken)
    assert window.session.current_step == 3 and "Could not open the session" in window.message_bar.text
    assert broken.exists()  # kept: nothing is deleted that was not reopened


def test_the_autosave_follows_the_session_through_f5_and_a_clean_quit_removes_it(qtbot, tmp_path):
    import shiboken6

    from gradviz.gui import create_window

    window = create_window(["--preset", "linear-line"])
    window.show()
    window.autosave = Autosave(window.session, window, folder=tmp_path, interval_s=3600)
    window.session.step(4)
    assert window.autosave.write_if_needed()
    saved = window.autosave.path
    other = window.toggle_presentation()
    qtbot.addWidget(other)
    assert window.autosave is None and other.autosave.window is other and saved.exists()
    assert not shiboken6.isValid(window) or not window.isVisible()
    other.session.step(1)
    assert other.autosave.write_if_needed() and other.autosave.path == saved
    other.session.mark_saved()  # as if saved: closing asks nothing, and the file goes
    other.close()
    assert not saved.exists() and orphaned_autosaves(tmp_path) == []
