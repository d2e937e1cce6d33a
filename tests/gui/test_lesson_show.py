"""Guided lessons in the window: every shipped lesson walked with PageDown and back with PageUp at
1280 × 720, the presenter's keys with real key events (also right after a field was edited), the
Lessons menu, broken lessons answered in one line, and the PDF handout from the command line."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QMessageBox

from gradviz.core.session_file import session_to_dict
from gradviz.gui import create_window
from gradviz.gui.handout import write_handout
from gradviz.gui.recent import recent_files
from gradviz.lessons import find_lesson, list_lessons
from gradviz.state.view_registry import view_by_word

SHIPPED = [lesson.name for lesson in list_lessons()]
BROKEN = Path(__file__).parents[1] / "lessons" / "broken"
SIZE = (1280, 720)


@pytest.fixture
def lesson_window(qtbot):
    """Windows at 1280 × 720; at the end every gradviz window closes (those F5 or Esc made too)."""

    def make(*argv: str):
        window = create_window(["--size", f"{SIZE[0]}x{SIZE[1]}", *argv])
        window.resize(*SIZE)
        window.show()
        qtbot.waitExposed(window)
        _activate(qtbot, window)
        return window

    yield make
    for window in QApplication.topLevelWidgets():
        if window.objectName() == "gradvizMainWindow" and shiboken6.isValid(window):
            window.close()


def _activate(qtbot, window) -> None:
    """The keys go to the active window, as a lecturer's clicker's do."""
    window.activateWindow()
    window.setFocus()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def _press(qtbot, window, key, text=None) -> None:
    qtbot.keyClick(QApplication.focusWidget() or window, key)


def _arrive(qtbot, window, k: int) -> None:
    qtbot.waitUntil(lambda: window.model.lesson.scene_index == k and not window.jobs.running, timeout=20_000)
    window.flush()


def _state(window) -> str:
    return json.dumps(session_to_dict(window.session.session_data()), sort_keys=True)


def _in_front(window, view: str) -> bool:
    dock = window.docks[view_by_word(view).dock]
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


@pytest.mark.parametrize("name", SHIPPED)
def test_every_lesson_walks_forward_with_pagedown_and_back_with_pageup_and_prints_a_page_a_scene(
    lesson_window, qtbot, tmp_path, name
):
    """Every scene as PageDown shows it (the step, the views in front, the caption in the window), the same
    state again on the way back with PageUp; then its handout from the same window: a page per scene."""
    window = lesson_window("--lesson", name)
    show = window.model.lesson
    n = show.scene_count
    assert window.theme.present and show.scene_index == 0
    seen = []
    for k in range(n):
        if k:
            _press(qtbot, window, Qt.Key.Key_PageDown)
            _arrive(qtbot, window, k)
        QApplication.processEvents()
        assert (window.width(), window.height()) == SIZE, f"scene {k + 1}: the window grew"
        qtbot.waitUntil(window.caption_band.fits, timeout=3000)  # the band grows with the next layout pass
        assert window.caption_band.geometry().bottom() < window.height()
        assert window.playback_bar.scene_label.text() == f"scene {k + 1} / {n}"
        assert window.session.current_step == show.states[k].step
        claimed = set()  # a later view wins its tab group
        aside = window.row_balancer.stepped_aside  # too little room for two: the one the scene names stays
        for view in reversed(show.states[k].front):
            dock = window.docks[view_by_word(view).dock]
            if dock not in claimed and dock.objectName() not in aside:
                assert _in_front(window, view), f"scene {k + 1}: {view} is not in front"
                claimed |= {dock, *window.tabifiedDockWidgets(dock)}
        for gone, kept in aside.items():
            assert window.docks[gone].isHidden() and not window.docks[kept].visibleRegion().isEmpty(), (gone, kept)
        seen.append(_state(window))
    for k in reversed(range(n - 1)):
        _press(qtbot, window, Qt.Key.Key_PageUp)
        _arrive(qtbot, window, k)
        assert _state(window) == seen[k], f"scene {k + 1} differs going back"
    pdf = tmp_path / f"{name}.pdf"
    pages = write_handout(window, pdf, SIZE)
    body = pdf.read_bytes()
    assert pages == n == len(re.findall(rb"/Type\s*/Page\b", body))
    assert (window.width(), window.height()) == SIZE and window.caption_band.isVisible()
    assert not list(tmp_path.glob(".handout-*"))  # written beside the target, then moved into place


def test_the_presenter_keys_with_real_key_events(lesson_window, qtbot):
    window = lesson_window("--lesson", "loss-gradients")
    show = window.model.lesson
    for key, k in ((Qt.Key.Key_PageDown, 1), (Qt.Key.Key_PageDown, 2), (Qt.Key.Key_PageUp, 1)):
        _press(qtbot, window, key)
        _arrive(qtbot, window, k)
    _press(qtbot, window, Qt.Key.Key_End)
    _arrive(qtbot, window, show.scene_count - 1)
    _press(qtbot, window, Qt.Key.Key_PageDown)  # past the last scene: it stays
    assert show.scene_index == show.scene_count - 1
    _press(qtbot, window, Qt.Key.Key_Home)
    _arrive(qtbot, window, 0)
    # the step keys still work inside a scene, and the scene stays
    _press(qtbot, window, Qt.Key.Key_Right)
    assert window.session.current_step == 1 and show.scene_index == 0
    _press(qtbot, window, Qt.Key.Key_Left)
    assert window.session.current_step == 0
    # B and . black the screen, either of them (or Esc) brings it back
    for key in (Qt.Key.Key_B, Qt.Key.Key_Period):
        _press(qtbot, window, key)
        assert window.blackout.on and window.blackout.geometry() == window.rect()
        _press(qtbot, window, key)
        assert not window.blackout.on
    _press(qtbot, window, Qt.Key.Key_B)
    _press(qtbot, window, Qt.Key.Key_Escape)
    assert not window.blackout.on and window.theme.present
    # Esc leaves the show: a desk window on the same session, the lesson still there, its caption too
    _press(qtbot, window, Qt.Key.Key_Escape)
    desk = window.next_window
    assert desk is not None and not desk.theme.present
    qtbot.waitExposed(desk)
    _activate(qtbot, desk)
    assert desk.model.lesson is show and desk.caption_band.isVisible()
    _press(qtbot, desk, Qt.Key.Key_PageDown)
    _arrive(qtbot, desk, 1)
    # F5 enters the show again, at the same scene
    _press(qtbot, desk, Qt.Key.Key_F5)
    again = desk.next_window
    assert again.theme.present and again.model.lesson.scene_index == 1


def test_the_scene_keys_work_right_after_a_field_was_edited(lesson_window, qtbot):
    window = lesson_window("--lesson", "normal-equation")
    window.docks["controlsDock"].show()  # presenting, the controls are closed; a lecturer opens them
    field = window.findChild(QAbstractSpinBox, "learningRateSpin")
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "0.2")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.optimizer.lr == pytest.approx(0.2), timeout=2000)
    _press(qtbot, window, Qt.Key.Key_PageDown)
    _arrive(qtbot, window, 1)
    assert window.session.optimizer.lr == pytest.approx(0.05)  # the scene's own η, not the edit
    # a field that has the focus but is not being typed in: the keys are the window's
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    for key, k in ((Qt.Key.Key_PageDown, 2), (Qt.Key.Key_PageUp, 1), (Qt.Key.Key_End, 7), (Qt.Key.Key_Home, 0)):
        qtbot.keyClick(QApplication.focusWidget(), key)
        _arrive(qtbot, window, k)
    # a decimal point typed into a field is the number's, not the black screen's
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, ".5")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not window.blackout.on and window.session.optimizer.lr == pytest.approx(0.5)
    # Esc while typing is the field's: the typing goes, the show stays
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "0.9")
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert window.next_window is None and window.theme.present
    assert field.value() == pytest.approx(0.5)


def test_the_lessons_menu_opens_a_shipped_lesson_presented_at_its_first_scene(lesson_window, qtbot):
    window = lesson_window()
    assert not window.actions_by_name["closeLessonAction"].isEnabled() and not window.caption_band.isVisible()
    for name in SHIPPED:
        action = window.actions_by_name[f"lessonAction_{name}"]
        assert action.text() == find_lesson(name).title
    window.actions_by_name["lessonAction_backprop"].trigger()
    qtbot.waitUntil(lambda: window.next_window is not None, timeout=20_000)
    shown = window.next_window
    assert shown.theme.present and shown.model.lesson.scene_index == 0 and shown.model.lesson.lesson.name == "backprop"
    assert shown.model.preset_name == "backprop" and shown.actions_by_name["closeLessonAction"].isEnabled()
    assert shown.caption_band.title.text().startswith(find_lesson("backprop").scenes[0].title)


def test_a_lesson_file_opens_and_is_remembered_in_recent_lesson_files(lesson_window, qtbot, tmp_path):
    window = lesson_window("--present")
    path = tmp_path / "mine.toml"
    path.write_text(
        'title = "Mine"\n[[scene]]\nfrom = "preset:linear-line"\ncaption = "one"\n'
        '[[scene]]\ntrain = 3\ncaption = "two"\n',
        encoding="utf-8",
    )
    window.lessons.open_lesson(str(path))
    qtbot.waitUntil(lambda: window.model.lesson is not None, timeout=20_000)
    assert window.model.lesson.scene_count == 2 and window.caption_band.text.text().endswith("one</p>")
    assert recent_files("lesson")[0] == str(path)
    # another session opened ends the lesson: no caption over someone else's state
    window.files.open_preset("logistic-blobs")
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=20_000)
    assert window.model.lesson is None and not window.caption_band.isVisible()
    assert not window.playback_bar.scene_label.isVisible()


def test_unsaved_work_is_asked_about_before_a_lesson_replaces_it(lesson_window, qtbot, monkeypatch):
    window = lesson_window("--preset", "linear-line")
    window.session.step(5)
    before = _state(window)
    asked = []
    answer = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args[2]) or answer[0])
    window.lessons.open_lesson("normal-equation")
    qtbot.waitUntil(lambda: bool(asked), timeout=20_000)
    qtbot.wait(50)
    assert "training step" in asked[0] and window.model.lesson is None and window.next_window is None
    assert _state(window) == before  # Cancel: nothing changed
    answer[0] = QMessageBox.StandardButton.Discard
    window.lessons.open_lesson("normal-equation")
    qtbot.waitUntil(lambda: window.next_window is not None, timeout=20_000)
    assert window.next_window.model.lesson.scene_index == 0


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.toml")), ids=lambda p: p.stem)
def test_a_broken_lesson_is_one_line_in_the_window_and_nothing_is_lost(shared_window, qtbot, path):
    window = shared_window()  # each broken file refused in turn, by the same window
    window.message_bar.hide()
    window.session.step(4)
    before = _state(window)
    window.lessons.open_lesson(str(path))
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=20_000)
    text = window.message_bar.text
    assert window.message_bar.isVisible() and "\n" not in text and path.name in text
    assert window.model.lesson is None and window.next_window is None
    assert _state(window) == before


def _cli(*args: str, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run(
        [sys.executable, "-m", "gradviz", *args], env=env, capture_output=True, text=True, timeout=300, cwd=cwd
    )


def test_list_lessons_prints_name_and_title():
    out = _cli("--list-lessons")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert [line.split("  ", 1)[0] for line in lines] == SHIPPED
    assert lines[0] == f"{SHIPPED[0]}  {find_lesson(SHIPPED[0]).title}"


def test_the_handout_has_one_page_per_scene_and_a_screenshot_renders_a_scene(gradviz_command, tmp_path):
    """The handout from a process of its own without a display, as a lecturer's script runs it."""
    pdf = tmp_path / "handout.pdf"
    done = _cli("--lesson", "softmax-jacobian", "--export-lesson", str(pdf))
    assert done.returncode == 0, done.stderr
    body = pdf.read_bytes()
    assert body.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", body)) == 7
    assert b"The softmax Jacobian" in body or b"/Title" in body
    mask = os.umask(0o22)
    os.umask(mask)
    assert pdf.stat().st_mode & 0o777 == 0o666 & ~mask  # the user's umask, as every other file written
    png = tmp_path / "scene.png"
    done = gradviz_command(
        "--lesson", "softmax-jacobian", "--scene", "3", "--screenshot", str(png), "--size", "1280x720"
    )
    assert done.returncode == 0 and png.stat().st_size > 10_000


def test_lesson_options_that_cannot_be_honoured_are_one_line_each(gradviz_command, tmp_path):
    for args, words in (
        (("--lesson", "nope"), "no shipped lesson of that name"),
        (("--lesson", "backprop", "--scene", "42", "--screenshot", str(tmp_path / "x.png")), "has 9 scenes"),
        (("--lesson", str(BROKEN / "unknown-preset.toml"), "--screenshot", str(tmp_path / "x.png")), "scene 1 › from"),
        (("--scene", "2"), "--scene needs --lesson"),
        (("--lesson", "backprop", "--preset", "linear-line"), "--lesson and --preset"),
    ):
        done = gradviz_command(*args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        last = done.stderr.strip().splitlines()[-1]  # (argparse's own errors come after its usage)
        assert words in last, done.stderr
        assert last.startswith("gradviz: ") or last.startswith("gradviz: error: ")


def test_a_handout_that_cannot_be_written_leaves_nothing_and_says_why(lesson_window, gradviz_command, tmp_path):
    window = lesson_window("--lesson", "softmax-jacobian")
    with pytest.raises(OSError):
        write_handout(window, tmp_path / "no-such-folder" / "h.pdf", SIZE)
    done = gradviz_command(
        "--lesson", "softmax-jacobian", "--export-lesson", str(tmp_path / "no-such-folder" / "h.pdf")
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.startswith("gradviz: ")
