"""Taking things out of the app: history CSV, the surface grid, pictures of views, recordings."""

import os
import subprocess
import sys

import pytest


def test_the_history_of_every_run_through_the_menu_and_the_command_line(opened, monkeypatch, tmp_path):
    import csv
    import subprocess
    import sys

    from PySide6.QtWidgets import QFileDialog

    window = opened("--preset", "race-optimizers", "--steps", "12")
    target = tmp_path / "race.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.actions_by_name["exportHistoryAction"].trigger()
    rows = list(csv.DictReader(target.read_text().splitlines()))
    assert len(rows) == 4 * 13 and {r["run"] for r in rows} == {r.name for r in window.session.runs}
    for run in window.session.runs:
        mine = [r for r in rows if r["run"] == run.name]
        assert [float(r["loss"]) for r in mine] == list(run.trainer.history().loss)
    assert "Saved 52 steps of 4 runs" in window.statusBar().currentMessage()
    # the same from the command line, without a display
    out = tmp_path / "cli.csv"
    cmd = [
        sys.executable,
        "-m",
        "gradviz",
        "--preset",
        "race-optimizers",
        "--steps",
        "12",
        "--export-history",
        str(out),
    ]
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    subprocess.run(cmd, check=True, env=env, timeout=120)
    assert out.read_text() == target.read_text()
    bad = subprocess.run([*cmd[:-1], str(tmp_path)], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "it is a folder" in bad.stderr


def test_the_loss_surface_as_npz_and_csv_with_its_axes(opened, monkeypatch, tmp_path):
    import csv

    import numpy as np
    from PySide6.QtWidgets import QFileDialog

    window = opened("--preset", "linear-line", "--steps", "5")
    for suffix in (".npz", ".csv"):
        target = tmp_path / f"surface{suffix}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        window.actions_by_name["exportSurfaceAction"].trigger()
        alphas, betas, S = window.surface_view.shown_grid()
        if suffix == ".npz":
            with np.load(target) as f:
                assert np.array_equal(f["alpha"], alphas) and np.array_equal(f["beta"], betas)
                assert np.array_equal(f["loss"], S)
                assert list(f["axis_labels"]) == list(window.session.slice.axis_labels)
        else:
            rows = list(csv.reader(target.read_text().splitlines()))
            assert rows[0] == [*window.session.slice.axis_labels, "loss"]
            assert len(rows) - 1 == S.size
            assert float(rows[1 + len(betas) + 2][2]) == S[1, 2]
    bad = tmp_path / "surface.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(bad), ""))
    window.actions_by_name["exportSurfaceAction"].trigger()
    assert not bad.exists() and ".csv or .npz" in window.message_bar.text


# The window's PDF: Qt's PDF engine cannot shade the Fusion style's button bevels (a gradient between
# colours of two specs) and draws them flat; every plot, line and word is in the file. Harmless.
@pytest.mark.qt_log_ignore("QPdfEngine: unable to create a gradient", extend=True)
def test_a_view_or_the_window_as_png_at_2x_svg_and_pdf(make_window, gradviz_command, monkeypatch, tmp_path):
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    from PIL import Image
    from PySide6.QtWidgets import QFileDialog

    from gradviz.gui.export_dialog import ExportDialog

    window = make_window("--preset", "race-optimizers", "--steps", "10")
    asked = []

    def answer(size_text, scale, keep=False):
        def exec_(dialog):
            asked.append(dialog.windowTitle())
            dialog.size_combo.setCurrentIndex(dialog.size_combo.findText(size_text))
            dialog.scale_combo.setCurrentIndex(dialog.scale_combo.findData(scale))
            dialog.keep_check.setChecked(keep)
            asked.append(dialog.summary.text())
            return True

        return exec_

    cases = [("lossCurve", "c.png", "As in the window", 2), ("data", "d.svg", "As in the window", 1),
             ("window", "w.pdf", "As in the window", 1), ("lossSurface", "s.png", "Slide, 1280 × 720", 2)]  # fmt: skip
    data_dock = window.docks["dataDock"]
    before = (data_dock.widget(), data_dock.widget().size(), window.size())
    for view, name, size_text, scale in cases:
        target = tmp_path / name
        monkeypatch.setattr(ExportDialog, "exec", answer(size_text, scale, keep=view == "data"))
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        window.actions_by_name[f"exportViewAction_{view}"].trigger()
        assert target.is_file(), view
    assert asked[0] == "Export “Loss curve”" and asked[-2] == "Export “Loss surface and descent path”"
    assert asked[-1] == "A PNG of 2,560 × 1,440 pixels"  # the size and resolution are said before the file
    assert (data_dock.widget(), data_dock.widget().size(), window.size()) == before  # the window is as it was
    widget = window.pictures.widget("lossCurve")
    with Image.open(tmp_path / "c.png") as png:
        png.load()  # decoded whole: a truncated file fails here
        assert png.format == "PNG" and png.size == (2 * widget.width(), 2 * widget.height())
    with Image.open(tmp_path / "s.png") as png:
        assert png.size == (2560, 1440)  # a slide's size at 2×, whatever the dock's size
    svg = ET.parse(tmp_path / "d.svg").getroot()
    assert svg.tag.endswith("svg") and len(list(svg.iter())) > 50  # the plot's items are drawn as vectors
    data_view = window.pictures.widget("data")
    assert round(float(svg.get("width").removesuffix("mm")) / 25.4 * 96) == data_view.width()  # 96 px an inch
    words = " ".join(t.text or "" for t in svg.iter() if t.tag.endswith("text"))
    assert "prediction" in words and "Click to add a point" in words  # the legend and the hint (kept), as text
    assert (tmp_path / "w.pdf").read_bytes()[:5] == b"%PDF-"
    assert not list(tmp_path.glob(".*partial*"))  # nothing half-written is left beside them
    # an unknown format is refused in words and writes nothing
    monkeypatch.setattr(ExportDialog, "exec", answer("As in the window", 1))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "x.doc"), ""))
    window.actions_by_name["exportViewAction_data"].trigger()
    assert not (tmp_path / "x.doc").exists() and ".svg, .pdf" in window.message_bar.text
    # the command line, without a display
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "surface.svg"
    cmd = [sys.executable, "-m", "gradviz", "--preset", "linear-line", "--steps", "5", "--export-view"]
    subprocess.run([*cmd, "lossSurface", str(out)], check=True, env=env, timeout=120)
    assert ET.parse(out).getroot().tag.endswith("svg")
    words = " ".join(t.text or "" for t in ET.parse(out).getroot().iter() if t.tag.endswith("text"))
    assert "Two parameters" in words and "Plane" not in words  # its note, not its own buttons
    # the rest in this process (what needs no display is settled above)
    cmd = cmd[3:]
    png = tmp_path / "window.png"
    assert gradviz_command(*cmd, "window", str(png), "--size", "1280x720").returncode == 0
    with Image.open(png) as picture:
        picture.load()
        assert picture.size == (1280, 720)
    slide = tmp_path / "slide.png"
    assert gradviz_command(*cmd, "residuals", str(slide), "--view-size", "1000x600", "--scale", "4").returncode == 0
    with Image.open(slide) as picture:
        assert picture.size == (4000, 2400)
    bad = gradviz_command(*cmd, "nope", str(out))
    assert bad.returncode == 2 and "the views are window" in bad.stderr
    bad = gradviz_command(*cmd, "data", str(out), "--scale", "3")
    assert bad.returncode == 2 and "--scale" in bad.stderr


def _env_without_display() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}


def _said(window) -> str:
    return window.statusBar().currentMessage() + " " + window.message_bar.text


def _record(window, qtbot, monkeypatch, path, view="lossSurface", start=None, steps=6, fps=12):
    """File › Record a run, through its dialog and the file dialog; waits for the recording to end."""
    from PySide6.QtWidgets import QFileDialog

    from gradviz.gui.record_dialog import RecordDialog

    def answer(dialog):
        dialog.view_combo.setCurrentIndex(dialog.view_combo.findData(view))
        if start is not None:
            dialog.start_spin.setValue(start)
        dialog.steps_spin.setValue(steps)
        dialog.fps_spin.setValue(fps)
        return True

    monkeypatch.setattr(RecordDialog, "exec", answer)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.actions_by_name["recordAction"].trigger()
    qtbot.waitUntil(lambda: window.findChild(object, "recordingProgress") is None, timeout=60_000)


def _gif_frames(path):
    from PIL import Image

    with Image.open(path) as gif:
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append((gif.size, gif.info["duration"], gif.convert("RGB").tobytes()))
    return frames


def test_a_recorded_gif_has_a_frame_per_step_of_the_view_and_is_the_same_every_time(
    make_window, qtbot, monkeypatch, tmp_path
):
    window = make_window("--preset", "mlp-moons", "--steps", "3")
    widget = window.pictures.widget("lossSurface")
    first = tmp_path / "run.gif"
    _record(window, qtbot, monkeypatch, first, steps=6, fps=12)
    frames = _gif_frames(first)
    assert len(frames) == 7 and window.session.last_step == 9  # steps 3 … 9, trained on from 3
    assert window.session.current_step == 3  # and the window back where the lecture was
    assert {size for size, _, _ in frames} == {(widget.width(), widget.height())}
    assert {duration for _, duration, _ in frames} == {80}  # 1/12 s in a GIF's hundredths
    assert len({pixels for _, _, pixels in frames}) == 7  # every step looks different: the path grows
    assert "steps 3–9: 7 frames at 12 a second" in _said(window)
    # the same steps again, now replayed from the timeline: the same frames, byte for byte
    again = tmp_path / "again.gif"
    _record(window, qtbot, monkeypatch, again, start=3, steps=6, fps=12)
    assert again.read_bytes() == first.read_bytes()
    assert not list(tmp_path.glob(".*partial*"))
    # the whole window, from two windows that opened the same session: the same movie
    movies = []
    for k in range(2):
        twin = make_window("--preset", "mlp-moons", "--steps", "3")
        movies.append(tmp_path / f"twin{k}.gif")
        _record(twin, qtbot, monkeypatch, movies[-1], view="window", steps=3)
    assert movies[0].read_bytes() == movies[1].read_bytes() and len(_gif_frames(movies[0])) == 4


def test_the_window_stays_live_while_recording_and_cancel_leaves_no_file(make_window, qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QPushButton

    window = make_window("--preset", "logistic-blobs")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(window.session.current_step))
    timer.start(0)
    target = tmp_path / "long.gif"
    progress = window.pictures.record("window", str(target), steps=200, fps=10)
    assert progress.isVisible() and progress.isModal()  # its controls wait: the run cannot change under it
    qtbot.waitUntil(lambda: progress.value() >= 3, timeout=30_000)
    assert len(set(ticks)) >= 3  # other events were handled between the frames
    qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    timer.stop()
    assert window.findChild(object, "recordingProgress") is None or not progress.isVisible()
    assert not target.exists() and not list(tmp_path.iterdir())
    assert "cancelled" in _said(window) and 2 <= window.session.last_step < 200  # the steps taken stay
    assert window.session.current_step == 0  # the window where it was
    # Esc in the dialog cancels too
    progress = window.pictures.record("data", str(target), steps=200, fps=10)
    qtbot.waitUntil(lambda: progress.value() >= 1, timeout=30_000)
    QTest.keyClick(progress, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not progress.isVisible(), timeout=10_000)
    assert not target.exists() and not list(tmp_path.iterdir())


def test_recording_problems_are_said_and_write_nothing(make_window, qtbot, monkeypatch, tmp_path):
    from gradviz.gui import movie

    window = make_window("--preset", "logistic-blobs")
    for name, words in (("r.avi", ".gif (an animated GIF) or .mp4"), ("no/such/r.gif", "does not exist")):
        assert window.pictures.record("data", str(tmp_path / name)) is None
        assert words in window.message_bar.text
    assert window.pictures.record("data", str(tmp_path / "r.gif"), fps=60) is None
    assert "1 to 50 frames a second" in window.message_bar.text
    monkeypatch.setattr(movie, "_ffmpeg", lambda: None)  # without the extra: what to install
    assert window.pictures.record("data", str(tmp_path / "r.mp4")) is None
    assert "pip install 'gradviz[video]'" in window.message_bar.text
    # a name that is a folder by the time the movie is written: one sentence, no half file
    folder = tmp_path / "taken.gif"
    folder.mkdir()
    _record(window, qtbot, monkeypatch, folder, view="data", steps=2)
    assert folder.is_dir() and "Could not write taken.gif" in window.message_bar.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.gif"]


def test_a_run_that_diverges_is_recorded_up_to_where_it_stopped(make_window, qtbot, monkeypatch, tmp_path):
    window = make_window("--preset", "linear-line", "--lr", "50")
    target = tmp_path / "boom.gif"
    _record(window, qtbot, monkeypatch, target, view="lossCurve", steps=40)
    stopped = window.session.last_step
    assert window.session.current_step == 0 and 0 < stopped < 40 and len(_gif_frames(target)) == stopped + 1
    assert f"stopped at step {stopped}" in window.message_bar.text


def test_an_mp4_of_the_window(make_window, qtbot, monkeypatch, tmp_path):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    window = make_window("--preset", "softmax-blobs")
    target = tmp_path / "w.mp4"
    _record(window, qtbot, monkeypatch, target, view="window", steps=5, fps=25)
    w, h = window.width(), window.height()
    w, h = w + w % 2, h + h % 2  # H.264 wants even sides: padded by a pixel, never scaled
    assert imageio_ffmpeg.count_frames_and_secs(str(target)) == (6, 6 / 25)
    decode = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-v",
        "error",
        "-i",
        str(target),
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]
    pixels = subprocess.run(decode, capture_output=True, check=True, timeout=60).stdout
    assert len(pixels) == 6 * w * h * 3


def test_record_from_the_command_line_without_a_display(tmp_path):
    from PIL import Image

    out = tmp_path / "cli.gif"
    cmd = [sys.executable, "-m", "gradviz", "--preset", "linear-line", "--steps", "4", "--record", str(out)]
    subprocess.run(
        [*cmd, "--view", "lossCurve", "--fps", "5", "--size", "1280x720"],
        check=True,
        env=_env_without_display(),
        timeout=120,
    )
    with Image.open(out) as gif:
        assert gif.n_frames == 5 and gif.info["duration"] == 200  # the start and one per step, at 5 a second
    bad = subprocess.run(
        [*cmd[:-1], str(tmp_path / "x.mov")], env=_env_without_display(), capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2 and ".gif (an animated GIF) or .mp4" in bad.stderr


def test_a_picture_at_4x_is_the_screen_drawn_sharper_not_thinner(make_window):
    """At 4× a line's width is in the file's pixels: the path, contours and curves are drawn 4 times as wide
    (else a slide's path was a quarter as heavy as on screen), markers as shapes (else blurred squares),
    the surface's colours blended between its grid points (else 50-pixel tiles); all as before afterwards."""
    import pyqtgraph as pg
    from PySide6.QtGui import QImage, QPainter

    from gradviz.gui.snapshot import _drawn_for_export

    window = make_window("--preset", "momentum-ravine", "--steps", "20")
    view = window.surface_view
    curves = [item for item in view.plot.items if isinstance(item, pg.PlotDataItem) and item.curve.opts["pen"]]
    markers = [item for item in view.plot.items if isinstance(item, pg.PlotDataItem) and item.scatter.data.size]
    assert curves and markers
    widths = [curve.curve.opts["pen"].widthF() for curve in curves]
    with _drawn_for_export(view, 4):
        assert [curve.curve.opts["pen"].widthF() for curve in curves] == [4 * max(w, 1.0) for w in widths]
        assert all(marker.scatter._exportOpts for marker in markers)
    assert [curve.curve.opts["pen"].widthF() for curve in curves] == widths
    assert not any(marker.scatter._exportOpts for marker in markers)
    image = view.surface_image.image
    painted = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(painted)
    image.paint(painter)
    assert painter.testRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.end()
