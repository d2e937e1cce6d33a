"""Prepared scenarios open inside the running app; nothing unsaved is lost without asking; long sessions open in slices."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gradviz import core
from gradviz.cli import parse_args
from gradviz.gui.lesson_picker import LessonPicker
from gradviz.presets import list_presets, load_preset
from gradviz.session_options import session_data_from_args
from gradviz.state import Session

LESSONS = list_presets()


def test_the_menus_and_the_scenarios_menu_lists_every_scenario(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Train", "&Runs", "&Lessons", "&Help"]
    menu = window.menuBar().actions()[5].menu()
    (scenarios,) = [a.menu() for a in menu.actions() if a.text() == "Prepared &scenarios"]
    entries = [a for a in scenarios.actions() if a.objectName().startswith("presetAction_")]
    models = [p for p in LESSONS if not p.name.startswith("playground-")]  # those are under Playground ▸
    assert [(a.text(), a.toolTip()) for a in entries] == [(p.title, p.description) for p in models]
    assert window.actions_by_name["chooseLessonAction"].shortcut().toString() == "Ctrl+L"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_every_lesson_opens_in_the_running_window(shared_window, qtbot, lesson):
    window = shared_window()  # one after another, as a lecturer opens them
    window.files.open_preset(lesson.name)
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=20_000)
    data = load_preset(lesson.name)
    s = window.session
    assert s.settings == data.settings.fitted(data.dataset)[0]
    assert s.current_step == data.step and s.unsaved == ()
    assert s.source_dataset.n_samples == data.dataset.n_samples


def _answer(monkeypatch, button):
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_unsaved_work_is_asked_about_and_cancel_keeps_it(window, monkeypatch):
    s = window.session
    s.step(4)
    s.set_value("lr", 0.07)
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    window.files.open_preset("mlp-moons")
    assert asked and "The settings and the training step changed" in asked[0]
    assert s.current_step == 4 and s.optimizer.lr == pytest.approx(0.07) and s.model.kind != "mlp"


def test_discard_opens_the_lesson(window, monkeypatch):
    window.session.step(4)
    _answer(monkeypatch, QMessageBox.StandardButton.Discard)
    window.files.open_preset("mlp-moons")
    assert window.session.model.kind == "mlp" and window.session.current_step == 0


def test_save_saves_first_then_opens(window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    window.session.step(4)
    _answer(monkeypatch, QMessageBox.StandardButton.Save)
    target = tmp_path / "before-the-lesson.gradviz.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.files.open_preset("mlp-moons")
    assert target.is_file() and window.session.model.kind == "mlp"


def test_a_save_dialog_closed_without_saving_opens_nothing(window, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window.session.step(4)
    _answer(monkeypatch, QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    window.files.open_preset("mlp-moons")
    assert window.session.current_step == 4 and window.session.model.kind != "mlp"


def test_the_picker_is_driven_by_the_keys_over_its_headings(qtbot):
    from gradviz.gui.lesson_picker import Entry
    from gradviz.gui.theme import Theme
    from gradviz.lessons import list_lessons

    guided = [Entry(f"lesson:{x.name}", x.title, x.description) for x in list_lessons()]
    entries = guided + [Entry(f"preset:{p.name}", p.title, p.description) for p in LESSONS]
    picker = LessonPicker(entries, Theme(present=True))
    qtbot.addWidget(picker)
    picker.show()
    assert picker.chosen == entries[0].key
    assert picker.description.text() == entries[0].description
    qtbot.keyClick(picker.list, Qt.Key.Key_Down)
    qtbot.keyClick(picker.list, Qt.Key.Key_Down)
    assert picker.chosen == entries[2].key and picker.description.text() == entries[2].description
    for _ in range(len(guided) - 2):  # past the last lesson, over the scenarios' heading
        qtbot.keyClick(picker.list, Qt.Key.Key_Down)
    assert picker.chosen == f"preset:{LESSONS[0].name}"
    qtbot.keyClick(picker.list, Qt.Key.Key_Return)
    assert picker.result() == LessonPicker.DialogCode.Accepted


@pytest.fixture(scope="module")
def long_session(tmp_path_factory):
    """A session 6,000 steps long (mlp-moons), saved with its timeline, built without a window; and its
    parameters at the end."""
    data, _ = session_data_from_args(parse_args(["--preset", "mlp-moons", "--steps", "6000"]))
    session = Session(data.dataset, data.settings)
    session.apply_session(data)
    path = tmp_path_factory.mktemp("long") / "long.gradviz.json"
    assert session.save(path)
    return path, {k: v.copy() for k, v in session.params.items()}


def test_a_long_session_opens_in_slices_and_esc_leaves_the_old_one(opened, long_session, tmp_path, qtbot):
    source, params = long_session
    doc = json.loads(source.read_text())
    assert "snapshot" in doc["run"]  # it would open at once: without its timeline it replays
    del doc["run"]["snapshot"]
    path = tmp_path / "long.gradviz.json"
    path.write_text(json.dumps(doc))

    window = opened("--preset", "linear-line", "--steps", "3")
    window.files.open_file(str(path))
    assert window.jobs.running and "long.gradviz.json" in window.jobs.bar.format()
    qtbot.wait(30)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.jobs.running
    assert window.session.model.kind == "linear" and window.session.current_step == 3
    assert "nothing changed" in window.message_bar.text

    window.files.open_file(str(path))
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=30000)
    s = window.session
    assert s.model.kind == "mlp" and s.current_step == 6000 and s.unsaved == ()
    for k, v in params.items():
        assert (s.params[k] == v).all()


def test_the_picker_starts_at_the_lesson_on_screen(make_window, monkeypatch):
    window = make_window("--preset", "momentum-ravine")
    seen = []
    monkeypatch.setattr(LessonPicker, "exec", lambda self: seen.append(self.chosen) or 0)
    window.lessons.choose()
    window.files.open_preset("softmax-blobs")
    window.lessons.choose()
    assert seen == ["preset:momentum-ravine", "preset:softmax-blobs"]


def test_a_long_session_saved_with_its_timeline_opens_without_training_again(opened, long_session, qtbot, monkeypatch):
    path, params = long_session
    window = opened("--preset", "linear-line")
    trained = []
    step = core.Trainer.step
    monkeypatch.setattr(core.Trainer, "step", lambda self, *a, **k: (trained.append(1), step(self, *a, **k))[1])
    window.files.open_file(str(path))
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=30_000)  # over 1 MB: read by a worker process
    assert trained == []  # its timeline is read, not its 6,000 steps trained again
    assert window.session.current_step == 6000
    for k, v in params.items():
        assert (window.session.params[k] == v).all()


def test_quitting_with_unsaved_work_asks_first(window, monkeypatch):
    window.ask_before_closing = True  # as the app's own window (gradviz) has it
    window.session.step(3)
    _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    assert not window.close() and window.isVisible()  # Cancel: the window and the work stay
    _answer(monkeypatch, QMessageBox.StandardButton.Discard)
    assert window.close()
