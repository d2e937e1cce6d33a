"""What a user notices: classes counted one way, file names and permissions, screenshots, titles."""

import os

import pyqtgraph as pg
import pytest

from gradviz import core
from gradviz.gui.file_commands import SESSION_FILTER


def test_classes_are_counted_from_1_everywhere(make_window):
    window = make_window("--preset", "softmax-blobs")
    window.docks["residualsDock"].raise_()
    window.flush()
    assert window.data_view.legend.text().startswith("class 1 (key 1)")
    assert window.residuals_view.legend.text().split("   ")[:3] == ["class 1", "class 2", "class 3"]
    assert window.findChild(pg.QtWidgets.QComboBox, "newClassCombo").itemText(0) == "class 1 (key 1)"
    assert window.actions_by_name["classAction1"].text() == "New points: class 1"
    ticks = window.jacobian_view.bars.getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks] == ["1", "2", "3"]
    window.session.set_new_point_class(2)
    assert "class 3" in window.statusBar().currentMessage()


def test_the_window_title_says_gradviz_once(window):
    assert "gradviz" not in window.windowTitle()  # the platform appends the application's name


def test_a_session_saved_without_an_extension_gets_one(window, tmp_path):
    assert window.session.save(tmp_path / "lecture")
    assert (tmp_path / "lecture.gradviz.json").is_file() and not (tmp_path / "lecture").exists()
    assert "lecture.gradviz.json" in window.statusBar().currentMessage()
    assert "*.gradviz.json" in SESSION_FILTER
    assert window.session.load(tmp_path / "lecture.gradviz.json") is not None


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permissions")
@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_are_written_with_the_users_umask(tmp_path, umask, mode):
    data = core.SessionData(core.generate("blobs", n_samples=10, seed=0), core.Settings())
    old = os.umask(umask)
    try:
        written = core.save_session(tmp_path / "s", data)
        core.save_csv(data.dataset, tmp_path / "d.csv")
    finally:
        os.umask(old)
    assert written.stat().st_mode & 0o777 == mode
    assert (tmp_path / "d.csv").stat().st_mode & 0o777 == mode


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    data = core.SessionData(core.generate("blobs", n_samples=10, seed=0), core.Settings())
    path = core.save_session(tmp_path / "s.json", data)
    path.chmod(0o640)
    core.save_session(path, data)
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("name", ["shot.svg", "shot.png", "shot.jpg"])
def test_a_screenshot_is_written_and_says_nothing(gradviz_command, tmp_path, name):
    out = gradviz_command("--steps", "2", "--screenshot", str(tmp_path / name))
    assert out.returncode == 0 and out.stdout == "" and out.stderr == ""
    head = (tmp_path / name).read_bytes()[:64]
    expected = {"svg": b"<?xml", "png": b"\x89PNG", "jpg": b"\xff\xd8"}[name.rsplit(".", 1)[1]]
    assert head.startswith(expected)
    if name.endswith(".svg"):
        text = (tmp_path / name).read_text()
        assert "<path" in text and "<text" in text  # lines and words as vectors


def test_a_screenshot_in_an_unknown_format_says_which_exist(gradviz_command, tmp_path):
    out = gradviz_command("--steps", "2", "--screenshot", str(tmp_path / "shot.docx"))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert ".png" in out.stderr and ".svg" in out.stderr and not (tmp_path / "shot.docx").exists()
